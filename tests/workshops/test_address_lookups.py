"""The co-host and invitee fields look addresses up for the mentor: past a limit an
hour per person they answer the same whether an address has an account or not,
and nothing is saved."""

import pytest
from django.test import Client

from accounts.factories import UserFactory
from workshops import forms, services
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

LIMIT_MESSAGE = "You looked up many addresses in a short time."


def form_data(**extra):
    return {
        "title_km": "",
        "title_en": "Budget basics",
        "description_en": "",
        "starts_at": "2030-05-02T14:00",
        "ends_at": "2030-05-02T15:00",
        "capacity": 30,
        "audience": "invited",
        "invitee_emails": "",
        "co_host_emails": "",
        "video_url": "",
        **extra,
    }


@pytest.fixture
def mentor_client(client):
    mentor = UserFactory(display_name="Mentor")
    mentor.groups.add(services.mentors_group())
    client.force_login(mentor)
    client.mentor = mentor
    return client


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(forms, "ADDRESS_LOOKUPS_PER_HOUR", 3)


def test_below_the_limit_unknown_addresses_are_named(mentor_client, small_limit):
    UserFactory(email="known@example.org")
    response = mentor_client.post(
        "/en/workshops/new/", form_data(invitee_emails="known@example.org\nnobody@example.org")
    )
    assert response.status_code == 200
    assert "No account uses these addresses: nobody@example.org" in response.content.decode()
    assert not Workshop.objects.exists()


@pytest.mark.parametrize("has_account", [True, False])
def test_past_the_limit_the_answer_is_the_same_with_or_without_an_account(
    mentor_client, small_limit, has_account
):
    for i in range(3):
        UserFactory(email=f"probe{i}@example.org")
    for i in range(3):  # three lookups use the hour's allowance
        mentor_client.post(
            "/en/workshops/new/", form_data(title_en="", invitee_emails=f"probe{i}@example.org")
        )
    address = "target@example.org"
    if has_account:
        UserFactory(email=address)
    response = mentor_client.post(
        "/en/workshops/new/", form_data(co_host_emails=address, audience="signed_in")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert LIMIT_MESSAGE in page
    assert "No account uses" not in page
    assert not Workshop.objects.exists()


def test_addresses_already_on_the_workshop_are_not_counted(mentor_client, small_limit):
    people = [UserFactory(email=f"guest{i}@example.org") for i in range(3)]
    response = mentor_client.post(
        "/en/workshops/new/", form_data(invitee_emails="\n".join(p.email for p in people))
    )
    assert response.status_code == 302
    workshop = Workshop.objects.get()
    # Saving again with the same three addresses looks nothing new up.
    for _ in range(3):
        response = mentor_client.post(
            f"/en/workshops/{workshop.pk}/edit/",
            form_data(invitee_emails="\n".join(p.email for p in people), capacity=20),
        )
        assert response.status_code == 302
    assert set(workshop.invitees.all()) == set(people)


def test_the_limit_is_per_person(mentor_client, small_limit):
    UserFactory(email="known@example.org")
    for _ in range(4):
        mentor_client.post(
            "/en/workshops/new/", form_data(title_en="", invitee_emails="x@example.org")
        )
    other = UserFactory()
    other.groups.add(services.mentors_group())
    client = Client()
    client.force_login(other)
    response = client.post("/en/workshops/new/", form_data(invitee_emails="known@example.org"))
    assert response.status_code == 302


def test_one_form_may_not_hold_more_than_fifty_addresses(mentor_client):
    emails = "\n".join(f"p{i}@example.org" for i in range(51))
    response = mentor_client.post("/en/workshops/new/", form_data(invitee_emails=emails))
    assert "Give at most 50 addresses." in response.content.decode()
    assert not Workshop.objects.exists()
