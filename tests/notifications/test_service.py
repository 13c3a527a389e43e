"""The notifications service: one notice per person and event, e-mail as each person
chose, in their language, multipart with the link in both parts, and the digest."""

import json
from datetime import timedelta
from email import message_from_bytes
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.utils import timezone

from accounts.factories import UserFactory
from accounts.models import User
from notifications import services
from notifications.models import Notice, Preference
from notifications.tasks import deliver_notices, send_weekly_digest
from tests.conftest import reauthenticate

pytestmark = pytest.mark.django_db

CERTIFICATE = {"title": {"km": "ការគ្រប់គ្រងហិរញ្ញវត្ថុ", "en": "Financial management"}}
URL = "/km/certificates/"


def tell(users, event="certificate:1:certificate_issued", kind="certificate_issued"):
    return services.notify(kind, users, event=event, params=CERTIFICATE, url=URL)


class Links(HTMLParser):
    """Every link and every resource an HTML part would load."""

    def __init__(self):
        super().__init__()
        self.links, self.loads = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.links.append(attrs.get("href"))
        for name in ("src", "srcset", "background", "poster"):
            if attrs.get(name):
                self.loads.append(attrs[name])
        if tag == "link":
            self.loads.append(attrs.get("href"))


def parts(message):
    """The text and HTML parts, read back from the bytes that would go on the wire."""
    parsed = message_from_bytes(message.message().as_bytes())
    assert parsed.get_content_type() == "multipart/alternative"
    found = {}
    for part in parsed.walk():
        if part.get_content_maintype() == "text":
            found[part.get_content_subtype()] = part.get_payload(decode=True).decode()
    return found["plain"], found["html"]


def test_one_notice_and_one_email_per_event_however_often_it_is_told(khmer_reader, committed):
    """A retried task calls notify again for the same event: nothing new, nothing resent."""
    with committed():
        assert tell([khmer_reader]) == 1
        assert tell([khmer_reader, khmer_reader.pk]) == 0
    notice = Notice.objects.get()
    assert notice.recipient == khmer_reader and notice.emailed_at is not None
    assert len(mail.outbox) == 1
    # The delivery task run again (a retry) sends nothing.
    assert deliver_notices.call([notice.pk]) == 0
    assert len(mail.outbox) == 1


def test_the_email_is_multipart_in_the_readers_language_with_the_link_in_both_parts(
    khmer_reader, english_reader, committed, settings
):
    settings.SITE_URL = "https://academy.example.org"
    with committed():
        tell([khmer_reader, english_reader])
    by_to = {m.to[0]: m for m in mail.outbox}
    km, en = by_to["km@example.org"], by_to["en@example.org"]

    assert km.subject == "[បណ្ឌិត្យសភាអង្គការសង្គមស៊ីវិល] វិញ្ញាបនបត្ររបស់អ្នកសម្រាប់ «ការគ្រប់គ្រងហិរញ្ញវត្ថុ» រួចរាល់ហើយ។"
    assert en.subject == "[CSO Academy] Your certificate for “Financial management” is ready."
    for message, language in ((km, "km"), (en, "en")):
        text, html = parts(message)
        link = f"https://academy.example.org/{language}/certificates/"
        preferences = f"https://academy.example.org/{language}/notices/preferences/"
        assert link in text and preferences in text
        found = Links()
        found.feed(html)
        assert link in found.links and preferences in found.links
        assert found.loads == [], "no images, fonts or styles to fetch"
        assert "<img" not in html
    km_text, km_html = parts(km)
    assert "សួស្ដី Sokha" in km_text and "បណ្ឌិត្យសភាអង្គការសង្គមស៊ីវិល" in km_text
    assert 'lang="km"' in km_html
    assert "Hello Dara" in parts(en)[0]


def test_the_task_carries_ids_only(khmer_reader, settings, django_capture_on_commit_callbacks):
    """What waits in the queue is notice ids: no address, no words, no link."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tell([khmer_reader])
    (result,) = [r for r in default_task_backend.results if r.task.name == "deliver_notices"]
    assert result.args == [[Notice.objects.get().pk]] and result.kwargs == {}
    default_task_backend.clear()


@pytest.mark.parametrize(("channel", "emails"), [("app", 0), ("email", 1), ("digest", 0)], ids=str)
def test_the_persons_choice_is_honoured(khmer_reader, committed, channel, emails):
    services.set_preferences(khmer_reader, {"certificate_issued": channel})
    with committed():
        tell([khmer_reader])
    assert Notice.objects.filter(recipient=khmer_reader).count() == 1, "always in the centre"
    assert len(mail.outbox) == emails


def test_a_kind_that_is_in_app_by_default_sends_no_email(khmer_reader, committed):
    with committed():
        services.notify(
            "checkin_due", [khmer_reader], event="pair:1:checkin-due:2026-01-01", params={}
        )
    assert Notice.objects.count() == 1
    assert mail.outbox == []


def test_inactive_people_are_not_told(committed):
    gone = UserFactory(is_active=False)
    with committed():
        assert tell([gone]) == 0
    assert not Notice.objects.exists() and mail.outbox == []


def test_an_unknown_channel_changes_nothing(khmer_reader):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.set_preferences(khmer_reader, {"certificate_issued": "sms"})
    with pytest.raises(ValidationError):
        services.set_preferences(khmer_reader, {"no_such_kind": "app"})
    assert not Preference.objects.exists()


def test_the_digest_groups_the_week_by_day_once(english_reader, committed):
    """One e-mail holds the week's notices of the digest kinds, grouped by day;
    older ones and other kinds are not in it; a second run sends nothing."""
    services.set_preferences(
        english_reader, {"certificate_issued": "digest", "workshop_starting": "digest"}
    )
    now = timezone.now()
    ages = {"one": 1, "three": 3, "three-b": 3, "six": 6, "nine": 9}
    for name, days in ages.items():
        notice = Notice.objects.create(
            recipient=english_reader,
            kind="certificate_issued",
            event=f"digest:{name}",
            params={"title": f"Course {name}"},
            url=URL,
        )
        Notice.objects.filter(pk=notice.pk).update(created_at=now - timedelta(days=days))
    Notice.objects.create(
        recipient=english_reader, kind="checkin_due", event="other-kind", params={}
    )
    other = UserFactory(email="other@example.org")
    Notice.objects.create(recipient=other, kind="certificate_issued", event="x", params={})

    with committed():
        assert services.queue_digests(until=now) == 1
    (digest,) = mail.outbox
    assert digest.to == ["en@example.org"]
    assert digest.subject == "[CSO Academy] Your week: 4 notices"
    text, html = parts(digest)
    for name in ("one", "three", "three-b", "six"):
        assert f"Course {name}" in text and f"Course {name}" in html
    assert "Course nine" not in text
    assert text.count("== ") == 3, "three days: 1, 3 and 6 days ago"
    assert html.count("<h2") == 3
    assert "https://" in text or "http://" in text
    assert f"{URL.replace('/km/', '/en/')}" in text

    assert send_weekly_digest.call(english_reader.pk, now.isoformat()) == 0
    assert len(mail.outbox) == 1


def test_export_and_deletion(khmer_reader, committed, client):
    """The personal-data export lists notices and choices; deleting the account removes them."""
    services.set_preferences(khmer_reader, {"workshop_starting": "digest"})
    with committed():
        tell([khmer_reader])
    client.force_login(khmer_reader)
    reauthenticate(client)
    data = json.loads(client.get("/km/me/data/export/").content)
    (notice,) = data["notifications"]["notices"]
    assert notice["kind"] == "certificate_issued"
    assert "ការគ្រប់គ្រងហិរញ្ញវត្ថុ" in notice["text"]
    assert data["notifications"]["preferences"]["workshop_starting"] == "digest"
    assert data["notifications"]["preferences"]["certificate_issued"] == "email"

    response = client.post("/km/me/delete/", {"confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=khmer_reader.pk).exists()
    assert not Notice.objects.exists() and not Preference.objects.exists()
