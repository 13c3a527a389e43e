"""The notifications service: what other apps call, and what the centre and e-mails use.

Apps call :func:`notify` from their services after commit
(``transaction.on_commit(lambda: notify(...))``), with the kind, the people
to tell, a name for the event and the parameters the kind's words need.
Notices are created at once (one per person and event, whatever the number
of calls); e-mails go from a background task that receives notice ids only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from . import kinds
from .kinds import Channel
from .models import Notice, Preference

#: How many notices the centre shows (the newest).
CENTRE_LIMIT = 100
DIGEST_PERIOD = timedelta(days=7)


def moment(value: datetime) -> dict:
    """A date and time as a notice parameter, written in the reader's language."""
    return {"at": value.isoformat()}


def per_language(km: str, en: str) -> dict:
    """A text known in Khmer and English, as a notice parameter."""
    return {"km": km or "", "en": en or ""}


def notify(
    kind: str,
    recipients: Iterable,
    *,
    event: str,
    about: str = "",
    params: dict | None = None,
    url: str = "",
) -> int:
    """Tell each of ``recipients`` (users or user ids) of ``event``; returns how many
    notices were new.

    Call after commit. Calling again for the same event (a retried task)
    creates nothing and sends nothing twice. Inactive people are skipped.
    """
    kinds.get(kind)
    ids = {getattr(r, "pk", r) for r in recipients}
    ids = set(
        get_user_model().objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    before = set(
        Notice.objects.filter(kind=kind, event=event, recipient_id__in=ids).values_list(
            "recipient_id", flat=True
        )
    )
    Notice.objects.bulk_create(
        [
            Notice(
                recipient_id=user_id,
                kind=kind,
                event=event[:200],
                about=about[:200],
                params=params or {},
                url=url[:500],
            )
            for user_id in sorted(ids - before)
        ],
        ignore_conflicts=True,
    )
    new = list(
        Notice.objects.filter(
            kind=kind, event=event[:200], recipient_id__in=ids - before, emailed_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if new:
        from .tasks import deliver_notices

        transaction.on_commit(lambda: deliver_notices.enqueue(new))
    return len(new)


# ---------------------------------------------------------------------------
# Preferences
# ---------------------------------------------------------------------------


def preferences_for(user) -> dict[str, str]:
    """The person's channel for every kind (the kind's default where they chose none)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind.key: chosen.get(kind.key, kind.default) for kind in kinds.KINDS}


def channel_for(user_id: int, kind: str) -> str:
    chosen = (
        Preference.objects.filter(user_id=user_id, kind=kind).values_list("channel", flat=True)
    ).first()
    return chosen or kinds.get(kind).default


@transaction.atomic
def set_preferences(user, choices: dict[str, str]) -> None:
    """Store the person's channel for each kind given; unknown kinds or channels change nothing."""
    for kind, channel in choices.items():
        if kind not in kinds.BY_KEY or channel not in Channel.values:
            raise ValidationError(_("Choose one of the offered ways for each kind of notice."))
    for kind, channel in choices.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})


# ---------------------------------------------------------------------------
# The centre
# ---------------------------------------------------------------------------


def unread_count(user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def open_centre(user) -> list[Notice]:
    """The person's newest notices; the unread ones among them are now read.

    The returned notices keep the ``read_at`` they had, so that the page can
    show which ones are new. Two queries whatever the number of notices.
    """
    notices = list(Notice.objects.filter(recipient=user)[:CENTRE_LIMIT])
    unread = [n.pk for n in notices if n.read_at is None]
    if unread:
        Notice.objects.filter(pk__in=unread, read_at__isnull=True).update(read_at=timezone.now())
    return notices


def mark_all_read(user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# ---------------------------------------------------------------------------
# E-mail and the digest (run by the tasks)
# ---------------------------------------------------------------------------


def deliver(notice_ids: list[int]) -> int:
    """E-mail the notices whose recipients want this kind by e-mail; returns how many went.

    Each notice is claimed (``emailed_at``) before it is sent, so that two
    runs never both send it; a failed send releases it for a retry.
    """
    from .emails import send_notice_email

    sent = 0
    notices = Notice.objects.filter(pk__in=notice_ids, emailed_at__isnull=True).select_related(
        "recipient"
    )
    for notice in notices:
        if channel_for(notice.recipient_id, notice.kind) != Channel.EMAIL:
            continue
        now = timezone.now()
        if not Notice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(emailed_at=now):
            continue
        try:
            send_notice_email(notice)
        except Exception:
            Notice.objects.filter(pk=notice.pk, emailed_at=now).update(emailed_at=None)
            raise
        sent += 1
    return sent


def _wants_digest():
    """A subquery condition: the notice's recipient chose the digest for its kind."""
    return Exists(
        Preference.objects.filter(
            user_id=OuterRef("recipient_id"), kind=OuterRef("kind"), channel=Channel.DIGEST
        )
    )


def _digest_pending(until: datetime):
    return Notice.objects.filter(
        _wants_digest(),
        created_at__gt=until - DIGEST_PERIOD,
        created_at__lte=until,
        digested_at__isnull=True,
        emailed_at__isnull=True,
    )


def digest_notices(user_id: int, until: datetime):
    """The week's notices (up to ``until``) of the kinds the person wants in the digest."""
    return _digest_pending(until).filter(recipient_id=user_id)


def users_due_a_digest(until: datetime) -> list[int]:
    """The people who chose the digest for a kind and have notices of it this week."""
    return sorted(set(_digest_pending(until).values_list("recipient_id", flat=True)))


def send_digest(user_id: int, until: datetime) -> int:
    """E-mail the person one digest of the week's notices; returns how many it holds.

    The notices are claimed (``digested_at``) first, so that a second run
    for the same week sends nothing.
    """
    from .emails import send_digest_email

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    ids = list(digest_notices(user_id, until).values_list("pk", flat=True))
    if not ids:
        return 0
    stamp = timezone.now()
    Notice.objects.filter(pk__in=ids, digested_at__isnull=True).update(digested_at=stamp)
    notices = list(Notice.objects.filter(pk__in=ids, digested_at=stamp).order_by("created_at"))
    if not notices:
        return 0
    try:
        send_digest_email(user, notices, until)
    except Exception:
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(digested_at=None)
        raise
    return len(notices)


def queue_digests(until: datetime | None = None) -> int:
    """Queue one digest task per person due one (run weekly by ``send_notice_digests``)."""
    from .tasks import send_weekly_digest

    until = until or timezone.now()
    user_ids = users_due_a_digest(until)
    for user_id in user_ids:
        send_weekly_digest.enqueue(user_id, until.isoformat())
    return len(user_ids)


# ---------------------------------------------------------------------------
# Personal data
# ---------------------------------------------------------------------------


def personal_data(user) -> dict:
    from .rendering import render

    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    return {
        "notices": [
            {
                "kind": n.kind,
                "text": render(n, language).title,
                "link": n.url,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
                "emailed_at": n.emailed_at.isoformat() if n.emailed_at else None,
            }
            for n in Notice.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
        "preferences": preferences_for(user),
    }


def erase_for_deleted_account(user) -> None:
    Notice.objects.filter(recipient=user).delete()
    Preference.objects.filter(user=user).delete()
