"""People and organisations on both sides of a mentoring pair."""

import pytest

from accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from mentoring.factories import MentoringOfferFactory, MentoringPairFactory, MentoringRequestFactory


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
