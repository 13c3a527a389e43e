"""Matching rounds (admins): open, run the matcher, review the proposals, approve or cancel."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import matcher
from ..explain import unmatched_reason_text
from ..models import (
    MatchingRound,
    MatchProposal,
    MentoringExclusion,
    MentoringOffer,
    MentoringPair,
    MentoringRequest,
)
from ..tasks import notify_pairs as notify_pairs_task
from .access import is_mentoring_admin

if TYPE_CHECKING:
    from accounts.models import User

LIVE = MentoringPair.LIVE_STATUSES


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


def request_input(mentoring_request: MentoringRequest, today: date) -> matcher.Request:
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


def offer_input(offer: MentoringOffer, free: int, today: date) -> matcher.Offer:
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
        request_input(r, today)
        for r in MentoringRequest.objects.eligible().select_related("organisation").order_by("pk")
    ]
    offers = [
        offer_input(o, o.capacity - o.load, today)
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
            by_size[matcher.size_band(organisation.staff_size)],
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
        r = request_input(proposal.request, today)
        o = offer_input(offer, 1, today)
        problem = matcher.infeasibility(r, o, excluded_organisations=excluded, forbidden=forbidden)
        if problem is not None:
            raise ValidationError(
                _("%(mentee)s cannot be paired with %(mentor)s: %(reason)s")
                % {
                    "mentee": proposal.request.organisation.display_name,
                    "mentor": offer.organisation.display_name,
                    "reason": unmatched_reason_text(problem),
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
