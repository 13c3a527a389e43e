"""The pair's lifecycle: every legal and illegal transition, one service per action."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from mentoring import services
from mentoring.models import MentoringExclusion, MentoringPair, MentoringRequest, PairFeedback
from mentoring.services import Action
from mentoring.signals import pair_completed

from .conftest import en_url, login


@pytest.fixture
def completed_signals():
    received = []

    def receiver(sender, pair, **kwargs):
        received.append(pair.pk)

    pair_completed.connect(receiver, dispatch_uid="test-receiver")
    yield received
    pair_completed.disconnect(dispatch_uid="test-receiver")


def refresh(pair):
    return MentoringPair.objects.get(pk=pair.pk)


# ---------------------------------------------------------------------------
# Legal transitions
# ---------------------------------------------------------------------------


def test_pair_becomes_active_when_both_sides_accept(
    proposed_pair, mentee_rep, mentor_rep, django_capture_on_commit_callbacks
):
    """The first acceptance is recorded; the second activates the pair and
    tells both representatives, each in their own language."""
    services.accept_pair(mentee_rep, proposed_pair)
    pair = refresh(proposed_pair)
    assert pair.status == "proposed"
    assert pair.mentee_accepted_at and not pair.mentor_accepted_at

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_pair(mentor_rep, pair)
    pair = refresh(pair)
    assert pair.status == "active"
    assert pair.activated_at is not None
    recipients = {m.to[0]: m for m in mail.outbox}
    assert set(recipients) == {"mentee-rep@example.org", "mentor-rep@example.org"}
    assert "accepted the mentoring match" in recipients["mentor-rep@example.org"].subject
    assert "accepted the mentoring match" not in recipients["mentee-rep@example.org"].subject
    assert f"/km/mentoring/pairs/{pair.pk}/" in recipients["mentee-rep@example.org"].body
    assert f"/en/mentoring/pairs/{pair.pk}/" in recipients["mentor-rep@example.org"].body


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_declining_ends_the_proposal_and_excludes_the_pair_later(
    side, proposed_pair, mentee_rep, mentor_rep, django_capture_on_commit_callbacks
):
    """Either side may decline; the other side is told, and the two
    organisations become an exclusion for later rounds."""
    actor = mentee_rep if side == "mentee" else mentor_rep
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_pair(actor, proposed_pair, reason="Too far for us.")
    pair = refresh(proposed_pair)
    assert pair.status == "declined"
    assert pair.declined_by_side == side
    assert pair.decline_reason == "Too far for us."
    exclusion = MentoringExclusion.objects.get(kind="declined", pair=pair)
    assert {exclusion.organisation, exclusion.other_organisation} == {pair.mentee, pair.mentor}
    other = mentor_rep if side == "mentee" else mentee_rep
    assert [m.to for m in mail.outbox] == [[other.email]]


def test_a_side_may_decline_after_accepting_while_still_proposed(proposed_pair, mentee_rep):
    services.accept_pair(mentee_rep, proposed_pair)
    services.decline_pair(mentee_rep, proposed_pair)
    assert refresh(proposed_pair).status == "declined"


def test_completion_needs_feedback_from_both_sides_and_signals_once(
    active_pair, mentee_rep, mentor_rep, completed_signals, django_capture_on_commit_callbacks
):
    """The first side's feedback keeps the pair active and asks the other side;
    the second completes it, closes the request and sends pair_completed once."""
    with django_capture_on_commit_callbacks(execute=True):
        services.complete_pair(mentee_rep, active_pair, rating=5, feedback="Great")
    pair = refresh(active_pair)
    assert pair.status == "active"
    assert [m.to for m in mail.outbox] == [[mentor_rep.email]]
    assert completed_signals == []

    with django_capture_on_commit_callbacks(execute=True):
        services.complete_pair(mentor_rep, pair, rating=4, feedback="Good group")
    pair = refresh(pair)
    assert pair.status == "completed"
    assert pair.completed_at is not None
    assert completed_signals == [pair.pk]
    assert sorted(PairFeedback.objects.filter(pair=pair).values_list("side", "rating")) == [
        ("mentee", 5),
        ("mentor", 4),
    ]
    assert not MentoringRequest.objects.get(pk=pair.request_id).is_open

    with pytest.raises(ValidationError, match="completed"):
        with django_capture_on_commit_callbacks(execute=True):
            services.complete_pair(mentor_rep, pair, rating=4)
    assert completed_signals == [pair.pk]


def test_an_admin_may_complete_without_feedback(
    active_pair, mentoring_admin, completed_signals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.complete_pair(mentoring_admin, active_pair)
    assert refresh(active_pair).status == "completed"
    assert completed_signals == [active_pair.pk]


@pytest.mark.parametrize("actor", ["mentee_rep", "mentor_rep", "mentoring_admin"])
def test_ending_early_needs_a_reason(actor, active_pair, request):
    user = request.getfixturevalue(actor)
    with pytest.raises(ValidationError, match="reason"):
        services.end_pair(user, active_pair, reason=" ")
    services.end_pair(user, active_pair, reason="Our funding stopped.")
    pair = refresh(active_pair)
    assert pair.status == "ended"
    assert pair.end_reason == "Our funding stopped."
    assert pair.ended_by == user


# ---------------------------------------------------------------------------
# Illegal transitions: a clear error and no change
# ---------------------------------------------------------------------------

ILLEGAL = [
    # (status, action, actor, error type, words in the message)
    ("active", Action.ACCEPT, "mentee_rep", ValidationError, "no longer waiting"),
    ("active", Action.DECLINE, "mentor_rep", ValidationError, "no longer waiting"),
    ("declined", Action.ACCEPT, "mentee_rep", ValidationError, "no longer waiting"),
    ("proposed", Action.COMPLETE, "mentee_rep", ValidationError, "Only an active"),
    ("proposed", Action.END, "mentor_rep", ValidationError, "Only an active"),
    ("completed", Action.END, "mentee_rep", ValidationError, "Only an active"),
    ("ended", Action.COMPLETE, "mentee_rep", ValidationError, "Only an active"),
    ("declined", Action.END, "mentoring_admin", ValidationError, "Only an active"),
    ("proposed", Action.ACCEPT, "mentee_member", PermissionDenied, "representatives"),
    ("proposed", Action.DECLINE, "outsider", PermissionDenied, "representatives"),
    ("proposed", Action.ACCEPT, "mentoring_admin", PermissionDenied, "representatives"),
    ("active", Action.END, "mentee_member", PermissionDenied, "representatives"),
    ("active", Action.COMPLETE, "outsider", PermissionDenied, "representatives"),
]


KWARGS = {
    Action.ACCEPT: {},
    Action.DECLINE: {"reason": "r"},
    Action.COMPLETE: {"rating": 3},
    Action.END: {"reason": "r"},
}


def act(action):
    return {
        Action.ACCEPT: services.accept_pair,
        Action.DECLINE: services.decline_pair,
        Action.COMPLETE: services.complete_pair,
        Action.END: services.end_pair,
    }[action]


@pytest.mark.parametrize(("status", "action", "actor", "error", "words"), ILLEGAL)
def test_illegal_transitions_are_refused_and_change_nothing(
    status, action, actor, error, words, mentoring_request, offer, request
):
    from mentoring.factories import MentoringPairFactory

    pair = MentoringPairFactory(request=mentoring_request, offer=offer, status=status)
    user = request.getfixturevalue(actor)
    with pytest.raises(error, match=words):
        act(action)(user, pair, **KWARGS[action])
    assert refresh(pair).status == status
    assert not PairFeedback.objects.exists()


def test_accepting_twice_is_refused(proposed_pair, mentee_rep):
    services.accept_pair(mentee_rep, proposed_pair)
    with pytest.raises(ValidationError, match="already accepted"):
        services.accept_pair(mentee_rep, proposed_pair)


def test_giving_feedback_twice_is_refused(active_pair, mentee_rep):
    services.complete_pair(mentee_rep, active_pair, rating=4)
    with pytest.raises(ValidationError, match="already given its feedback"):
        services.complete_pair(mentee_rep, active_pair, rating=5)


def test_completion_without_a_rating_is_refused(active_pair, mentee_rep):
    with pytest.raises(ValidationError) as info:
        services.complete_pair(mentee_rep, active_pair, rating=None)
    assert info.value.message_dict == {"rating": ["Give a rating from 1 to 5."]}


def test_illegal_transition_error_is_translated(proposed_pair, mentee_rep):
    from django.utils import translation

    services.decline_pair(mentee_rep, proposed_pair)
    with translation.override("km"), pytest.raises(ValidationError) as info:
        services.accept_pair(mentee_rep, proposed_pair)
    message = info.value.messages[0]
    assert "no longer waiting" not in message
    assert any("\u1780" <= ch <= "\u17ff" for ch in message)


# ---------------------------------------------------------------------------
# Through the pages
# ---------------------------------------------------------------------------


def test_representative_accepts_through_the_page(client, proposed_pair, mentee_rep):
    login(client, mentee_rep)
    page = client.get(en_url("pair_detail", proposed_pair.pk))
    assert page.status_code == 200
    assert en_url("pair_accept", proposed_pair.pk) in page.text
    response = client.post(en_url("pair_accept", proposed_pair.pk), follow=True)
    assert refresh(proposed_pair).mentee_accepted_at is not None
    assert response.redirect_chain[-1][0].endswith(f"/mentoring/pairs/{proposed_pair.pk}/")


def test_member_sees_the_proposal_but_cannot_answer(client, proposed_pair, mentee_member):
    login(client, mentee_member)
    page = client.get(en_url("pair_detail", proposed_pair.pk))
    assert page.status_code == 200
    assert en_url("pair_accept", proposed_pair.pk) not in page.text
    response = client.post(en_url("pair_accept", proposed_pair.pk), follow=True)
    assert refresh(proposed_pair).mentee_accepted_at is None
    assert "representatives" in response.text


def test_outsider_gets_404_for_the_pair_and_its_actions(client, active_pair, outsider):
    login(client, outsider)
    for name in ("pair_detail", "pair_accept", "pair_complete", "pair_end", "check_in_add"):
        response = client.post(en_url(name, active_pair.pk))
        assert response.status_code == 404, name
    assert client.get(en_url("pair_detail", active_pair.pk)).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client, active_pair):
    response = client.get(en_url("pair_detail", active_pair.pk))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_feedback_form_completes_the_pair(client, active_pair, mentee_rep, mentor_rep):
    services.complete_pair(mentor_rep, active_pair, rating=5)
    login(client, mentee_rep)
    url = en_url("pair_complete", active_pair.pk)
    assert client.get(url).status_code == 200
    response = client.post(url, {"rating": "", "feedback": "x"})
    assert response.status_code == 200
    assert refresh(active_pair).status == "active"
    client.post(url, {"rating": "4", "feedback": "We write our own reports now."})
    assert refresh(active_pair).status == "completed"


def test_end_form_requires_a_reason(client, active_pair, mentor_rep):
    login(client, mentor_rep)
    url = en_url("pair_end", active_pair.pk)
    response = client.post(url, {"end-reason": ""})
    assert response.status_code == 200
    assert "Give a reason" in response.text
    assert refresh(active_pair).status == "active"
    client.post(url, {"end-reason": "The mentor moved abroad."})
    assert refresh(active_pair).status == "ended"
