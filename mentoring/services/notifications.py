"""E-mails to the representatives of a pair's organisations, each in their own language."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from accounts.models import Membership
from lms.mail import send_templated_email

from ..explain import describe_pair
from ..models import MentoringPair, Side
from .access import pairs_with_relations


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


def notify(
    pair: MentoringPair,
    template: str,
    *,
    sides=(Side.MENTEE, Side.MENTOR),
    representatives: dict[int, list[Membership]] | None = None,
):
    """E-mail the representatives of the given sides, each in their own language."""
    organisation_ids = [pair.organisation_for(side).pk for side in sides]
    if representatives is None:
        representatives = representatives_of(organisation_ids)
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


def notify_pairs(pair_ids: list[int], template: str) -> None:
    """E-mail both sides of each pair (run by ``mentoring.tasks.notify_pairs``)."""
    pairs = list(pairs_with_relations().filter(pk__in=pair_ids).order_by("pk"))
    representatives = representatives_of(
        {p.mentee_id for p in pairs} | {p.mentor_id for p in pairs}
    )
    for pair in pairs:
        notify(pair, template, representatives=representatives)
