"""People and organisations on both sides of a mentoring pair."""

import pytest

from accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from mentoring.factories import MentoringOfferFactory, MentoringPairFactory, MentoringRequestFactory


@pytest.fixture(autouse=True)
def _english():
    """Service calls in these tests read their messages in English; pages pick
    their own language from the URL."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def mentee_org(db):
    return OrganisationFactory(
        name_en="Stung Treng Youth",
        province="19",
        year_founded=2023,
        staff_size=4,
        working_languages=["km"],
        is_public=True,
    )


@pytest.fixture
def mentor_org(db):
    return OrganisationFactory(
        name_en="Kratie Finance Helpdesk",
        province="10",
        year_founded=2005,
        staff_size=30,
        working_languages=["km", "en"],
        is_public=True,
    )


@pytest.fixture
def mentee_rep(mentee_org):
    user = UserFactory(
        email="mentee-rep@example.org", display_name="Sokha", preferred_language="km"
    )
    MembershipFactory(user=user, organisation=mentee_org, role="representative")
    return user


@pytest.fixture
def mentee_member(mentee_org):
    user = UserFactory(email="mentee-member@example.org", display_name="Vanna")
    MembershipFactory(user=user, organisation=mentee_org, role="member")
    return user


@pytest.fixture
def mentor_rep(mentor_org):
    user = UserFactory(email="mentor-rep@example.org", display_name="Dara", preferred_language="en")
    MembershipFactory(user=user, organisation=mentor_org, role="representative")
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.org", display_name="Outsider")


@pytest.fixture
def mentoring_admin(db):
    from allauth.mfa.models import Authenticator

    user = UserFactory(
        email="admin@example.org", display_name="Admin", is_staff=True, is_superuser=True
    )
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "unused-in-tests"}
    )
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def mentoring_request(mentee_org, mentee_rep):
    return MentoringRequestFactory(organisation=mentee_org, created_by=mentee_rep)


@pytest.fixture
def offer(mentor_org, mentor_rep):
    return MentoringOfferFactory(
        organisation=mentor_org, mentors=[mentor_rep], created_by=mentor_rep
    )


@pytest.fixture
def proposed_pair(mentoring_request, offer):
    return MentoringPairFactory(request=mentoring_request, offer=offer, status="proposed")


@pytest.fixture
def active_pair(mentoring_request, offer):
    return MentoringPairFactory(request=mentoring_request, offer=offer, status="active")


def login(client, user):
    client.force_login(user)
    return client


def en_url(name: str, *args) -> str:
    """The English URL of a mentoring page (``reverse`` alone gives the Khmer default)."""
    from django.urls import reverse
    from django.utils import translation

    with translation.override("en"):
        return reverse(f"mentoring:{name}", args=args)


def organisation_with_rep(name, province, language="en", **kwargs):
    organisation = OrganisationFactory(name_en=name, name_km="", province=province, **kwargs)
    rep = UserFactory(
        email=f"{name.split()[0].lower()}@example.org",
        display_name=name.split()[0],
        preferred_language=language,
    )
    MembershipFactory(user=rep, organisation=organisation, role="representative")
    return organisation, rep


@pytest.fixture
def market(db):
    """Three organisations asking, two offering (one place each)."""
    asking = {}
    for key, province, needs, languages in (
        ("stung", "19", {"financial-management": "must"}, ["km"]),
        ("kep", "23", {"fundraising": "must", "advocacy": "nice"}, ["km", "en"]),
        ("pailin", "24", {"safeguarding": "must"}, ["km"]),
    ):
        organisation, rep = organisation_with_rep(
            f"{key.title()} Youth", province, year_founded=2022, staff_size=3
        )
        asking[key] = MentoringRequestFactory(
            organisation=organisation, needs=needs, working_languages=languages
        )
    offering = {}
    for key, province, areas in (
        ("kratie", "10", ["financial-management", "fundraising"]),
        ("kampot", "07", ["fundraising", "advocacy"]),
    ):
        organisation, rep = organisation_with_rep(
            f"{key.title()} Helpdesk", province, year_founded=2001, staff_size=40
        )
        offering[key] = MentoringOfferFactory(
            organisation=organisation, focus_areas=areas, capacity=1, mentors=[rep]
        )
    return asking, offering
