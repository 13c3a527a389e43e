"""Who is who in mentoring, and fetching a private object for a user (or 404)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation

from ..models import (
    MentoringExclusion,
    MentoringOffer,
    MentoringPair,
    MentoringRequest,
    PlanGoal,
    SharedResource,
    Side,
)

if TYPE_CHECKING:
    from accounts.models import User


def is_mentoring_admin(user: User) -> bool:
    """Platform staff who run matching rounds (the ``mentoring.run_matching`` permission)."""
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("mentoring.run_matching")
    )


def _role_in(user: User, organisation_ids: Iterable[int]) -> dict[int, str]:
    if not user.is_authenticated:
        return {}
    return dict(
        Membership.objects.filter(
            user=user, organisation_id__in=list(organisation_ids)
        ).values_list("organisation_id", "role")
    )


def member_sides(user: User, pair: MentoringPair) -> list[str]:
    """The sides of ``pair`` whose organisation ``user`` belongs to."""
    roles = _role_in(user, [pair.mentee_id, pair.mentor_id])
    return [
        s
        for s, org in ((Side.MENTEE, pair.mentee_id), (Side.MENTOR, pair.mentor_id))
        if org in roles
    ]


def representative_sides(user: User, pair: MentoringPair) -> list[str]:
    """The sides of ``pair`` that ``user`` may answer for (as a representative)."""
    roles = _role_in(user, [pair.mentee_id, pair.mentor_id])
    return [
        side
        for side, org in ((Side.MENTEE, pair.mentee_id), (Side.MENTOR, pair.mentor_id))
        if roles.get(org) == Membership.Role.REPRESENTATIVE
    ]


def is_pair_mentor(user: User, pair: MentoringPair) -> bool:
    """A mentor named on the offer, or a representative of the mentoring organisation."""
    if not user.is_authenticated:
        return False
    if Side.MENTOR in representative_sides(user, pair):
        return True
    return pair.offer.mentors.filter(pk=user.pk).exists()


# ---------------------------------------------------------------------------
# Access helpers: fetch a private object for a user, or 404.
# ---------------------------------------------------------------------------


def pairs_with_relations():
    return MentoringPair.objects.select_related("mentee", "mentor", "request", "offer", "round")


def get_pair_for_user(user: User, pk: int) -> MentoringPair:
    """The pair if ``user`` belongs to either organisation or runs mentoring; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    pairs = pairs_with_relations()
    if not is_mentoring_admin(user):
        pairs = pairs.filter(pk__in=MentoringPair.objects.for_member(user).values("pk"))
    try:
        return pairs.get(pk=pk)
    except MentoringPair.DoesNotExist:
        raise Http404 from None


def get_resource_for_user(user: User, pair_pk: int, pk: int) -> SharedResource:
    pair = get_pair_for_user(user, pair_pk)
    try:
        return pair.resources.select_related("pair").get(pk=pk)
    except SharedResource.DoesNotExist:
        raise Http404 from None


def get_goal_for_user(user: User, pair: MentoringPair, pk: int) -> PlanGoal:
    try:
        return pair.goals.get(pk=pk)
    except PlanGoal.DoesNotExist:
        raise Http404 from None


def get_exclusion_for_representative(user: User, organisation: Organisation, pk: int):
    check_representative(user, organisation)
    try:
        return MentoringExclusion.objects.select_related("other_organisation").get(
            pk=pk, organisation=organisation, kind=MentoringExclusion.Kind.CONFLICT
        )
    except MentoringExclusion.DoesNotExist:
        raise Http404 from None


def open_request_of(organisation: Organisation) -> MentoringRequest | None:
    return organisation.mentoring_requests.filter(is_open=True).first()


def open_offer_of(organisation: Organisation) -> MentoringOffer | None:
    return organisation.mentoring_offers.filter(is_open=True).prefetch_related("mentors").first()


def check_representative(user: User, organisation: Organisation) -> None:
    if not user.is_authenticated:
        raise PermissionDenied
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None or not membership.is_representative:
        raise PermissionDenied(
            _("Only representatives of %(organisation)s can change its mentoring.")
            % {"organisation": organisation.display_name}
        )


def pairs_for_user(user: User):
    return (
        pairs_with_relations()
        .filter(pk__in=MentoringPair.objects.for_member(user).values("pk"))
        .order_by("-created_at")
    )


def waiting_for_answer(user: User) -> list[MentoringPair]:
    """Proposed pairs the user's organisations (as representative) have not answered."""
    represented = list(Organisation.objects.represented_by(user).values_list("pk", flat=True))
    if not represented:
        return []
    return list(
        pairs_with_relations()
        .filter(status=MentoringPair.Status.PROPOSED)
        .filter(
            Q(mentee_id__in=represented, mentee_accepted_at__isnull=True)
            | Q(mentor_id__in=represented, mentor_accepted_at__isnull=True)
        )
        .order_by("-created_at")
    )
