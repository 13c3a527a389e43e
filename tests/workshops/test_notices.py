"""Workshop news through the notifications service: scheduled in my course, moved,
cancelled, and a question answered after its asker left the room."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.factories import UserFactory
from courses.factories import EnrolmentFactory, course_page
from notifications.models import Notice
from workshops import services
from workshops.factories import RegistrationFactory, WorkshopFactory
from workshops.models import Connection, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentor(db):
    user = UserFactory(email="mentor@example.org")
    user.groups.add(services.mentors_group())
    return user


def told(kind):
    return set(Notice.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def test_a_course_workshop_is_told_to_the_course_learners_only(
    mentor, django_capture_on_commit_callbacks
):
    course = course_page(title="Safeguarding basics")
    EnrolmentFactory(user=UserFactory(email="learner@example.org"), course=course)
    UserFactory(email="not-enrolled@example.org")
    starts = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        workshop = services.schedule_workshop(
            mentor,
            title_en="Safeguarding clinic",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            capacity=20,
            audience="course",
            course=course,
        )
    assert told("workshop_scheduled") == {"learner@example.org"}
    notice = Notice.objects.get()
    assert notice.url.endswith(f"/workshops/{workshop.pk}/")
    assert mail.outbox == [], "scheduled workshops stay in the centre by default"


def test_moving_a_workshop_tells_those_registered_once_per_move(
    mentor, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(host=mentor, title_en="Budget clinic")
    RegistrationFactory(workshop=workshop, user=UserFactory(email="registered@example.org"))
    UserFactory(email="bystander@example.org")
    later = workshop.starts_at + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_workshop(
            mentor, workshop, starts_at=later, ends_at=later + timedelta(hours=1)
        )
        services.update_workshop(mentor, workshop, title_en="Budget clinic (moved)")
    assert told("workshop_changed") == {"registered@example.org"}
    (message,) = mail.outbox
    assert "“Budget clinic” was moved" in message.subject or "was moved" in message.subject
    assert f"/en/workshops/{workshop.pk}/" in message.body
    assert f"/en/workshops/{workshop.pk}/" in message.alternatives[0][0]


def test_cancelling_tells_those_registered(mentor, django_capture_on_commit_callbacks):
    workshop = WorkshopFactory(host=mentor, title_en="Budget clinic")
    RegistrationFactory(workshop=workshop, user=UserFactory(email="registered@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_workshop(mentor, workshop)
    assert not Workshop.objects.exists()
    assert told("workshop_cancelled") == {"registered@example.org"}
    (message,) = mail.outbox
    assert "“Budget clinic”" in message.subject and "was cancelled" in message.subject


def test_only_a_host_or_an_admin_cancels(mentor):
    from django.core.exceptions import PermissionDenied

    workshop = WorkshopFactory(host=mentor)
    with pytest.raises(PermissionDenied):
        services.cancel_workshop(UserFactory(), workshop)
    assert Workshop.objects.filter(pk=workshop.pk).exists()


@pytest.mark.parametrize("left", [True, False], ids=["left", "still-here"])
def test_an_answer_is_told_to_an_asker_who_left(mentor, left, django_capture_on_commit_callbacks):
    workshop = WorkshopFactory(
        host=mentor, status="live", starts_at=timezone.now() - timedelta(minutes=5)
    )
    asker = UserFactory(email="asker@example.org")
    host_join = services.join_room(mentor, workshop.pk, "host-channel")
    asker_join = services.join_room(asker, workshop.pk, "asker-channel")
    question = services.ask_question(workshop.pk, asker_join.participant.pk, "How do we budget?")
    if left:
        services.leave_room(asker_join.connection.pk)
    assert (
        Connection.objects.filter(participant=asker_join.participant, left_at=None).exists() != left
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_question(workshop.pk, host_join.participant.pk, question.event.seq)
    if left:
        notice = Notice.objects.get(kind="question_answered")
        assert notice.recipient == asker
        assert notice.params["question"] == "How do we budget?"
    else:
        assert not Notice.objects.filter(kind="question_answered").exists()
