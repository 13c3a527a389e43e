"""The pair's lifecycle, one function per action, each checking then doing.

::

    proposed ──accept_pair (both)──▶ active ──complete_pair (both)──▶ completed
        │                              │
        └──decline_pair (either)──▶ declined   └──end_pair──▶ ended

These are the only ways a pair's status changes. Each locks the pair's row,
checks who acts and from which status, then writes; e-mails and
``pair_completed`` go out after commit.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import MentoringExclusion, MentoringPair, MentoringRequest, PairFeedback, Side
from ..signals import pair_completed
from .access import is_mentoring_admin, pairs_with_relations, representative_sides
from .notifications import notify

if TYPE_CHECKING:
    from accounts.models import User


class Action(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    COMPLETE = "complete"
    END = "end"


#: The statuses from which each action may be taken.
ALLOWED_FROM = {
    Action.ACCEPT: {MentoringPair.Status.PROPOSED},
    Action.DECLINE: {MentoringPair.Status.PROPOSED},
    Action.COMPLETE: {MentoringPair.Status.ACTIVE},
    Action.END: {MentoringPair.Status.ACTIVE},
}


def _wrong_status_message(action: str, pair: MentoringPair) -> str:
    if action in (Action.ACCEPT, Action.DECLINE):
        return _("This match is no longer waiting for an answer: it is %(status)s.") % {
            "status": pair.get_status_display().lower()
        }
    if action == Action.COMPLETE:
        return _("Only an active mentoring pair can be completed; this one is %(status)s.") % {
            "status": pair.get_status_display().lower()
        }
    return _("Only an active mentoring pair can be ended early; this one is %(status)s.") % {
        "status": pair.get_status_display().lower()
    }


def available_actions(user: User, pair: MentoringPair) -> set[str]:
    """What ``user`` may do to ``pair`` now (for showing buttons)."""
    sides = representative_sides(user, pair)
    admin = is_mentoring_admin(user)
    actions = set()
    if pair.status == MentoringPair.Status.PROPOSED and sides:
        if any(pair.accepted_at(side) is None for side in sides):
            actions.add(Action.ACCEPT)
        actions.add(Action.DECLINE)
    if pair.status == MentoringPair.Status.ACTIVE:
        given = set(pair.feedback.values_list("side", flat=True))
        if admin or any(side not in given for side in sides):
            actions.add(Action.COMPLETE)
        if admin or sides:
            actions.add(Action.END)
    return actions


def _lock(pair: MentoringPair) -> MentoringPair:
    """The pair, reloaded with its row locked for the rest of the transaction."""
    return pairs_with_relations().select_for_update(of=("self",)).get(pk=pair.pk)


def _check_actor(user: User, pair: MentoringPair, action: str) -> tuple[list[str], bool]:
    """The sides ``user`` answers for, and whether they run mentoring; refuses anyone
    else (admins may complete or end a pair, not answer for an organisation)."""
    sides = representative_sides(user, pair)
    admin = is_mentoring_admin(user)
    if not sides and not (admin and action in (Action.COMPLETE, Action.END)):
        raise PermissionDenied(
            _("Only representatives of the two organisations can do this.")
            if action in (Action.ACCEPT, Action.DECLINE)
            else _("Only representatives of the two organisations or an admin can do this.")
        )
    if pair.status not in ALLOWED_FROM[action]:
        raise ValidationError(_wrong_status_message(action, pair))
    return sides, admin


@transaction.atomic
def accept_pair(user: User, pair: MentoringPair) -> MentoringPair:
    """A representative accepts for the sides they answer for that have not accepted
    yet; when both sides have, the pair becomes active and both are told."""
    pair = _lock(pair)
    sides, _admin = _check_actor(user, pair, Action.ACCEPT)
    waiting = [side for side in sides if pair.accepted_at(side) is None]
    if not waiting:
        raise ValidationError(
            _("Your organisation has already accepted; waiting for the other organisation.")
        )
    now = timezone.now()
    for side in waiting:
        setattr(pair, f"{side}_accepted_at", now)
    fields = [f"{side}_accepted_at" for side in waiting]
    if pair.mentee_accepted_at and pair.mentor_accepted_at:
        pair.status = MentoringPair.Status.ACTIVE
        pair.activated_at = now
        fields += ["status", "activated_at"]
        transaction.on_commit(lambda: notify(pair, "mentoring/email/pair_active"))
    pair.save(update_fields=[*fields, "updated_at"])
    return pair


@transaction.atomic
def decline_pair(user: User, pair: MentoringPair, *, reason: str = "") -> MentoringPair:
    """A representative of either side declines a proposed pair; the two organisations
    are then excluded from later rounds, and the other side is told."""
    pair = _lock(pair)
    sides, _admin = _check_actor(user, pair, Action.DECLINE)
    side = sides[0]
    pair.status = MentoringPair.Status.DECLINED
    pair.declined_at = timezone.now()
    pair.declined_by_side = side
    pair.decline_reason = (reason or "").strip()
    pair.save(
        update_fields=["status", "declined_at", "declined_by_side", "decline_reason", "updated_at"]
    )
    other = pair.mentor if side == Side.MENTEE else pair.mentee
    MentoringExclusion.objects.get_or_create(
        organisation=pair.organisation_for(side),
        other_organisation=other,
        kind=MentoringExclusion.Kind.DECLINED,
        defaults={"pair": pair, "created_by": user, "reason": pair.decline_reason},
    )
    other_side = Side.MENTOR if side == Side.MENTEE else Side.MENTEE
    transaction.on_commit(
        lambda: notify(pair, "mentoring/email/pair_declined", sides=(other_side,))
    )
    return pair


@transaction.atomic
def complete_pair(
    user: User, pair: MentoringPair, *, rating: int | None = None, feedback: str = ""
) -> MentoringPair:
    """A representative of a side that has not given feedback gives it (a rating 1–5 and
    optional text); the pair completes when both sides have. An admin may complete it
    without feedback (when one side has gone silent). ``pair_completed`` is sent once,
    after commit."""
    pair = _lock(pair)
    sides, admin = _check_actor(user, pair, Action.COMPLETE)
    given = set(pair.feedback.values_list("side", flat=True))
    waiting = [side for side in sides if side not in given]
    if sides and not waiting and not admin:
        raise ValidationError(
            _(
                "Your organisation has already given its feedback; "
                "the pair completes when the other organisation gives theirs."
            )
        )
    if waiting:
        if rating is None or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise ValidationError({"rating": _("Give a rating from 1 to 5.")})
        side = waiting[0]
        PairFeedback.objects.create(
            pair=pair,
            side=side,
            rating=rating,
            text=(feedback or "").strip()[:2000],
            given_by=user,
        )
        given.add(side)
    if {Side.MENTEE, Side.MENTOR} <= given or (admin and not waiting):
        _complete(pair)
    else:
        missing = Side.MENTOR if Side.MENTEE in given else Side.MENTEE
        transaction.on_commit(
            lambda: notify(pair, "mentoring/email/feedback_requested", sides=(missing,))
        )
    return pair


@transaction.atomic
def end_pair(user: User, pair: MentoringPair, *, reason: str = "") -> MentoringPair:
    """A representative of either side, or an admin, ends an active pair early, with a
    reason; both sides are told."""
    pair = _lock(pair)
    _check_actor(user, pair, Action.END)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for ending the mentoring early.")})
    pair.status = MentoringPair.Status.ENDED
    pair.ended_at = timezone.now()
    pair.end_reason = reason[:1000]
    pair.ended_by = user
    pair.save(update_fields=["status", "ended_at", "end_reason", "ended_by", "updated_at"])
    transaction.on_commit(lambda: notify(pair, "mentoring/email/pair_ended"))
    return pair


def _complete(pair: MentoringPair) -> None:
    """Precondition: the pair row is locked (select_for_update) and active."""
    pair.status = MentoringPair.Status.COMPLETED
    pair.completed_at = timezone.now()
    pair.save(update_fields=["status", "completed_at", "updated_at"])
    # The request's needs were met; the organisation may publish a new one.
    MentoringRequest.objects.filter(pk=pair.request_id).update(is_open=False)
    pair_id = pair.pk

    def announce():
        completed = pairs_with_relations().get(pk=pair_id)
        pair_completed.send(sender=MentoringPair, pair=completed)
        notify(completed, "mentoring/email/pair_completed")

    transaction.on_commit(announce)
