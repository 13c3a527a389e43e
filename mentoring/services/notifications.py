"""Telling the representatives of a pair's organisations what happened to the pair.

A proposed match, an accepted or declined one, a completed pair and a due
check-in are notices (``notifications.services.notify``): they show in each
representative's notice centre and come by e-mail, or in the weekly digest,
as each person chose, in their own language. Asking for feedback and an
early end are e-mails, each in the reader's language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from lms.mail import send_templated_email
from notifications.services import notify as notify_people
from notifications.services import per_language

from ..explain import describe_pair
from ..models import MentoringPair, Side
from .access import pairs_with_relations

#: The notice kind for each lifecycle message that is a notice.
NOTICE_KINDS = {
    "mentoring/email/match_proposed": ("match_proposed", "proposed"),
    "mentoring/email/pair_active": ("match_accepted", "accepted"),
    "mentoring/email/pair_declined": ("match_declined", "declined"),
    "mentoring/email/pair_completed": ("pair_completed", "completed"),
}

#: An active pair should meet at least this often.
CHECK_IN_INTERVAL = timedelta(days=30)


def representatives_of(organisation_ids: Iterable[int]) -> dict[int, list[Membership]]:
    """Representatives of each organisation, in one query."""
    by_organisation: dict[int, list[Membership]] = defaultdict(list)
    memberships = (
        Membership.objects.filter(
            organisation_id__in=list(organisation_ids), role=Membership.Role.REPRESENTATIVE
        )
        .select_related("user", "organisation")
        .order_by("organisation_id", "user_id")
    )
    for membership in memberships:
        by_organisation[membership.organisation_id].append(membership)
    return by_organisation


def _name(organisation) -> dict:
    return per_language(organisation.name_km, organisation.name_en)


def notify(
    pair: MentoringPair,
    template: str,
    *,
    sides=(Side.MENTEE, Side.MENTOR),
    representatives: dict[int, list[Membership]] | None = None,
):
    """Tell the representatives of the given sides; call after commit."""
    organisation_ids = [pair.organisation_for(side).pk for side in sides]
    if representatives is None:
        representatives = representatives_of(organisation_ids)
    if template in NOTICE_KINDS:
        _notice(pair, template, sides, representatives)
        return
    seen = set()
    for organisation_id in organisation_ids:
        for membership in representatives.get(organisation_id, []):
            user = membership.user
            if user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            side = Side.MENTEE if organisation_id == pair.mentee_id else Side.MENTOR
            send_templated_email(
                template,
                to=[user.email],
                language=user.preferred_language,
                context={
                    "pair": pair,
                    "recipient": user,
                    "organisation": membership.organisation,
                    "other": pair.mentor if side == Side.MENTEE else pair.mentee,
                    "side": side,
                    "explanation": describe_pair(pair.reasons, language=user.preferred_language),
                },
            )


def _notice(pair, template, sides, representatives) -> None:
    kind, what = NOTICE_KINDS[template]
    reasons = per_language(
        describe_pair(pair.reasons, language="km"), describe_pair(pair.reasons, language="en")
    )
    if kind == "match_declined":
        url = reverse("mentoring:overview")
    else:
        url = reverse("mentoring:pair_detail", args=[pair.pk])
    for side in sides:
        organisation = pair.organisation_for(side)
        other = pair.mentor if side == Side.MENTEE else pair.mentee
        notify_people(
            kind,
            [m.user_id for m in representatives.get(organisation.pk, [])],
            event=f"pair:{pair.pk}:{what}",
            about=f"mentoring.mentoringpair:{pair.pk}",
            params={
                "organisation": _name(organisation),
                "partner": _name(other),
                "reasons": reasons,
            },
            url=url,
        )


def notify_pairs(pair_ids: list[int], template: str) -> None:
    """Tell both sides of each pair (run by ``mentoring.tasks.notify_pairs``)."""
    pairs = list(pairs_with_relations().filter(pk__in=pair_ids).order_by("pk"))
    representatives = representatives_of(
        {p.mentee_id for p in pairs} | {p.mentor_id for p in pairs}
    )
    for pair in pairs:
        notify(pair, template, representatives=representatives)


def notify_due_check_ins(today: date | None = None) -> int:
    """Tell both sides of each active pair whose last check-in (or start) is a month old.

    Run daily (``manage.py remind_check_ins``). The event is the day the
    check-in fell due, so each due check-in is told once however often this
    runs. Returns how many notices were new.
    """
    today = today or timezone.localdate()
    pairs = list(
        pairs_with_relations()
        .filter(status=MentoringPair.Status.ACTIVE)
        .annotate(last_check_in=Max("check_ins__date"))
        .order_by("pk")
    )
    due = []
    for pair in pairs:
        since = pair.last_check_in or timezone.localdate(pair.activated_at or pair.created_at)
        if since + CHECK_IN_INTERVAL <= today:
            due.append((pair, since))
    representatives = representatives_of(
        {p.mentee_id for p, _ in due} | {p.mentor_id for p, _ in due}
    )
    created = 0
    for pair, since in due:
        for side in (Side.MENTEE, Side.MENTOR):
            organisation = pair.organisation_for(side)
            other = pair.mentor if side == Side.MENTEE else pair.mentee
            created += notify_people(
                "checkin_due",
                [m.user_id for m in representatives.get(organisation.pk, [])],
                event=f"pair:{pair.pk}:checkin-due:{(since + CHECK_IN_INTERVAL).isoformat()}",
                about=f"mentoring.mentoringpair:{pair.pk}",
                params={
                    "organisation": _name(organisation),
                    "partner": _name(other),
                    "since": {"date": since.isoformat()},
                },
                url=reverse("mentoring:check_in_add", args=[pair.pk]),
            )
    return created
