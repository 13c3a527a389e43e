"""The notice centre: the count in the navigation, the list by day (read when
opened), "mark all read", and the preferences page, in constant queries."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.factories import UserFactory
from notifications.models import Notice, Preference

pytestmark = pytest.mark.django_db


def add_notices(user, count, *, days_ago=0, start=0):
    created = []
    for n in range(start, start + count):
        notice = Notice.objects.create(
            recipient=user,
            kind="workshop_scheduled",
            event=f"workshop:{n}:scheduled",
            params={
                "title": {"km": f"សិក្ខាសាលា {n}", "en": f"Workshop {n}"},
                "when": {"at": "2026-12-03T02:00:00+00:00"},
            },
            url=f"/km/workshops/{n}/",
        )
        created.append(notice)
    if days_ago:
        Notice.objects.filter(pk__in=[n.pk for n in created]).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    return created


def nav_count(html: str) -> str | None:
    match = re.search(r'class="notice-link__count">(\d+)<', html)
    return match.group(1) if match else None


@pytest.fixture
def reader(client, english_reader):
    client.force_login(english_reader)
    return client


def test_the_navigation_shows_the_unread_count(reader, english_reader):
    add_notices(english_reader, 3)
    add_notices(UserFactory(), 5)  # someone else's
    html = reader.get("/en/dashboard/").content.decode()
    assert nav_count(html) == "3"
    assert 'href="/en/notices/"' in html


def test_no_count_when_nothing_is_unread(reader):
    html = reader.get("/en/dashboard/").content.decode()
    assert nav_count(html) is None
    assert 'href="/en/notices/"' in html


def test_the_list_groups_by_day_says_what_to_do_and_marks_read(reader, english_reader):
    add_notices(english_reader, 2)
    add_notices(english_reader, 1, days_ago=2, start=10)
    Notice.objects.create(recipient=UserFactory(), kind="checkin_due", event="x", params={})

    html = reader.get("/en/notices/").content.decode()
    assert html.count('class="notice-day"') == 2
    assert "Today" in html
    assert html.count("notice--unread") == 3
    assert "A live workshop was scheduled: “Workshop 0”, 3 Dec 2026, 09:00 (Cambodia time)." in html
    assert "Register to keep a seat and get a reminder." in html
    assert '<a href="/en/workshops/0/">See the workshop</a>' in html
    assert "checkin" not in html, "nobody else's notices"
    assert nav_count(html) is None, "opened: nothing unread any more"
    assert not Notice.objects.filter(recipient=english_reader, read_at__isnull=True).exists()
    again = reader.get("/en/notices/").content.decode()
    assert "notice--unread" not in again


def test_the_list_in_khmer(client, khmer_reader):
    add_notices(khmer_reader, 1)
    client.force_login(khmer_reader)
    html = client.get("/km/notices/").content.decode()
    assert "សិក្ខាសាលាផ្ទាល់ត្រូវបានកំណត់ពេល៖ «សិក្ខាសាលា 0»" in html
    assert '<a href="/km/workshops/0/">មើលសិក្ខាសាលា</a>' in html


def test_mark_all_read_is_a_post_with_csrf(english_reader):
    add_notices(english_reader, 4)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(english_reader)
    assert browser.post("/en/notices/read/").status_code == 403
    assert browser.get("/en/notices/read/").status_code == 405
    assert Notice.objects.filter(read_at__isnull=True).count() == 4

    page = browser.get("/en/notices/")
    token = page.cookies["csrftoken"].value
    response = browser.post("/en/notices/read/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/en/notices/"
    assert not Notice.objects.filter(read_at__isnull=True).exists()


#: Queries of each page, whatever the number of notices: the session, the user,
#: (on the centre) the list and marking it read, and one COUNT for the navigation;
#: the rest is the page's own (the dashboard's panels, Wagtail's site lookup).
QUERIES = {"/en/notices/": 7, "/en/dashboard/": None}


@pytest.mark.parametrize("path", ["/en/notices/", "/en/dashboard/"])
def test_queries_do_not_grow_with_the_number_of_notices(reader, english_reader, path):
    """The same queries with 1 unread notice as with 30; the count is one COUNT."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reader.get(path)  # the first request of a session warms caches
    measured = []
    for count in (1, 30):
        Notice.objects.all().delete()
        add_notices(english_reader, count)
        with CaptureQueriesContext(connection) as queries:
            html = reader.get(path).content.decode()
        measured.append(len(queries))
        notices = [q["sql"] for q in queries.captured_queries if "notifications_notice" in q["sql"]]
        counts = [sql for sql in notices if "COUNT(" in sql.upper()]
        assert len(counts) == 1, "one COUNT for the navigation, once per request"
        if path == "/en/dashboard/":
            assert nav_count(html) == str(count)
    assert measured[0] == measured[1]
    if QUERIES[path] is not None:
        assert measured[0] == QUERIES[path]


def test_list_queries_with_1_and_30_notices(reader, english_reader, django_assert_num_queries):
    reader.get("/en/notices/")
    for count in (1, 30):
        Notice.objects.all().delete()
        add_notices(english_reader, count)
        with django_assert_num_queries(QUERIES["/en/notices/"]):
            reader.get("/en/notices/")


def test_preferences_page_saves_one_choice_per_kind(reader, english_reader):
    from notifications import kinds

    html = reader.get("/en/notices/preferences/").content.decode()
    assert html.count('type="radio"') == 3 * len(kinds.KINDS)
    assert "always come" in html  # security e-mails cannot be turned off
    choices = {kind.key: kind.default for kind in kinds.KINDS}
    choices["certificate_issued"] = "digest"
    response = reader.post("/en/notices/preferences/", choices)
    assert response.status_code == 302
    assert (
        Preference.objects.get(user=english_reader, kind="certificate_issued").channel == "digest"
    )


def test_a_bad_choice_is_refused_and_changes_nothing(reader, english_reader):
    from notifications import kinds

    choices = {kind.key: kind.default for kind in kinds.KINDS}
    choices["certificate_issued"] = "carrier-pigeon"
    response = reader.post("/en/notices/preferences/", choices)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Preference.objects.exists()


def test_the_centre_needs_sign_in(client):
    response = client.get("/en/notices/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
