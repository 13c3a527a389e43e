"""State changes for mentoring: needs and offers, matching rounds, pairs.

Every function checks who may act first, then validates, then writes; views,
the admin and other apps call these and never save the models themselves.
Errors a person can fix are ``ValidationError`` with a translated message;
acting without the right is ``PermissionDenied``; reading what is not yours
is ``Http404``.
"""

from __future__ import annotations

import mimetypes
import os
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation
from accounts.taxonomy import FocusAreaCode, LanguageCode
from lms.mail import send_templated_email

from . import matcher
from .explain import describe_pair
from .models import (
    AVAILABILITY_SLOTS,
    CheckIn,
    GoalProgress,
    MatchingRound,
    MatchProposal,
    MentoringExclusion,
    MentoringOffer,
    MentoringPair,
    MentoringRequest,
    Mode,
    PairFeedback,
    PlanGoal,
    Priority,
    SharedResource,
    Side,
)
from .signals import pair_completed
from .tasks import notify_pairs as notify_pairs_task

if TYPE_CHECKING:
    from accounts.models import User

LIVE = MentoringPair.LIVE_STATUSES
MAX_RESOURCE_BYTES = 10 * 1024 * 1024
RESOURCE_EXTENSIONS = {
    ".pdf",
    ".doc",
    ".docx",
    ".odt",
    ".xls",
    ".xlsx",
    ".ods",
    ".ppt",
    ".pptx",
    ".odp",
    ".txt",
    ".csv",
    ".jpg",
    ".jpeg",
    ".png",
    ".mp3",
    ".m4a",
    ".zip",
}


# ---------------------------------------------------------------------------
# Who is who
# ---------------------------------------------------------------------------


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


def is_pair_member(user: User, pair_id: int) -> bool:
    """Whether ``user`` belongs to either organisation of the pair (for other apps)."""
    return MentoringPair.objects.for_member(user).filter(pk=pair_id).exists()


def pair_ids_for_user(user: User) -> list[int]:
    """Ids of the live or past pairs whose organisations ``user`` belongs to."""
    return list(MentoringPair.objects.for_member(user).values_list("pk", flat=True))


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


def _pairs_with_relations():
    return MentoringPair.objects.select_related("mentee", "mentor", "request", "offer", "round")


def get_pair_for_user(user: User, pk: int) -> MentoringPair:
    """The pair if ``user`` belongs to either organisation or runs mentoring; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    pairs = _pairs_with_relations()
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
    _check_representative(user, organisation)
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


def _check_representative(user: User, organisation: Organisation) -> None:
    if not user.is_authenticated:
        raise PermissionDenied
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None or not membership.is_representative:
        raise PermissionDenied(
            _("Only representatives of %(organisation)s can change its mentoring.")
            % {"organisation": organisation.display_name}
        )


# ---------------------------------------------------------------------------
# Needs and offers
# ---------------------------------------------------------------------------


def _clean_languages(languages: Iterable[str]) -> list[str]:
    languages = sorted(set(languages))
    if not languages:
        raise ValidationError({"working_languages": _("Choose at least one working language.")})
    unknown = [code for code in languages if code not in LanguageCode.values]
    if unknown:
        raise ValidationError({"working_languages": _("Choose languages from the list.")})
    return languages


def _slot_order(slot: str) -> int:
    return AVAILABILITY_SLOTS.index(slot) if slot in AVAILABILITY_SLOTS else len(AVAILABILITY_SLOTS)


def _clean_common(data: dict) -> dict:
    errors = {}
    cleaned = {}
    try:
        cleaned["working_languages"] = _clean_languages(data.get("working_languages") or [])
    except ValidationError as error:
        errors.update(error.message_dict)
    mode = data.get("mode") or ""
    if mode not in Mode.values:
        errors["mode"] = [_("Choose how you want to work: online, in person or either.")]
    cleaned["mode"] = mode
    availability = sorted(set(data.get("availability") or []), key=_slot_order)
    if any(slot not in AVAILABILITY_SLOTS for slot in availability):
        errors["availability"] = [_("Choose times from the list.")]
    cleaned["availability"] = availability
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_needs(needs: dict) -> dict:
    needs = {code: priority for code, priority in (needs or {}).items() if priority}
    if not needs:
        raise ValidationError(
            {"needs": _("Choose at least one focus area you need help with, and how much.")}
        )
    for code, priority in needs.items():
        if code not in FocusAreaCode.values or priority not in Priority.values:
            raise ValidationError({"needs": _("Choose focus areas and priorities from the list.")})
    return dict(sorted(needs.items()))


@transaction.atomic
def save_request(
    user: User,
    organisation: Organisation,
    *,
    needs: dict,
    goals: str,
    working_languages: list[str],
    mode: str,
    availability: list[str],
) -> MentoringRequest:
    """Publish the organisation's request for mentoring, or update its open one."""
    _check_representative(user, organisation)
    errors = {}
    cleaned = {}
    try:
        cleaned["needs"] = _clean_needs(needs)
    except ValidationError as error:
        errors.update(error.message_dict)
    goals = (goals or "").strip()
    if not goals:
        errors["goals"] = [_("Say in a few words what you want to learn.")]
    try:
        cleaned.update(
            _clean_common(
                {"working_languages": working_languages, "mode": mode, "availability": availability}
            )
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    mentoring_request = open_request_of(organisation)
    if mentoring_request is None:
        mentoring_request = MentoringRequest(organisation=organisation, created_by=user)
    mentoring_request.goals = goals
    for field, value in cleaned.items():
        setattr(mentoring_request, field, value)
    mentoring_request.full_clean()
    mentoring_request.save()
    return mentoring_request


@transaction.atomic
def close_request(user: User, mentoring_request: MentoringRequest) -> MentoringRequest:
    """Stop looking for a mentor. A pair already under way carries on."""
    _check_representative(user, mentoring_request.organisation)
    mentoring_request.is_open = False
    mentoring_request.save(update_fields=["is_open", "updated_at"])
    return mentoring_request


def offer_load(offer: MentoringOffer) -> int:
    """Places in use: pairs that are proposed or active."""
    return offer.pairs.filter(status__in=LIVE).count()


@transaction.atomic
def save_offer(
    user: User,
    organisation: Organisation,
    *,
    focus_areas: list[str],
    mentors: Iterable[User],
    capacity: int,
    description: str,
    working_languages: list[str],
    mode: str,
    availability: list[str],
) -> MentoringOffer:
    """Publish the organisation's offer to mentor, or update its open one."""
    _check_representative(user, organisation)
    errors = {}
    focus_areas = sorted(set(focus_areas or []))
    if not focus_areas:
        errors["focus_areas"] = [_("Choose at least one focus area you can mentor in.")]
    elif any(code not in FocusAreaCode.values for code in focus_areas):
        errors["focus_areas"] = [_("Choose focus areas from the list.")]
    mentors = list(mentors)
    if not mentors:
        errors["mentors"] = [_("Name at least one mentor from your organisation.")]
    else:
        member_ids = set(organisation.memberships.values_list("user_id", flat=True))
        if any(m.pk not in member_ids for m in mentors):
            errors["mentors"] = [_("Mentors must be members of your organisation.")]
    if not isinstance(capacity, int) or not 1 <= capacity <= 20:
        errors["capacity"] = [_("Capacity must be between 1 and 20 organisations.")]
    try:
        cleaned = _clean_common(
            {"working_languages": working_languages, "mode": mode, "availability": availability}
        )
    except ValidationError as error:
        errors.update(error.message_dict)
        cleaned = {}
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    offer = open_offer_of(organisation)
    if offer is not None and "capacity" not in errors:
        in_use = offer_load(offer)
        if capacity < in_use:
            errors["capacity"] = [
                _(
                    "You mentor or were proposed to %(count)s organisations now; "
                    "capacity cannot be lower than that."
                )
                % {"count": in_use}
            ]
    if errors:
        raise ValidationError(errors)
    if offer is None:
        offer = MentoringOffer(organisation=organisation, created_by=user)
    offer.focus_areas = focus_areas
    offer.capacity = capacity
    offer.description = (description or "").strip()
    for field, value in cleaned.items():
        setattr(offer, field, value)
    offer.full_clean()
    offer.save()
    offer.mentors.set(mentors)
    return offer


@transaction.atomic
def close_offer(user: User, offer: MentoringOffer) -> MentoringOffer:
    """Take no new organisations. Pairs under way carry on."""
    _check_representative(user, offer.organisation)
    offer.is_open = False
    offer.save(update_fields=["is_open", "updated_at"])
    return offer


def conflict_candidates(organisation: Organisation):
    """Organisations a representative may name as a conflict of interest.

    Only public organisations are listed, so that the form does not reveal
    which private organisations use the platform.
    """
    return Organisation.objects.public().exclude(pk=organisation.pk).order_by("name_en", "name_km")


@transaction.atomic
def declare_conflict(
    user: User, organisation: Organisation, other: Organisation, *, reason: str = ""
) -> MentoringExclusion:
    """Never pair ``organisation`` with ``other`` (either way round)."""
    if not is_mentoring_admin(user):
        _check_representative(user, organisation)
        if not conflict_candidates(organisation).filter(pk=other.pk).exists():
            raise ValidationError(
                {"other_organisation": _("Choose an organisation from the list.")}
            )
    if other.pk == organisation.pk:
        raise ValidationError({"other_organisation": _("Choose another organisation.")})
    exclusion, _created = MentoringExclusion.objects.get_or_create(
        organisation=organisation,
        other_organisation=other,
        kind=MentoringExclusion.Kind.CONFLICT,
        defaults={"reason": (reason or "").strip(), "created_by": user},
    )
    return exclusion


@transaction.atomic
def withdraw_conflict(user: User, exclusion: MentoringExclusion) -> None:
    if exclusion.kind != MentoringExclusion.Kind.CONFLICT:
        raise ValidationError(_("A declined match cannot be withdrawn."))
    if not is_mentoring_admin(user):
        _check_representative(user, exclusion.organisation)
    exclusion.delete()


# ---------------------------------------------------------------------------
# Matching rounds (admins)
# ---------------------------------------------------------------------------


def _lock_round(matching_round: MatchingRound) -> MatchingRound:
    """Lock the round's row for this transaction and reload it in place, so the
    caller's instance reflects what the service then writes."""
    MatchingRound.objects.select_for_update().filter(pk=matching_round.pk).first()
    matching_round.refresh_from_db()
    return matching_round


def _check_admin(user: User) -> None:
    if not is_mentoring_admin(user):
        raise PermissionDenied(_("Only mentoring admins can run matching rounds."))


def _check_editable(matching_round: MatchingRound) -> None:
    if not matching_round.is_editable:
        raise ValidationError(
            _("This round is %(status)s and can no longer be changed.")
            % {"status": matching_round.get_status_display().lower()}
        )


WEIGHT_FIELDS = ("weight_focus", "weight_province", "weight_availability", "weight_maturity")


@transaction.atomic
def open_round(user: User, *, name: str, notes: str = "", **weights: int) -> MatchingRound:
    """Open a round. Only one round may be open or under review at a time."""
    _check_admin(user)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the round a name.")})
    if MatchingRound.objects.filter(
        status__in=[MatchingRound.Status.DRAFT, MatchingRound.Status.PROPOSED]
    ).exists():
        raise ValidationError(
            _("Another round is still open. Approve or cancel it before opening a new one.")
        )
    matching_round = MatchingRound(name=name, notes=notes or "", created_by=user)
    for field in WEIGHT_FIELDS:
        if field in weights:
            setattr(matching_round, field, weights[field])
    matching_round.full_clean()
    matching_round.save()
    return matching_round


@transaction.atomic
def update_round(
    user: User, matching_round: MatchingRound, *, name: str, notes: str = "", **weights
):
    _check_admin(user)
    _check_editable(matching_round)
    matching_round.name = (name or "").strip() or matching_round.name
    matching_round.notes = notes or ""
    for field in WEIGHT_FIELDS:
        if field in weights:
            setattr(matching_round, field, weights[field])
    matching_round.full_clean()
    matching_round.save()
    return matching_round


def _request_input(mentoring_request: MentoringRequest, today: date) -> matcher.Request:
    organisation = mentoring_request.organisation
    return matcher.Request(
        id=mentoring_request.pk,
        organisation_id=organisation.pk,
        province=organisation.province,
        needs=dict(mentoring_request.needs),
        languages=frozenset(mentoring_request.working_languages),
        mode=mentoring_request.mode,
        availability=frozenset(mentoring_request.availability),
        years_active=organisation.years_active(today),
        staff_size=organisation.staff_size,
    )


def _offer_input(offer: MentoringOffer, free: int, today: date) -> matcher.Offer:
    organisation = offer.organisation
    return matcher.Offer(
        id=offer.pk,
        organisation_id=organisation.pk,
        province=organisation.province,
        focus_areas=frozenset(offer.focus_areas),
        capacity=max(free, 0),
        languages=frozenset(offer.working_languages),
        mode=offer.mode,
        availability=frozenset(offer.availability),
        years_active=organisation.years_active(today),
        staff_size=organisation.staff_size,
    )


def _exclusion_inputs() -> list[matcher.Exclusion]:
    return [
        matcher.Exclusion(a, b, kind)
        for a, b, kind in MentoringExclusion.objects.values_list(
            "organisation_id", "other_organisation_id", "kind"
        )
    ]


def round_inputs(matching_round: MatchingRound):
    """Requests, offers and options for the matcher, read from the database.

    Requests: open and not in a proposed or active pair. Offers: open, with
    their free places (capacity minus proposed and active pairs).
    """
    today = timezone.localdate()
    requests = [
        _request_input(r, today)
        for r in MentoringRequest.objects.eligible().select_related("organisation").order_by("pk")
    ]
    offers = [
        _offer_input(o, o.capacity - o.load, today)
        for o in MentoringOffer.objects.open()
        .with_load()
        .select_related("organisation")
        .order_by("pk")
    ]
    return requests, offers


def weights_of(matching_round: MatchingRound) -> matcher.Weights:
    return matcher.Weights(**matching_round.weights)


@transaction.atomic
def run_round(user: User, matching_round: MatchingRound) -> matcher.MatchResult:
    """Run the matcher over every eligible request and offer, keeping locked proposals.

    Locked proposals whose request or offer is no longer available (closed,
    or paired elsewhere) are dropped; pairs the admin removed stay out.
    """
    _check_admin(user)
    _lock_round(matching_round)
    _check_editable(matching_round)
    requests, offers = round_inputs(matching_round)
    request_ids = {r.id for r in requests}
    offer_ids = {o.id for o in offers}
    exclusions = _exclusion_inputs()
    forbidden = [tuple(p) for p in matching_round.removed_pairs]
    locked_proposals = list(matching_round.proposals.filter(locked=True))
    locked = []
    excluded = frozenset(frozenset((e.organisation_a, e.organisation_b)) for e in exclusions)
    by_request = {r.id: r for r in requests}
    by_offer = {o.id: o for o in offers}
    places = Counter()
    for proposal in locked_proposals:
        r, o = by_request.get(proposal.request_id), by_offer.get(proposal.offer_id)
        if (
            r is None
            or o is None
            or proposal.request_id not in request_ids
            or proposal.offer_id not in offer_ids
            or places[o.id] >= o.capacity
            or matcher.infeasibility(r, o, excluded_organisations=excluded) is not None
        ):
            continue
        places[o.id] += 1
        locked.append((proposal.request_id, proposal.offer_id))
    result = matcher.match(
        requests,
        offers,
        weights=weights_of(matching_round),
        exclusions=exclusions,
        forbidden=forbidden,
        locked=locked,
    )
    matching_round.proposals.all().delete()
    MatchProposal.objects.bulk_create(
        [
            MatchProposal(
                round=matching_round,
                request_id=pair.request_id,
                offer_id=pair.offer_id,
                score=pair.score,
                breakdown=pair.breakdown.to_dict(),
                reasons=[reason.to_dict() for reason in pair.reasons],
                locked=pair.locked,
            )
            for pair in result.pairs
        ]
    )
    matching_round.unmatched = [
        {"request": u.request_id, "reason": u.reason, "fitting": u.fitting_offers}
        for u in result.unmatched
    ]
    matching_round.fairness = result.fairness.to_dict()
    matching_round.status = MatchingRound.Status.PROPOSED
    matching_round.run_at = timezone.now()
    matching_round.run_count += 1
    matching_round.save()
    return result


def _refresh_report(matching_round: MatchingRound) -> None:
    """Recount the fairness report after an admin edited the proposals by hand."""
    proposals = list(matching_round.proposals.select_related("request__organisation"))
    unmatched_ids = [u["request"] for u in matching_round.unmatched]
    organisations = {
        r.pk: r.organisation
        for r in MentoringRequest.objects.filter(pk__in=unmatched_ids).select_related(
            "organisation"
        )
    }
    by_province: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_size = {name: [0, 0] for name, _low, _high in matcher.SIZE_BANDS}
    rows = [(p.request.organisation, 0) for p in proposals] + [
        (organisations[pk], 1) for pk in unmatched_ids if pk in organisations
    ]
    for organisation, missed in rows:
        for bucket in (
            by_province[organisation.province],
            by_size[matcher._size_band(organisation.staff_size)],
        ):
            bucket[0] += 1
            bucket[1] += missed
    assigned = Counter(p.offer_id for p in proposals)
    previous = {o["offer"]: o["capacity"] for o in matching_round.fairness.get("offer_load", [])}
    matching_round.fairness = {
        "lowest_score": min((p.score for p in proposals), default=None),
        "unmatched_by_province": [
            {"group": code, "total": total, "unmatched": missed}
            for code, (total, missed) in sorted(by_province.items())
        ],
        "unmatched_by_size": [
            {"group": name, "total": by_size[name][0], "unmatched": by_size[name][1]}
            for name, _low, _high in matcher.SIZE_BANDS
        ],
        "offer_load": [
            {"offer": offer_id, "assigned": assigned.get(offer_id, 0), "capacity": capacity}
            for offer_id, capacity in sorted(previous.items())
        ],
    }
    matching_round.save(update_fields=["fairness", "unmatched"])


def _proposal_in_round(matching_round: MatchingRound, proposal_id) -> MatchProposal:
    try:
        return matching_round.proposals.select_related(
            "request__organisation", "offer__organisation"
        ).get(pk=proposal_id)
    except (MatchProposal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@transaction.atomic
def remove_proposal(user: User, matching_round: MatchingRound, proposal_id) -> None:
    """Take a pair out of the round; re-runs will not propose it again."""
    _check_admin(user)
    _lock_round(matching_round)
    _check_editable(matching_round)
    proposal = _proposal_in_round(matching_round, proposal_id)
    pair = [proposal.request_id, proposal.offer_id]
    if pair not in matching_round.removed_pairs:
        matching_round.removed_pairs = [*matching_round.removed_pairs, pair]
    matching_round.unmatched = [
        *matching_round.unmatched,
        {"request": proposal.request_id, "reason": "removed", "fitting": 0},
    ]
    proposal.delete()
    matching_round.save(update_fields=["removed_pairs", "unmatched"])
    _refresh_report(matching_round)


@transaction.atomic
def set_locked(
    user: User, matching_round: MatchingRound, proposal_id, locked: bool
) -> MatchProposal:
    _check_admin(user)
    _check_editable(matching_round)
    proposal = _proposal_in_round(matching_round, proposal_id)
    proposal.locked = bool(locked)
    proposal.save(update_fields=["locked"])
    return proposal


@transaction.atomic
def swap_proposals(user: User, matching_round: MatchingRound, first_id, second_id):
    """Exchange the mentors of two proposals, if both new pairs keep every hard
    constraint; both are then locked, so a re-run keeps the admin's choice."""
    _check_admin(user)
    _lock_round(matching_round)
    _check_editable(matching_round)
    first = _proposal_in_round(matching_round, first_id)
    second = _proposal_in_round(matching_round, second_id)
    if first.pk == second.pk or first.offer_id == second.offer_id:
        raise ValidationError(_("Choose two proposals with different mentoring organisations."))
    today = timezone.localdate()
    excluded = frozenset(
        frozenset((e.organisation_a, e.organisation_b)) for e in _exclusion_inputs()
    )
    forbidden = frozenset(tuple(p) for p in matching_round.removed_pairs)
    weights = weights_of(matching_round)
    updates = []
    for proposal, offer in ((first, second.offer), (second, first.offer)):
        r = _request_input(proposal.request, today)
        o = _offer_input(offer, 1, today)
        problem = matcher.infeasibility(r, o, excluded_organisations=excluded, forbidden=forbidden)
        if problem is not None:
            raise ValidationError(
                _("%(mentee)s cannot be paired with %(mentor)s: %(reason)s")
                % {
                    "mentee": proposal.request.organisation.display_name,
                    "mentor": offer.organisation.display_name,
                    "reason": _unmatched_text(problem),
                }
            )
        breakdown = matcher.pair_score(r, o, weights)
        updates.append((proposal, offer, breakdown, matcher.explain_pair(r, o)))
    # The (round, request) uniqueness is untouched: each proposal keeps its request.
    for proposal, offer, breakdown, reasons in updates:
        proposal.offer = offer
        proposal.score = breakdown.total
        proposal.breakdown = breakdown.to_dict()
        proposal.reasons = [reason.to_dict() for reason in reasons]
        proposal.locked = True
        proposal.save(update_fields=["offer", "score", "breakdown", "reasons", "locked"])
    _refresh_report(matching_round)
    return first, second


def _unmatched_text(code: str) -> str:
    from .explain import unmatched_reason_text

    return unmatched_reason_text(code)


@transaction.atomic
def approve_round(user: User, matching_round: MatchingRound) -> list[MentoringPair]:
    """Publish the round: each proposal becomes a proposed pair, and both
    organisations are told by e-mail and on their dashboard."""
    _check_admin(user)
    _lock_round(matching_round)
    if matching_round.status != MatchingRound.Status.PROPOSED:
        raise ValidationError(_("Run the round and review its proposals before approving it."))
    proposals = list(
        matching_round.proposals.select_related("request__organisation", "offer__organisation")
    )
    if not proposals:
        raise ValidationError(_("This round has no proposals to approve."))
    offers = {
        o.pk: o
        for o in MentoringOffer.objects.select_for_update().filter(
            pk__in={p.offer_id for p in proposals}
        )
    }
    loads = Counter(
        MentoringPair.objects.filter(offer_id__in=offers, status__in=LIVE).values_list(
            "offer_id", flat=True
        )
    )
    live_requests = set(
        MentoringPair.objects.filter(
            request_id__in=[p.request_id for p in proposals], status__in=LIVE
        ).values_list("request_id", flat=True)
    )
    stale = []
    for proposal in proposals:
        offer = offers[proposal.offer_id]
        loads[offer.pk] += 1
        if (
            not proposal.request.is_open
            or not offer.is_open
            or loads[offer.pk] > offer.capacity
            or proposal.request_id in live_requests
        ):
            stale.append(proposal.request.organisation.display_name)
    if stale:
        names = ", ".join(stale[:10]) + (" …" if len(stale) > 10 else "")
        raise ValidationError(
            _(
                "Some proposals are out of date (a request or offer changed since the run): "
                "%(organisations)s. Run the round again."
            )
            % {"organisations": names}
        )
    pairs = MentoringPair.objects.bulk_create(
        [
            MentoringPair(
                round=matching_round,
                proposal=proposal,
                request=proposal.request,
                offer=proposal.offer,
                mentee=proposal.request.organisation,
                mentor=proposal.offer.organisation,
                score=proposal.score,
                breakdown=proposal.breakdown,
                reasons=proposal.reasons,
            )
            for proposal in proposals
        ]
    )
    matching_round.status = MatchingRound.Status.APPROVED
    matching_round.approved_at = timezone.now()
    matching_round.approved_by = user
    matching_round.save(update_fields=["status", "approved_at", "approved_by"])
    pair_ids = [p.pk for p in pairs]
    transaction.on_commit(
        lambda: notify_pairs_task.enqueue(
            pair_ids=pair_ids, template="mentoring/email/match_proposed"
        )
    )
    return pairs


@transaction.atomic
def cancel_round(user: User, matching_round: MatchingRound) -> MatchingRound:
    _check_admin(user)
    _check_editable(matching_round)
    matching_round.status = MatchingRound.Status.CANCELLED
    matching_round.save(update_fields=["status"])
    return matching_round


# ---------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------


def _representatives(organisation_ids: Iterable[int]) -> dict[int, list[Membership]]:
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


def _notify(
    pair: MentoringPair,
    template: str,
    *,
    sides=(Side.MENTEE, Side.MENTOR),
    representatives: dict[int, list[Membership]] | None = None,
):
    """E-mail the representatives of the given sides, each in their own language."""
    organisation_ids = [pair.organisation_for(side).pk for side in sides]
    if representatives is None:
        representatives = _representatives(organisation_ids)
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
    pairs = list(_pairs_with_relations().filter(pk__in=pair_ids).order_by("pk"))
    representatives = _representatives({p.mentee_id for p in pairs} | {p.mentor_id for p in pairs})
    for pair in pairs:
        _notify(pair, template, representatives=representatives)


# ---------------------------------------------------------------------------
# The pair's lifecycle
# ---------------------------------------------------------------------------


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


@transaction.atomic
def transition(
    user: User,
    pair: MentoringPair,
    action: str,
    *,
    reason: str = "",
    rating: int | None = None,
    feedback: str = "",
) -> MentoringPair:
    """Move ``pair`` along its lifecycle; the one way its status ever changes.

    accept    a representative of a side that has not accepted yet; when both
              sides have, the pair becomes active.
    decline   a representative of either side, while proposed; the two
              organisations are then excluded from later rounds.
    complete  a representative of a side that has not given feedback, with a
              rating (1–5) and optional text; the pair completes when both
              sides have (an admin may complete it without feedback, for
              example when one side has gone silent). ``pair_completed`` is
              sent once, after commit.
    end       a representative of either side or an admin, with a reason.
    """
    if action not in {a.value for a in Action}:
        raise ValidationError(_("Unknown action."))
    pair = _pairs_with_relations().select_for_update(of=("self",)).get(pk=pair.pk)
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
    now = timezone.now()

    if action == Action.ACCEPT:
        waiting = [side for side in sides if pair.accepted_at(side) is None]
        if not waiting:
            raise ValidationError(
                _("Your organisation has already accepted; waiting for the other organisation.")
            )
        for side in waiting:
            setattr(pair, f"{side}_accepted_at", now)
        fields = [f"{side}_accepted_at" for side in waiting]
        if pair.mentee_accepted_at and pair.mentor_accepted_at:
            pair.status = MentoringPair.Status.ACTIVE
            pair.activated_at = now
            fields += ["status", "activated_at"]
            transaction.on_commit(lambda: _notify(pair, "mentoring/email/pair_active"))
        pair.save(update_fields=[*fields, "updated_at"])

    elif action == Action.DECLINE:
        side = sides[0]
        pair.status = MentoringPair.Status.DECLINED
        pair.declined_at = now
        pair.declined_by_side = side
        pair.decline_reason = (reason or "").strip()
        pair.save(
            update_fields=[
                "status",
                "declined_at",
                "declined_by_side",
                "decline_reason",
                "updated_at",
            ]
        )
        declining = pair.organisation_for(side)
        other = pair.mentor if side == Side.MENTEE else pair.mentee
        MentoringExclusion.objects.get_or_create(
            organisation=declining,
            other_organisation=other,
            kind=MentoringExclusion.Kind.DECLINED,
            defaults={"pair": pair, "created_by": user, "reason": pair.decline_reason},
        )
        other_side = Side.MENTOR if side == Side.MENTEE else Side.MENTEE
        transaction.on_commit(
            lambda: _notify(pair, "mentoring/email/pair_declined", sides=(other_side,))
        )

    elif action == Action.COMPLETE:
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
            for side in waiting[:1]:
                PairFeedback.objects.create(
                    pair=pair,
                    side=side,
                    rating=rating,
                    text=(feedback or "").strip()[:2000],
                    given_by=user,
                )
                given.add(side)
        if {Side.MENTEE, Side.MENTOR} <= given or (admin and not waiting):
            _complete(pair, now)
        else:
            missing = Side.MENTOR if Side.MENTEE in given else Side.MENTEE
            transaction.on_commit(
                lambda: _notify(pair, "mentoring/email/feedback_requested", sides=(missing,))
            )

    elif action == Action.END:
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": _("Give a reason for ending the mentoring early.")})
        pair.status = MentoringPair.Status.ENDED
        pair.ended_at = now
        pair.end_reason = reason[:1000]
        pair.ended_by = user
        pair.save(update_fields=["status", "ended_at", "end_reason", "ended_by", "updated_at"])
        transaction.on_commit(lambda: _notify(pair, "mentoring/email/pair_ended"))
    return pair


def _complete(pair: MentoringPair, now) -> None:
    """Precondition: the pair row is locked (select_for_update) and active."""
    pair.status = MentoringPair.Status.COMPLETED
    pair.completed_at = now
    pair.save(update_fields=["status", "completed_at", "updated_at"])
    # The request's needs were met; the organisation may publish a new one.
    MentoringRequest.objects.filter(pk=pair.request_id).update(is_open=False)
    pair_id = pair.pk

    def announce():
        completed = _pairs_with_relations().get(pk=pair_id)
        pair_completed.send(sender=MentoringPair, pair=completed)
        _notify(completed, "mentoring/email/pair_completed")

    transaction.on_commit(announce)


# ---------------------------------------------------------------------------
# The pair's shared work: plan, check-ins, resources
# ---------------------------------------------------------------------------


def _check_can_work(user: User, pair: MentoringPair) -> None:
    """Members of either organisation (and admins) write on an active pair's page."""
    if not (member_sides(user, pair) or is_mentoring_admin(user)):
        raise PermissionDenied
    if pair.status != MentoringPair.Status.ACTIVE:
        raise ValidationError(
            _("The plan, check-ins and resources can only change while the pair is active.")
        )


@transaction.atomic
def add_goal(
    user: User, pair: MentoringPair, *, title: str, description: str = "", target_date=None
) -> PlanGoal:
    _check_can_work(user, pair)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Name the goal.")})
    goal = PlanGoal(
        pair=pair,
        title=title,
        description=(description or "").strip(),
        target_date=target_date,
        created_by=user,
    )
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def remove_goal(user: User, goal: PlanGoal) -> None:
    _check_can_work(user, goal.pair)
    goal.delete()


@transaction.atomic
def add_check_in(
    user: User,
    pair: MentoringPair,
    *,
    date: date,
    covered: str,
    progress: dict[int, tuple[str, str]] | None = None,
) -> CheckIn:
    """Record a meeting: when, what was covered, and progress on each goal.

    ``progress`` maps goal ids of this pair to (status, note).
    """
    _check_can_work(user, pair)
    errors = {}
    covered = (covered or "").strip()
    if not covered:
        errors["covered"] = [_("Write what you covered.")]
    if date is None:
        errors["date"] = [_("Give the date of the check-in.")]
    elif date > timezone.localdate():
        errors["date"] = [_("A check-in cannot be in the future.")]
    elif pair.activated_at and date < timezone.localtime(pair.activated_at).date():
        errors["date"] = [_("A check-in cannot be before the mentoring started.")]
    progress = progress or {}
    goal_ids = set(pair.goals.values_list("pk", flat=True))
    if set(progress) - goal_ids:
        errors["progress"] = [_("Progress can only be given on this pair's goals.")]
    if any(status not in GoalProgress.Status.values for status, _note in progress.values()):
        errors["progress"] = [_("Choose the progress from the list.")]
    if errors:
        raise ValidationError(errors)
    check_in = CheckIn.objects.create(pair=pair, date=date, covered=covered, created_by=user)
    GoalProgress.objects.bulk_create(
        [
            GoalProgress(check_in=check_in, goal_id=goal_id, status=status, note=(note or "")[:300])
            for goal_id, (status, note) in sorted(progress.items())
        ]
    )
    return check_in


def _private_storage():
    return storages["private"]


def add_resource(user: User, pair: MentoringPair, *, title: str, url: str = "", file=None):
    """Share a link or a file (kept in private storage) with the pair.

    One insert, so no transaction is needed: the file is written first and
    deleted again if the row cannot be saved.
    """
    _check_can_work(user, pair)
    title = (title or "").strip()
    url = (url or "").strip()
    errors = {}
    if not title:
        errors["title"] = [_("Give the resource a title.")]
    if bool(url) == bool(file):
        errors["url"] = [_("Share either a link or a file.")]
    if file is not None:
        extension = os.path.splitext(file.name)[1].lower()
        if extension not in RESOURCE_EXTENSIONS:
            errors["file"] = [
                _(
                    "This kind of file cannot be shared. "
                    "Use PDF, office documents, images, audio or ZIP."
                )
            ]
        elif file.size > MAX_RESOURCE_BYTES:
            errors["file"] = [_("Files can be at most 10 MB.")]
    if errors:
        raise ValidationError(errors)
    resource = SharedResource(pair=pair, title=title, added_by=user)
    if url:
        resource.url = url
        resource.full_clean()
        resource.save()
        return resource
    original = get_valid_filename(os.path.basename(file.name))[:150] or "file"
    name = f"mentoring/pairs/{pair.pk}/{uuid.uuid4().hex}/{original}"
    storage = _private_storage()
    resource.file_name = storage.save(name, file)
    resource.original_name = original
    resource.content_type = mimetypes.guess_type(original)[0] or "application/octet-stream"
    resource.size = file.size
    try:
        resource.full_clean(exclude=["url"])
        resource.save()
    except (ValidationError, IntegrityError):
        storage.delete(resource.file_name)
        raise
    return resource


@transaction.atomic
def remove_resource(user: User, resource: SharedResource) -> None:
    pair = resource.pair
    if not (
        resource.added_by_id == user.pk
        or representative_sides(user, pair)
        or is_mentoring_admin(user)
    ):
        raise PermissionDenied(
            _("Only the person who shared it, a representative or an admin can remove it.")
        )
    name = resource.file_name
    resource.delete()
    if name:
        transaction.on_commit(lambda: _private_storage().delete(name))


def open_resource_file(resource: SharedResource):
    """The stored file, opened for reading. Precondition: access was checked."""
    return _private_storage().open(resource.file_name, "rb")


# ---------------------------------------------------------------------------
# Dashboards and personal data
# ---------------------------------------------------------------------------


def pairs_for_user(user: User):
    return (
        _pairs_with_relations()
        .filter(pk__in=MentoringPair.objects.for_member(user).values("pk"))
        .order_by("-created_at")
    )


def waiting_for_answer(user: User) -> list[MentoringPair]:
    """Proposed pairs the user's organisations (as representative) have not answered."""
    represented = list(Organisation.objects.represented_by(user).values_list("pk", flat=True))
    if not represented:
        return []
    return list(
        _pairs_with_relations()
        .filter(status=MentoringPair.Status.PROPOSED)
        .filter(
            Q(mentee_id__in=represented, mentee_accepted_at__isnull=True)
            | Q(mentor_id__in=represented, mentor_accepted_at__isnull=True)
        )
        .order_by("-created_at")
    )


def export_personal_data(user: User) -> dict:
    return {
        "mentor_in_offers": [
            {"organisation": o.organisation.display_name, "focus_areas": o.focus_areas}
            for o in user.mentoring_offers_as_mentor.select_related("organisation")
        ],
        "check_ins_written": [
            {"pair": c.pair_id, "date": c.date.isoformat(), "covered": c.covered}
            for c in CheckIn.objects.filter(created_by=user).order_by("date")
        ],
        "goals_written": [
            {"pair": g.pair_id, "title": g.title, "target_date": g.target_date}
            for g in PlanGoal.objects.filter(created_by=user).order_by("pk")
        ],
        "resources_shared": [
            {"pair": r.pair_id, "title": r.title, "url": r.url, "file": r.original_name}
            for r in SharedResource.objects.filter(added_by=user).order_by("pk")
        ],
        "feedback_given": [
            {"pair": f.pair_id, "rating": f.rating, "text": f.text}
            for f in PairFeedback.objects.filter(given_by=user).order_by("pk")
        ],
    }


def before_account_deletion(user: User) -> None:
    """Stop listing the person as a mentor. What they wrote in a pair stays with
    the pair (its author shown as a former member)."""
    for offer in user.mentoring_offers_as_mentor.all():
        offer.mentors.remove(user)
