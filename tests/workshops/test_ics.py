"""The .ics files, read back with an independent parser (the ``icalendar`` package):
what a host types can never end a property early or start a new one."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from icalendar.parser import unescape_backslash

from workshops.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

KHMER = "សុវត្ថិភាពឌីជីថលសម្រាប់បុគ្គលិកមូលដ្ឋាន"
NASTY_TITLES = [
    "Bare CR\rX-INJECTED:yes",
    "CRLF\r\nBEGIN:VEVENT",
    "LF\nSUMMARY:second",
    "Commas, semicolons; and \\ backslashes",
    KHMER,
]


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def calendar_name(cal: Calendar, prop: str = "X-WR-CALNAME") -> str:
    """An extension property, unescaped as TEXT (the parser leaves X- values raw)."""
    return unescape_backslash(cal[prop].to_ical().decode())


def assert_well_formed(body: bytes) -> None:
    """CRLF line ends only, every line at most 75 octets, no property but ours."""
    assert body.endswith(b"\r\n")
    assert b"\r" not in body.replace(b"\r\n", b"")
    assert b"\n" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    unfolded = body.replace(b"\r\n ", b"").split(b"\r\n")[:-1]
    names = {line.split(b":")[0].split(b";")[0] for line in unfolded}
    assert b"X-INJECTED" not in names
    assert unfolded.count(b"BEGIN:VEVENT") == unfolded.count(b"END:VEVENT")


@pytest.mark.parametrize("title", NASTY_TITLES)
def test_workshop_ics_keeps_a_typed_title_in_one_property(user_client, title):
    workshop = WorkshopFactory(title_en=title, description_en=f"About: {title}")
    response = user_client.get(f"/en/workshops/{workshop.pk}/workshop.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert_well_formed(response.content)
    cal = parse(response.content)
    (event,) = cal.walk("VEVENT")
    expected = title.replace("\r\n", "\n").replace("\r", "\n")
    assert str(event["SUMMARY"]) == expected
    assert str(event["DESCRIPTION"]).startswith(f"About: {expected}\n\n")
    assert str(event["DESCRIPTION"]).endswith(f"/en/workshops/{workshop.pk}/")
    assert calendar_name(cal) == expected
    (alarm,) = event.walk("VALARM")
    assert str(alarm["DESCRIPTION"]) == expected
    assert alarm.decoded("TRIGGER") == timedelta(hours=-1)


def test_workshop_ics_fields_and_times(user_client):
    workshop = WorkshopFactory(
        title_en="Digital security",
        starts_at=timezone.make_aware(datetime(2030, 3, 14, 9, 0)),
        ends_at=timezone.make_aware(datetime(2030, 3, 14, 10, 30)),
    )
    body = user_client.get(f"/en/workshops/{workshop.pk}/workshop.ics").content
    cal = parse(body)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == "-//CSO Academy//Workshops//EN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert calendar_name(cal, "X-WR-TIMEZONE") == "Asia/Phnom_Penh"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == f"{workshop.uid}@cso-academy"
    assert event.decoded("DTSTART") == datetime(2030, 3, 14, 2, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2030, 3, 14, 3, 30, tzinfo=UTC)
    assert b"DTSTART:20300314T020000Z\r\n" in body
    assert str(event["URL"]) == f"http://testserver/en/workshops/{workshop.pk}/"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_long_khmer_description_is_folded_without_splitting_a_character(client, user):
    """Folding at 75 octets never cuts a three-octet Khmer character in two."""
    description = (KHMER + " ") * 40
    workshop = WorkshopFactory(title_km=KHMER * 4, description_km=description)
    client.force_login(user)
    body = client.get(f"/km/workshops/{workshop.pk}/workshop.ics").content
    assert_well_formed(body)
    for line in body.split(b"\r\n"):
        line.decode()  # each physical line is valid UTF-8 on its own
    (event,) = parse(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == KHMER * 4
    assert str(event["DESCRIPTION"]).startswith(description)


def feed_path(user_client) -> str:
    """The feed's address, as its owner reads it on the calendar page."""
    page = user_client.post("/en/workshops/calendar/").content.decode()
    return re.search(r"http://testserver(/en/workshops/calendar/[A-Za-z0-9_-]+\.ics)", page)[1]


def test_private_feed_parses_back_with_every_registered_workshop(user_client, client, user):
    mine = [
        WorkshopFactory(title_en=title, starts_at=timezone.now() + timedelta(days=i + 1))
        for i, title in enumerate(NASTY_TITLES)
    ]
    for workshop in mine:
        RegistrationFactory(workshop=workshop, user=user)
    WorkshopFactory(title_en="Not registered")
    response = client.get(feed_path(user_client))
    assert response.status_code == 200
    assert_well_formed(response.content)
    cal = parse(response.content)
    assert calendar_name(cal) == "CSO Academy workshops"
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert summaries == [t.replace("\r\n", "\n").replace("\r", "\n") for t in NASTY_TITLES]
    assert len({str(e["UID"]) for e in cal.walk("VEVENT")}) == len(mine)
