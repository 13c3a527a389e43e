"""Attendance: minutes present per person, the host's sheet, and course completion."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.factories import UserFactory
from courses.factories import EnrolmentFactory, course_page
from courses.services import get_enrolment
from lms import hooks
from workshops import services
from workshops.factories import WorkshopFactory
from workshops.models import Attendance, Connection, Participant


@pytest.fixture
def course(db):
    return course_page(title="Safeguarding basics", min_workshops=1)


@pytest.fixture
def workshop(db, course):
    start = timezone.now() - timedelta(minutes=70)
    return WorkshopFactory(
        audience="course",
        course=course,
        starts_at=start,
        ends_at=start + timedelta(minutes=60),
        status="live",
        started_at=start,
    )


def attend(workshop, user, *stays):
    """Connections of ``user``, each (joined, left) in minutes after the start."""
    participant = services.participant_for(user, workshop)
    for joined, left in stays:
        Connection.objects.create(
            workshop=workshop,
            participant=participant,
            channel_name="test",
            joined_at=workshop.starts_at + timedelta(minutes=joined),
            last_seen_at=workshop.starts_at + timedelta(minutes=left),
            left_at=workshop.starts_at + timedelta(minutes=left),
        )
    return participant


def end(workshop, django_capture_on_commit_callbacks):
    host = services.participant_for(workshop.host, workshop)
    with django_capture_on_commit_callbacks(execute=True):
        services.end_workshop(workshop.pk, host.pk)
    workshop.refresh_from_db()


def test_attending_completes_a_course_that_requires_one_workshop(
    workshop, course, user, django_capture_on_commit_callbacks
):
    """Overlapping connections (two tabs, a drop and a rejoin) count once; 40 of 60
    minutes is attendance, and the course (no lessons, one workshop) is completed."""
    EnrolmentFactory(user=user, course=course)
    attend(workshop, user, (0, 25), (20, 30), (32, 42))
    end(workshop, django_capture_on_commit_callbacks)
    attendance = Attendance.objects.get(workshop=workshop, user=user)
    assert attendance.minutes == 40
    assert attendance.attended is True
    assert hooks.attended_workshops(user, course) == 1
    assert get_enrolment(user, course).completed_at is not None


def test_a_few_minutes_do_not_count(workshop, course, user, django_capture_on_commit_callbacks):
    EnrolmentFactory(user=user, course=course)
    attend(workshop, user, (50, 55))
    end(workshop, django_capture_on_commit_callbacks)
    attendance = Attendance.objects.get(workshop=workshop, user=user)
    assert (attendance.minutes, attendance.attended) == (5, False)
    assert hooks.attended_workshops(user, course) == 0
    assert get_enrolment(user, course).completed_at is None


def test_leaving_records_attendance_at_once(
    workshop, course, user, django_capture_on_commit_callbacks
):
    """Attendance is recorded when someone leaves, not only when the workshop ends."""
    EnrolmentFactory(user=user, course=course)
    participant = attend(workshop, user)
    connection = Connection.objects.create(
        workshop=workshop,
        participant=participant,
        channel_name="x",
        joined_at=workshop.starts_at,
        last_seen_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.leave_room(connection.pk)
    assert Attendance.objects.get(user=user).attended is True
    assert get_enrolment(user, course).completed_at is not None


def test_host_downloads_attendance_sheet(
    client, workshop, user, django_capture_on_commit_callbacks
):
    attend(workshop, user, (0, 45))
    late = UserFactory(display_name="=HYPERLINK(evil)")
    attend(workshop, late, (50, 58))
    end(workshop, django_capture_on_commit_callbacks)
    client.force_login(workshop.host)
    response = client.get(f"/en/workshops/{workshop.pk}/attendance.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Name"
    assert "E-mail" not in rows[0]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Sokha"][5:] == ["45", "yes"]
    assert by_name["'=HYPERLINK(evil)"][5:] == ["8", "no"], "formulas are neutralised"
    assert not any("@" in cell for row in rows for cell in row), "no e-mail address leaves"


def test_only_hosts_download_attendance_and_transcript(client, workshop, user):
    attend(workshop, user, (0, 45))
    client.force_login(user)
    assert client.get(f"/en/workshops/{workshop.pk}/attendance.csv").status_code == 404
    assert client.get(f"/en/workshops/{workshop.pk}/transcript.txt").status_code == 404


def test_host_downloads_transcript(client, workshop, user):
    sokha = attend(workshop, user, (0, 45))
    services.post_chat(workshop.pk, sokha.pk, "ជំរាបសួរ")
    services.ask_question(workshop.pk, sokha.pk, "Where are the slides?")
    client.force_login(workshop.host)
    response = client.get(f"/en/workshops/{workshop.pk}/transcript.txt")
    text = response.content.decode()
    assert "Sokha: ជំរាបសួរ" in text
    assert "Sokha?: Where are the slides?" in text


def test_attendance_of_other_courses_does_not_count(
    workshop, user, django_capture_on_commit_callbacks
):
    other = course_page(title="Another course", slug="another", min_workshops=1)
    attend(workshop, user, (0, 50))
    end(workshop, django_capture_on_commit_callbacks)
    assert hooks.attended_workshops(user, other) == 0


def crowd(workshop, people: int):
    """``people`` participants, each present for the first 40 minutes on two connections."""
    users = UserFactory.create_batch(people)
    participants = Participant.objects.bulk_create(
        [Participant(workshop=workshop, user=u, display_name=u.display_name) for u in users]
    )
    Connection.objects.bulk_create(
        [
            Connection(
                workshop=workshop,
                participant=p,
                channel_name="test",
                joined_at=workshop.starts_at + timedelta(minutes=start),
                last_seen_at=workshop.starts_at + timedelta(minutes=end),
                left_at=workshop.starts_at + timedelta(minutes=end),
            )
            for p in participants
            for start, end in ((0, 25), (20, 40))
        ]
    )
    return users


@pytest.mark.parametrize("people", [10, 200])
def test_attendance_is_recorded_in_a_constant_number_of_queries(people, workshop):
    """Computing and storing everyone's attendance takes the same few queries for 10
    people as for 200 (the workshop, its hosts, the participants with their
    connections, one upsert), and a second run updates the rows in place."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    workshop.course = None
    workshop.save(update_fields=["course"])
    crowd(workshop, people)
    for _run in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert services.record_attendance(workshop.pk) == people
        assert len(queries) <= 8, [q["sql"] for q in queries]
    assert Attendance.objects.filter(workshop=workshop, attended=True, minutes=40).count() == people


@pytest.mark.parametrize("people", [10, 200])
def test_ending_answers_the_host_before_attendance_is_computed(
    people, workshop, django_capture_on_commit_callbacks
):
    """Ending the workshop is a constant handful of queries whatever its size; the
    attendance task runs after commit, and then everyone's attendance is stored."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    crowd(workshop, people)
    host = services.participant_for(workshop.host, workshop)
    with django_capture_on_commit_callbacks() as callbacks:
        with CaptureQueriesContext(connection) as queries:
            services.end_workshop(workshop.pk, host.pk)
        assert len(queries) <= 12, [q["sql"] for q in queries]
        assert not Attendance.objects.filter(workshop=workshop).exists()
    for callback in callbacks:
        callback()
    assert Attendance.objects.filter(workshop=workshop, attended=True).count() == people
