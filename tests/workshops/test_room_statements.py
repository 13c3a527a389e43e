"""How many SQL statements one room action costs, and the guarantees kept while cutting them.

Each chat message runs under the room's row lock, so every statement in it
is time the next message of the room waits: at 200 people one slow commit
sets the p99 (issue 17 §5).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.factories import UserFactory
from workshops import services
from workshops.factories import WorkshopFactory
from workshops.models import Participant, RoomEvent, Workshop
from workshops.services.room.actions import RoomAction, run_action

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def workshop(transactional_db):
    return WorkshopFactory(status="live")


@pytest.fixture
def pid(workshop):
    return services.participant_for(UserFactory(display_name="Dara"), workshop).pk


def _statements(queries) -> list[str]:
    """The statements sent, BEGIN and COMMIT included (Django logs them)."""
    return [q["sql"] for q in queries.captured_queries]


def test_a_chat_message_costs_five_statements(workshop, pid):
    """BEGIN, lock-number-and-read the room, read the author with their account, store
    the event, COMMIT. It was eight: a separate lock, room read, duplicate look-up and
    sequence update."""
    services.post_chat(workshop.pk, pid, "warm up", client_id="w")
    with CaptureQueriesContext(connection) as queries:
        recorded = services.post_chat(workshop.pk, pid, "hello", client_id="c1")
    assert recorded.duplicate is False
    assert recorded.event.seq == 2
    statements = _statements(queries)
    if connection.vendor == "postgresql":
        assert statements[0] == "BEGIN" and statements[-1] == "COMMIT"
    body = [sql for sql in statements if sql not in ("BEGIN", "COMMIT")]
    assert len(body) == 3, "\n".join(statements)
    assert len(statements) <= 5, "\n".join(statements)


def test_a_resent_chat_message_returns_the_stored_one(workshop, pid):
    first = services.post_chat(workshop.pk, pid, "hello", client_id="c1")
    again = services.post_chat(workshop.pk, pid, "hello again", client_id="c1")
    assert again.duplicate is True
    assert again.event.pk == first.event.pk
    assert again.event.data == {"text": "hello"}
    assert again.event.actor.display_name == "Dara"
    workshop.refresh_from_db()
    assert workshop.last_seq == 1, "the duplicate used no number"
    nxt = services.post_chat(workshop.pk, pid, "next", client_id="c2")
    assert nxt.event.seq == 2


def test_a_resent_message_is_a_duplicate_even_after_the_room_ended(workshop, pid):
    first = services.post_chat(workshop.pk, pid, "hello", client_id="c1")
    Workshop.objects.filter(pk=workshop.pk).update(status="ended")
    again = services.post_chat(workshop.pk, pid, "hello", client_id="c1")
    assert (again.duplicate, again.event.pk) == (True, first.event.pk)
    with pytest.raises(services.RoomError) as refused:
        services.post_chat(workshop.pk, pid, "new", client_id="c2")
    assert refused.value.code == "ended"


def test_a_removed_person_is_refused_but_their_resent_frame_is_a_duplicate(workshop, pid):
    first = services.post_chat(workshop.pk, pid, "hello", client_id="c1")
    Participant.objects.filter(pk=pid).update(is_removed=True)
    again = services.post_chat(workshop.pk, pid, "hello", client_id="c1")
    assert (again.duplicate, again.event.pk) == (True, first.event.pk)
    with pytest.raises(services.RoomError) as refused:
        services.post_chat(workshop.pk, pid, "new", client_id="c2")
    assert refused.value.code == "removed"


def test_an_inactive_account_is_refused(workshop, pid):
    participant = Participant.objects.select_related("user").get(pk=pid)
    participant.user.is_active = False
    participant.user.save(update_fields=["is_active"])
    with pytest.raises(services.RoomError) as refused:
        services.post_chat(workshop.pk, pid, "new", client_id="c2")
    assert refused.value.code == "removed"
    assert not RoomEvent.objects.filter(workshop=workshop).exists()


def test_a_resent_hand_raise_is_a_duplicate_and_changes_nothing(workshop, pid):
    """The action's own effects are undone when its client id turns out to be stored."""
    first = services.set_hand(workshop.pk, pid, True, client_id="h1")
    services.set_hand(workshop.pk, pid, False, client_id="h2")
    again = services.set_hand(workshop.pk, pid, True, client_id="h1")
    assert (again.duplicate, again.event.pk) == (True, first.event.pk)
    assert Participant.objects.get(pk=pid).hand_raised is False
    workshop.refresh_from_db()
    assert workshop.last_seq == 2
    assert list(RoomEvent.objects.filter(workshop=workshop).values_list("seq", flat=True)) == [
        1,
        2,
    ]


def test_a_refused_action_uses_no_number(workshop, pid):
    with pytest.raises(services.RoomError):
        services.post_chat(workshop.pk, pid, "   ", client_id="e1")
    with pytest.raises(services.RoomError):
        services.pin_notice(workshop.pk, pid, "not a host", client_id="e2")
    recorded = services.post_chat(workshop.pk, pid, "first", client_id="e3")
    assert recorded.event.seq == 1
    workshop.refresh_from_db()
    assert workshop.last_seq == 1


def test_an_unknown_room_or_person_is_not_found(workshop, pid):
    with pytest.raises(services.RoomError) as missing:
        services.post_chat(workshop.pk + 1000, pid, "hi", client_id="x")
    assert missing.value.code == "not_found"
    other = WorkshopFactory(status="live")
    with pytest.raises(Participant.DoesNotExist):
        services.post_chat(other.pk, pid, "hi", client_id="x")


def test_an_action_that_stores_nothing_is_undone(workshop, pid):
    """The number an action takes is used or given back: a body that records nothing
    is a programming error, and its effects are rolled back rather than leave a gap."""

    def body(a):
        Participant.objects.filter(pk=a.actor.pk).update(hand_raised=True)
        return None

    with pytest.raises(RuntimeError):
        run_action(RoomAction(workshop.pk, pid, "n1"), body)
    assert Participant.objects.get(pk=pid).hand_raised is False
    assert services.post_chat(workshop.pk, pid, "first", client_id="n2").event.seq == 1
