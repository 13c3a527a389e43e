"""Needs and offers: what organisations publish, and the conflicts of interest they declare."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.taxonomy import FocusAreaCode, LanguageCode

from ..models import (
    AVAILABILITY_SLOTS,
    MentoringExclusion,
    MentoringOffer,
    MentoringPair,
    MentoringRequest,
    Mode,
    Priority,
)
from .access import check_representative, is_mentoring_admin

if TYPE_CHECKING:
    from accounts.models import User

LIVE = MentoringPair.LIVE_STATUSES


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


def _save_listing(
    user: User,
    organisation: Organisation,
    model: type[MentoringRequest] | type[MentoringOffer],
    *,
    fields: dict,
    errors: dict,
    working: dict,
    check_open=None,
):
    """The one path by which a request or an offer is published or its open one updated.

    Precondition: a transaction is open and ``user`` represents ``organisation``.
    ``fields`` holds the kind's own cleaned values and ``errors`` what was wrong
    with them; the working fields (languages, mode, availability) are cleaned
    here. ``check_open(listing, errors)`` may add errors that depend on the open
    listing (an offer's places in use). Nothing is written when there is an error.
    """
    try:
        fields.update(_clean_common(working))
    except ValidationError as error:
        errors.update(error.message_dict)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    listing = model.objects.filter(organisation=organisation, is_open=True).first()
    if listing is not None and check_open is not None:
        check_open(listing, errors)
    if errors:
        raise ValidationError(errors)
    if listing is None:
        listing = model(organisation=organisation, created_by=user)
    for field, value in fields.items():
        setattr(listing, field, value)
    listing.full_clean()
    listing.save()
    return listing


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
    check_representative(user, organisation)
    errors, fields = {}, {}
    try:
        fields["needs"] = _clean_needs(needs)
    except ValidationError as error:
        errors.update(error.message_dict)
    fields["goals"] = (goals or "").strip()
    if not fields["goals"]:
        errors["goals"] = [_("Say in a few words what you want to learn.")]
    working = {"working_languages": working_languages, "mode": mode, "availability": availability}
    return _save_listing(
        user, organisation, MentoringRequest, fields=fields, errors=errors, working=working
    )


@transaction.atomic
def close_request(user: User, mentoring_request: MentoringRequest) -> MentoringRequest:
    """Stop looking for a mentor. A pair already under way carries on."""
    check_representative(user, mentoring_request.organisation)
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
    check_representative(user, organisation)
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

    def check_places(offer: MentoringOffer, errors: dict) -> None:
        if "capacity" in errors:
            return
        in_use = offer_load(offer)
        if capacity < in_use:
            errors["capacity"] = [
                _(
                    "You mentor or were proposed to %(count)s organisations now; "
                    "capacity cannot be lower than that."
                )
                % {"count": in_use}
            ]

    fields = {
        "focus_areas": focus_areas,
        "capacity": capacity,
        "description": (description or "").strip(),
    }
    working = {"working_languages": working_languages, "mode": mode, "availability": availability}
    offer = _save_listing(
        user,
        organisation,
        MentoringOffer,
        fields=fields,
        errors=errors,
        working=working,
        check_open=check_places,
    )
    offer.mentors.set(mentors)
    return offer


@transaction.atomic
def close_offer(user: User, offer: MentoringOffer) -> MentoringOffer:
    """Take no new organisations. Pairs under way carry on."""
    check_representative(user, offer.organisation)
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
        check_representative(user, organisation)
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
        check_representative(user, exclusion.organisation)
    exclusion.delete()
