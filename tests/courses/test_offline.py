"""Offline packs: one zip of plain HTML pages and media that opens without the server."""

import io
import posixpath
import re
import zipfile
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from courses import factories

pytestmark = pytest.mark.django_db


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "poster") and value:
                self.links.append((tag, name, value))


def _links(html: str):
    parser = _Links()
    parser.feed(html)
    return parser.links


@pytest.fixture
def media_course(course, settings):
    """The course, with an image, a small document and a large video in its first lesson."""
    settings.COURSES_OFFLINE_MEDIA_CAP = 50_000
    if Collection.get_first_root_node() is None:  # removed by a transactional test's flush
        Collection.add_root(name="Root")
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 450), (11, 79, 108)).save(buffer, format="PNG")
    buffer.seek(0)
    image = get_image_model()(title="Interview", file=ImageFile(buffer, name="interview.png"))
    image.save()
    Document = get_document_model()
    small = Document(title="Consent form")
    small.file.save("consent.txt", ContentFile(b"I agree to be interviewed."), save=False)
    small.save()
    large = Document(title="Training video")
    large.file.save("training.mp4", ContentFile(b"0" * 80_000), save=False)
    large.save()
    lesson = course.lessons().first().specific
    lesson.body = [
        ("paragraph", "<p>Read the consent form with the person.</p>"),
        ("image", {"image": image, "alt_text": "Two people talking", "caption": ""}),
        ("document", {"document": small, "description": "Print two copies."}),
        (
            "video",
            {
                "title": "A good interview",
                "file": large,
                "external_url": "",
                "external_size_mb": None,
                "duration_minutes": 3,
                "poster": None,
                "audio": None,
                "transcript": "<p>The trainer greets the witness and explains consent.</p>",
            },
        ),
    ]
    lesson.save_revision().publish()
    return course


def test_pack_page_shows_the_size_before_download(user_client, media_course):
    response = user_client.get(reverse("courses:offline_pack", args=[media_course.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("courses:offline_pack_download", args=[media_course.pk]) in html
    download = user_client.get(reverse("courses:offline_pack_download", args=[media_course.pk]))
    size = len(b"".join(download.streaming_content))
    assert download["Content-Type"] == "application/zip"
    assert "Training video" in html  # too large: linked online, listed with its size
    from django.template.defaultfilters import filesizeformat

    assert str(filesizeformat(size)).replace("\xa0", " ") in html.replace("\xa0", " ")


def test_pack_needs_sign_in(client, course):
    response = client.get(reverse("courses:offline_pack", args=[course.pk]))
    assert response.status_code == 302


def test_pack_contains_every_lesson_and_opens_without_the_server(user_client, media_course):
    """Every page of the pack refers only to files inside it (or to online copies of big media)."""
    response = user_client.get(reverse("courses:offline_pack_download", args=[media_course.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    lessons = [n for n in names if n.startswith("lessons/")]
    assert len(lessons) == 3
    titles = {re.search(r"<h1>(.*?)</h1>", archive.read(n).decode()).group(1) for n in lessons}
    assert titles == {"Why document", "Interviewing safely", "Check yourself"}
    assert {"index.html", "style.css", "manifest.json"} <= names

    for name in [n for n in names if n.endswith(".html")]:
        html = archive.read(name).decode()
        assert "<script" not in html
        for tag, _attribute, value in _links(html):
            if value.startswith(("http://", "https://")):
                # Only links the learner may follow when back online: never assets.
                assert tag == "a", (name, value)
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), value))
            assert target in names, (name, value)

    first = next(n for n in lessons if n.startswith("lessons/01-"))
    html = archive.read(first).decode()
    assert "Read the consent form with the person." in html
    assert 'src="../media/images/' in html
    assert "../media/files/" in html  # the small document is inside the pack
    assert "The trainer greets the witness" in html  # transcript kept
    assert "training.mp4" not in " ".join(names)  # the large video stayed online


def test_pack_quiz_has_no_answer_key(user_client, course):
    response = user_client.get(reverse("courses:offline_pack_download", args=[course.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    quiz_page = next(n for n in archive.namelist() if n.startswith("lessons/03-"))
    html = archive.read(quiz_page).decode()
    assert "Whose consent do you need before recording an interview?" in html
    assert "Yes: always ask them first." not in html
    assert "correct" not in html


def test_pack_is_rebuilt_after_a_publish(user_client, course):
    url = reverse("courses:offline_pack_download", args=[course.pk])
    first = b"".join(user_client.get(url).streaming_content)
    assert b"".join(user_client.get(url).streaming_content) == first
    factories.lesson_page(course, title="A new lesson", slug="new")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(user_client.get(url).streaming_content)))
    assert len([n for n in archive.namelist() if n.startswith("lessons/")]) == 4


def test_a_pack_another_request_stored_meanwhile_is_kept_and_served(
    user_client, course, monkeypatch
):
    """Two first downloads at once: the one that stores its pack second must
    not delete the first one's (which may be on its way to a learner), and
    leaves no duplicate behind."""
    from django.core.files.storage import storages

    from courses import offline

    storage = storages["default"]  # the instance behind default_storage
    real_build, real_delete, deleted, theirs = offline.build_pack, storage.delete, [], []

    def build_while_another_request_stores(course):
        data = real_build(course)
        name = offline._pack_name(course, offline.fingerprint(course))
        theirs.append(storage.save(name, ContentFile(data)))  # the other request wins
        return data

    def delete(name):
        deleted.append(name)
        real_delete(name)

    monkeypatch.setattr(offline, "build_pack", build_while_another_request_stores)
    monkeypatch.setattr(storage, "delete", delete)
    url = reverse("courses:offline_pack_download", args=[course.pk])
    archive = zipfile.ZipFile(io.BytesIO(b"".join(user_client.get(url).streaming_content)))
    assert "index.html" in archive.namelist()
    assert theirs[0] not in deleted
    _dirs, files = storage.listdir(offline.PACK_DIR)
    assert [f"{offline.PACK_DIR}/{f}" for f in files if f.startswith(f"course-{course.pk}-")] == (
        theirs
    )
