"""The workshop pages as a learner or mentor sees them, with or without JavaScript."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.factories import MembershipFactory, UserFactory
from mentoring.factories import MentoringPairFactory
from workshops import services
from workshops.factories import RegistrationFactory, WorkshopFactory
from workshops.models import Registration, RoomEvent, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(db):
    return WorkshopFactory(
        title_en="Digital security for field staff",
        title_km="សុវត្ថិភាពឌីជីថលសម្រាប់បុគ្គលិកមូលដ្ឋាន",
        starts_at=timezone.make_aware(timezone.datetime(2030, 3, 14, 9, 0)),
        ends_at=timezone.make_aware(timezone.datetime(2030, 3, 14, 10, 30)),
    )


def test_room_page_without_javascript_shows_details_and_transcript(user_client, user, workshop):
    """The page itself carries the details, Cambodia times and the transcript so far,
    in plain HTML, and the script is served from this site."""
    participant = services.participant_for(user, workshop)
    services.post_chat(workshop.pk, participant.pk, "<b>not bold</b> hello")
    response = user_client.get(f"/en/workshops/{workshop.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Digital security for field staff" in html
    assert "Thu 14 Mar 2030, 09:00–10:30" in html
    assert "Cambodia time" in html
    assert "&lt;b&gt;not bold&lt;/b&gt; hello" in html
    assert '<script src="/static/js/workshop-room.js" defer></script>' in html
    assert "http://" not in html.split("<body")[1].replace("http://testserver", "")


def test_room_page_in_khmer(user_client, workshop):
    html = user_client.get(f"/km/workshops/{workshop.pk}/").content.decode()
    assert "សុវត្ថិភាពឌីជីថលសម្រាប់បុគ្គលិកមូលដ្ឋាន" in html
    assert "ម៉ោងកម្ពុជា" in html


def test_posting_without_javascript_stores_an_event(user_client, user, workshop):
    response = user_client.post(
        f"/en/workshops/{workshop.pk}/post/", {"text": "From a feature phone", "kind": "question"}
    )
    assert response.status_code == 302
    event = RoomEvent.objects.get(workshop=workshop)
    assert (event.seq, event.kind, event.data["text"]) == (
        1,
        "question.asked",
        "From a feature phone",
    )
    assert "From a feature phone" in user_client.get(response.url).content.decode()


def test_strangers_get_404_for_private_workshops(client, workshop):
    workshop.audience = "invited"
    workshop.save()
    stranger = UserFactory()
    client.force_login(stranger)
    for path in ("", "workshop.ics", "register/"):
        url = f"/en/workshops/{workshop.pk}/{path}"
        response = client.post(url) if path == "register/" else client.get(url)
        assert response.status_code == 404, url
    assert client.post(f"/en/workshops/{workshop.pk}/post/", {"text": "hi"}).status_code == 404
    assert not RoomEvent.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, workshop):
    response = client.get(f"/en/workshops/{workshop.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_register_and_cancel(user_client, user, workshop):
    user_client.post(f"/en/workshops/{workshop.pk}/register/")
    assert Registration.objects.filter(user=user, workshop=workshop).exists()
    user_client.post(f"/en/workshops/{workshop.pk}/unregister/")
    assert not Registration.objects.filter(user=user, workshop=workshop).exists()


def test_full_workshop_refuses_registration(user_client, user, workshop):
    workshop.capacity = 1
    workshop.save()
    RegistrationFactory(workshop=workshop)
    response = user_client.post(f"/en/workshops/{workshop.pk}/register/", follow=True)
    assert "This workshop is full." in response.content.decode()
    assert not Registration.objects.filter(user=user).exists()


def test_workshop_ics(user_client, workshop):
    response = user_client.get(f"/en/workshops/{workshop.pk}/workshop.ics")
    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "BEGIN:VCALENDAR\r\n" in body
    assert "DTSTART:20300314T020000Z\r\n" in body
    assert "DTEND:20300314T033000Z\r\n" in body
    assert f"UID:{workshop.uid}@cso-academy" in body
    assert "SUMMARY:Digital security for field staff" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def feed_path_in(page: str) -> str:
    return re.search(r"http://testserver(/en/workshops/calendar/[A-Za-z0-9_-]+\.ics)", page)[1]


def test_private_feed_lists_registered_workshops_and_can_be_revoked(
    user_client, client, user, workshop
):
    other = WorkshopFactory(title_en="Not registered")
    RegistrationFactory(workshop=workshop, user=user)
    page = user_client.get("/en/workshops/calendar/").content.decode()
    assert "Make my calendar address" in page
    assert not re.search(r"/calendar/[A-Za-z0-9_-]+\.ics", page)
    response = user_client.post("/en/workshops/calendar/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    first = feed_path_in(response.content.decode())
    body = client.get(first).content.decode()
    assert "Digital security for field staff" in body
    assert other.title_en not in body

    # The address is shown once: later visits say it exists, without it.
    page = user_client.get("/en/workshops/calendar/").content.decode()
    assert first not in page
    assert "The site keeps no copy of it" in page

    second = feed_path_in(user_client.post("/en/workshops/calendar/").content.decode())
    assert second != first
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_feed_rows_keep_no_secret(user_client, user):
    """The database row holds a keyed digest, and the address found by it works."""
    from lms.sealed import digest
    from workshops.models import CalendarFeed

    path = feed_path_in(user_client.post("/en/workshops/calendar/").content.decode())
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    row = CalendarFeed.objects.filter(user=user).values().get()
    assert not any(token in str(value) for value in row.values())
    assert row["token_hash"] == digest(token)
    assert len(token) >= 43  # 256 random bits


def test_mentor_schedules_a_workshop_with_the_form(client):
    """A member of the Mentors group schedules a workshop; times are Cambodia time."""
    mentor = UserFactory(display_name="Mentor")
    mentor.groups.add(services.mentors_group())
    invitee = UserFactory(email="invitee@example.org")
    client.force_login(mentor)
    response = client.post(
        "/en/workshops/new/",
        {
            "title_km": "",
            "title_en": "Budget basics",
            "description_en": "For new treasurers.",
            "starts_at": "2030-05-02T14:00",
            "ends_at": "2030-05-02T15:00",
            "capacity": 30,
            "audience": "invited",
            "invitee_emails": "invitee@example.org",
            "video_url": "",
        },
    )
    workshop = Workshop.objects.get(title_en="Budget basics")
    assert response.status_code == 302
    assert workshop.host == mentor
    assert timezone.localtime(workshop.starts_at).hour == 14
    assert workshop.starts_at.utcoffset() is not None
    assert list(workshop.invitees.all()) == [invitee]


def test_schedule_form_refuses_bad_input_and_non_mentors(client, user_client):
    assert user_client.get("/en/workshops/new/").status_code == 403
    mentor = UserFactory()
    mentor.groups.add(services.mentors_group())
    client.force_login(mentor)
    response = client.post(
        "/en/workshops/new/",
        {
            "title_en": "",
            "starts_at": "2030-05-02T14:00",
            "ends_at": "2030-05-02T13:00",
            "capacity": 30,
            "audience": "signed_in",
            "invitee_emails": "nobody@example.org",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The end must be after the start." in html
    assert "No account uses these addresses: nobody@example.org" in html
    assert not Workshop.objects.exists()


def test_pair_mentor_schedules_a_private_workshop(client):
    """The mentoring side of an active pair schedules a room only the two organisations enter."""
    pair = MentoringPairFactory()
    mentor = UserFactory()
    MembershipFactory(user=mentor, organisation=pair.mentor, role="representative")
    mentee_member = UserFactory()
    MembershipFactory(user=mentee_member, organisation=pair.mentee)
    outsider = UserFactory()
    client.force_login(mentor)
    response = client.post(
        f"/en/mentoring/pairs/{pair.pk}/workshops/new/",
        {
            "title_en": "Our monthly check-in",
            "starts_at": "2030-06-01T09:00",
            "ends_at": "2030-06-01T10:00",
            "capacity": 10,
        },
    )
    assert response.status_code == 302
    workshop = Workshop.objects.get(mentoring_link__pair=pair)
    assert workshop.audience == "pair"
    assert services.may_join(mentee_member, workshop)
    assert not services.may_join(outsider, workshop)
    client.force_login(mentee_member)
    assert client.get(f"/en/mentoring/pairs/{pair.pk}/workshops/new/").status_code == 403


def test_dashboard_and_navigation_show_upcoming_workshops(user_client, user, workshop):
    RegistrationFactory(workshop=workshop, user=user)
    WorkshopFactory(title_en="Private one", audience="invited")
    html = user_client.get("/en/dashboard/").content.decode()
    assert "Upcoming workshops" in html
    assert "Digital security for field staff" in html
    assert "Private one" not in html
    assert 'href="/en/workshops/"' in html


def test_course_audience_sees_course_workshops_only_when_enrolled(client):
    """The course page's workshops section (a section hook) lists a course-audience
    workshop only to enrolled learners, who alone may join it."""
    from django.utils import translation

    from courses.factories import EnrolmentFactory, course_page

    course = course_page(title="Advocacy 101")
    workshop = WorkshopFactory(
        title_en="Advocacy Q&A", title_km="Advocacy Q&A", audience="course", course=course
    )
    learner = UserFactory()
    client.force_login(learner)
    url = course.get_url()
    with translation.override("en"):  # the page's language stays with the page
        assert "Advocacy Q&amp;A" not in client.get(url).content.decode()
        assert not services.may_join(learner, workshop)
        EnrolmentFactory(user=learner, course=course)
        assert "Advocacy Q&amp;A" in client.get(url).content.decode()
    assert services.may_join(learner, workshop)


def test_personal_data_export_and_deletion(user_client, user, workshop):
    from accounts.services import delete_account, export_user_data

    participant = services.participant_for(user, workshop)
    services.post_chat(workshop.pk, participant.pk, "my words")
    RegistrationFactory(workshop=workshop, user=user)
    data = export_user_data(user)["workshops"]
    assert data["messages"][0]["text"] == "my words"
    assert data["registrations"][0]["workshop"] == "Digital security for field staff"
    delete_account(user)
    event = RoomEvent.objects.get(workshop=workshop)
    assert event.data == {"text": "", "deleted": True}
    assert event.seq == 1


def test_account_deletion_scrubs_the_name_from_events_about_them(user, workshop):
    """Hand raises, mutes and removals name the person in their data and are replayed
    to everyone who joins later: after the account goes, no event names them."""
    from accounts.services import delete_account

    workshop.status = "live"
    workshop.save(update_fields=["status"])
    participant = services.participant_for(user, workshop)
    host = services.participant_for(workshop.host, workshop)
    other = services.participant_for(UserFactory(display_name="Vanna"), workshop)
    services.set_hand(workshop.pk, participant.pk, True)
    services.set_hand(workshop.pk, host.pk, False, pid=participant.pk)
    services.set_muted(workshop.pk, host.pk, participant.pk, True)
    services.set_hand(workshop.pk, other.pk, True)
    services.remove_participant(workshop.pk, host.pk, participant.pk)
    assert "Sokha" in json.dumps(services.events_after(workshop.pk, 0))
    delete_account(user)
    replay = services.events_after(workshop.pk, 0)
    assert "Sokha" not in json.dumps(replay, ensure_ascii=False)
    assert [e["kind"] for e in replay] == [
        "hand.raised",
        "hand.lowered",
        "participant.muted",
        "hand.raised",
        "participant.removed",
    ]
    assert replay[3]["data"] == {"pid": other.pk, "name": "Vanna"}, "others keep their names"


def test_a_long_room_page_is_paged_without_javascript(user_client, user, workshop):
    """A room with 5,000 messages shows the newest hundred and a link to earlier ones,
    and stays a small page for a phone."""
    author = services.participant_for(user, workshop)
    RoomEvent.objects.bulk_create(
        RoomEvent(
            workshop=workshop, seq=n, kind="chat.message", actor=author, data={"text": f"m{n}."}
        )
        for n in range(1, 5001)
    )
    Workshop.objects.filter(pk=workshop.pk).update(last_seq=5000)
    url = f"/en/workshops/{workshop.pk}/"
    response = user_client.get(url)
    page = response.content.decode()
    assert len(response.content) < 100_000
    assert "m5000." in page and "m4901." in page and "m4900." not in page
    assert 'href="?before=4901#transcript"' in page
    earlier = user_client.get(url, {"before": "4901"}).content.decode()
    assert "m4900." in earlier and "m4801." in earlier and "m4901." not in earlier
    assert "Latest messages" in earlier
    first = user_client.get(url, {"before": "101"}).content.decode()
    assert "m1." in first and "m100." in first and "Earlier messages" not in first
    assert "m5000." in user_client.get(url, {"before": "x"}).content.decode()


def test_host_can_start_and_end_from_the_page(client, workshop):
    client.force_login(workshop.host)
    client.post(f"/en/workshops/{workshop.pk}/start/")
    workshop.refresh_from_db()
    assert workshop.status == "live"
    client.post(f"/en/workshops/{workshop.pk}/end/")
    workshop.refresh_from_db()
    assert workshop.status == "ended"
    kinds = list(RoomEvent.objects.filter(workshop=workshop).values_list("seq", "kind"))
    assert kinds == [(1, "workshop.started"), (2, "workshop.ended")]


def test_upcoming_listing_query_count_is_constant(user_client, user, django_assert_max_num_queries):
    for n in range(8):
        w = WorkshopFactory(starts_at=timezone.now() + timedelta(days=n + 1))
        RegistrationFactory(workshop=w, user=user)
    with django_assert_max_num_queries(25):
        assert user_client.get("/en/workshops/").status_code == 200


@pytest.mark.parametrize(
    ("lang", "paused"),
    [("en", "Live updates are paused."), ("km", "ការធ្វើបច្ចុប្បន្នភាពផ្ទាល់ត្រូវបានផ្អាក។")],
)
def test_the_room_client_gets_the_paused_notice_in_the_pages_language(
    user_client, workshop, lang, paused
):
    """The words the room client shows on a ``live: paused`` frame come with the page."""
    html = user_client.get(f"/{lang}/workshops/{workshop.pk}/").content.decode()
    strings = re.search(r'<script id="room-strings" type="application/json">(.*?)</script>', html)
    assert json.loads(strings.group(1))["paused"].startswith(paused)
