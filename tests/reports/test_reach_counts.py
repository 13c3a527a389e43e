"""Reach counts each person once per province and focus area, however many organisations
they belong to there."""

from collections import defaultdict

import pytest

from accounts.factories import MembershipFactory, OrganisationFactory
from accounts.models import Membership
from courses.models import Enrolment
from reports import queries
from reports.filters import ReportFilters
from tests.reports.conftest import pp

FILTERS = ReportFilters(start=pp(2025, 1, 1).date(), end=pp(2025, 3, 31).date())


def _truth(filters: ReportFilters) -> dict:
    """The reach figures counted person by person in Python, from the source tables."""
    learners = set(
        Enrolment.objects.filter(
            enrolled_at__gte=filters.since, enrolled_at__lt=filters.until
        ).values_list("user_id", flat=True)
    )
    memberships = Membership.objects.filter(user_id__in=learners).select_related("organisation")
    if filters.province:
        memberships = memberships.filter(organisation__province=filters.province)
    provinces, organisations, areas = defaultdict(set), defaultdict(set), defaultdict(set)
    area_organisations, province_organisations = defaultdict(set), defaultdict(set)
    for membership in memberships:
        organisation = membership.organisation
        provinces[organisation.province].add(membership.user_id)
        province_organisations[organisation.province].add(organisation.pk)
        organisations[organisation.pk].add(membership.user_id)
        for area in organisation.focus_areas.all():
            areas[area.code].add(membership.user_id)
            area_organisations[area.code].add(organisation.pk)
    members = set().union(*organisations.values())
    return {
        "members": len(members),
        "organisations": len(organisations),
        "provinces": {p: (len(u), len(province_organisations[p])) for p, u in provinces.items()},
        "per_organisation": {pk: len(u) for pk, u in organisations.items()},
        "focus_areas": {a: (len(u), len(area_organisations[a])) for a, u in areas.items()},
    }


def _figures(filters: ReportFilters) -> dict:
    figures = queries.reach(filters)
    return {
        "members": figures["totals"]["members"],
        "organisations": figures["totals"]["organisations"],
        "provinces": {
            r["province"]: (r["learners"], r["organisations"]) for r in figures["provinces"]
        },
        "per_organisation": {r["id"]: r["learners"] for r in figures["organisations"]},
        "focus_areas": {
            r["code"]: (r["learners"], r["organisations"]) for r in figures["focus_areas"]
        },
    }


@pytest.mark.parametrize("province", ["", "12"])
def test_people_in_several_organisations_count_once_per_province_and_area(world, province):
    """L1 joins a second Phnom Penh organisation with a focus area in common and K1 one in
    Phnom Penh too: Phnom Penh and human rights each count them once."""
    second = OrganisationFactory(
        name_en="Phnom Penh Rights", province="12", focus_areas=["human-rights", "advocacy"]
    )
    MembershipFactory(user=world.learners["L1"], organisation=second)
    MembershipFactory(user=world.learners["K1"], organisation=second)
    filters = ReportFilters(start=FILTERS.start, end=FILTERS.end, province=province)
    figures = _figures(filters)
    assert figures == _truth(filters)
    assert figures["provinces"]["12"] == (8, 2)
    assert figures["focus_areas"]["human-rights"][1] == 2
    assert figures["per_organisation"][second.pk] == 2
