"""The workshops admin saves through the same services as every other door."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.factories import MembershipFactory, UserFactory
from workshops.factories import RegistrationFactory, WorkshopFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    from wagtail.users.models import UserProfile

    from tests.conftest import login_with_mfa

    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = "en"
    profile.save()
    login_with_mfa(client, admin)
    return client


def form_data(workshop, **changes):
    local = timezone.localtime
    data = {
        "title_km": workshop.title_km,
        "title_en": workshop.title_en,
        "description_km": workshop.description_km,
        "description_en": workshop.description_en,
        "host": workshop.host_id,
        "starts_at": local(workshop.starts_at).strftime("%Y-%m-%d %H:%M"),
        "ends_at": local(workshop.ends_at).strftime("%Y-%m-%d %H:%M"),
        "capacity": workshop.capacity,
        "audience": workshop.audience,
        "video_url": "",
    }
    data.update(changes)
    return data


def test_moving_a_workshop_in_the_admin_sends_reminders_again(
    admin_client, django_capture_on_commit_callbacks
):
    """A new start time clears the reminders already sent, as the mentors' form does."""
    workshop = WorkshopFactory()
    registration = RegistrationFactory(workshop=workshop, reminded_24h_at=timezone.now())
    later = timezone.localtime(workshop.starts_at + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("workshop_admin:edit", args=[workshop.pk]),
            form_data(
                workshop,
                starts_at=later.strftime("%Y-%m-%d %H:%M"),
                ends_at=(later + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            ),
        )
    assert response.status_code == 302
    workshop.refresh_from_db()
    registration.refresh_from_db()
    assert timezone.localtime(workshop.starts_at).date() == later.date()
    assert registration.reminded_24h_at is None
    history = admin_client.get(reverse("workshop_admin:history", args=[workshop.pk]))
    assert "Edited" in history.content.decode(), "the admin's history records the change"


def test_an_ended_workshop_cannot_be_changed_in_the_admin(admin_client):
    """The admin shows the services' refusal on the form and changes nothing."""
    workshop = WorkshopFactory(status=Workshop.Status.ENDED, title_en="Finished")
    response = admin_client.post(
        reverse("workshop_admin:edit", args=[workshop.pk]),
        form_data(workshop, title_en="Renamed"),
    )
    assert response.status_code == 200
    assert "An ended workshop cannot be changed." in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.title_en == "Finished"


def test_an_admin_links_a_workshop_to_a_pair(admin_client):
    """A workshop scheduled in the admin for a pair audience admits the pair's
    organisations once a mentoring admin links it to the pair."""
    from mentoring.factories import MentoringPairFactory
    from workshops import services

    pair = MentoringPairFactory()
    member = UserFactory()
    MembershipFactory(user=member, organisation=pair.mentee)
    response = admin_client.post(
        reverse("workshop_admin:add"),
        form_data(WorkshopFactory.build(audience="pair", host=UserFactory())),
    )
    assert response.status_code == 302
    workshop = Workshop.objects.get(audience="pair")
    assert not services.may_join(member, workshop)
    response = admin_client.post(
        reverse("pairworkshop:add"), {"pair": pair.pk, "workshop": workshop.pk}
    )
    assert response.status_code == 302
    assert services.may_join(member, workshop)
    assert not services.may_join(UserFactory(), workshop)
