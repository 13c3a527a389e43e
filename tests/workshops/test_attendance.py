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
from workshops.models import Attendance, Connection


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
