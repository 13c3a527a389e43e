"""A pair's news reaches the representatives of its two organisations, each in their
language, once per event; members of other organisations get nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mentoring import services
from notifications.models import Notice

from .conftest import organisation_with_rep

pytestmark = pytest.mark.django_db


@pytest.fixture
def bystander(db):
    _organisation, rep = organisation_with_rep("Battambang Legal Aid", "02")
    return rep


def told(kind):
    return set(Notice.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def test_a_proposed_match_reaches_both_sides_once_in_their_language(
    proposed_pair,
    mentee_rep,
    mentor_rep,
    mentee_member,
    bystander,
    outsider,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_pairs([proposed_pair.pk], "mentoring/email/match_proposed")
        services.notify_pairs([proposed_pair.pk], "mentoring/email/match_proposed")  # a retry
    assert told("match_proposed") == {"mentee-rep@example.org", "mentor-rep@example.org"}
    assert Notice.objects.count() == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 2
    english = by_to["mentor-rep@example.org"]
    assert "Stung Treng Youth was proposed as a mentoring partner" in english.subject
    assert "ត្រូវបានស្នើជាដៃគូណែនាំ" in by_to["mentee-rep@example.org"].subject
    html = english.alternatives[0][0]
    link = f"/en/mentoring/pairs/{proposed_pair.pk}/"
    assert link in english.body and link in html


def test_accepting_and_declining_tell_the_other_side(
    proposed_pair, mentee_rep, mentor_rep, bystander, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_pair(mentor_rep, proposed_pair, reason="Too far")
    assert told("match_declined") == {"mentee-rep@example.org"}


def test_acceptance_and_completion_reach_both_sides(
    proposed_pair, mentee_rep, mentor_rep, bystander, django_capture_on_commit_callbacks
):
    services.accept_pair(mentee_rep, proposed_pair)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_pair(mentor_rep, proposed_pair)
    assert told("match_accepted") == {"mentee-rep@example.org", "mentor-rep@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        services.complete_pair(mentee_rep, proposed_pair, rating=5, feedback="Useful")
        services.complete_pair(mentor_rep, proposed_pair, rating=4)
    assert told("pair_completed") == {"mentee-rep@example.org", "mentor-rep@example.org"}
    assert not Notice.objects.filter(recipient=bystander).exists()


def test_a_due_check_in_is_told_once_per_due_date(active_pair, mentee_rep, mentor_rep, bystander):
    start = timezone.localdate(active_pair.activated_at or active_pair.created_at)
    assert services.notify_due_check_ins(start + timedelta(days=29)) == 0
    assert services.notify_due_check_ins(start + timedelta(days=31)) == 2
    assert services.notify_due_check_ins(start + timedelta(days=32)) == 0
    assert told("checkin_due") == {"mentee-rep@example.org", "mentor-rep@example.org"}
    notice = Notice.objects.filter(kind="checkin_due").first()
    assert notice.url.endswith(f"/mentoring/pairs/{active_pair.pk}/check-ins/new/")
    assert mail.outbox == [], "in the centre only, unless someone chose e-mail"
