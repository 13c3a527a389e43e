"""Offline packs: a whole course as one zip of plain HTML pages and its media.

The pack opens from the file system without a connection: every page,
stylesheet and image it refers to is inside the zip under a relative path.
Media files over ``COURSES_OFFLINE_MEDIA_CAP`` bytes stay online; the pack
links to them and shows their size. Quizzes are listed without their
answer key and link to the online lesson for grading.

A pack is built once per published state of the course (its fingerprint
changes when any page of the course is published) and kept in the default
storage, so the size shown before download is the size downloaded.
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from wagtail.models import Page

from . import progress
from .models import CoursePage, LessonPage

PACK_FORMAT = 1
PACK_DIR = "offline-packs"
IMAGE_FILTER = "max-720x720|format-jpeg|jpegquality-70"
DEFAULT_MEDIA_CAP = 5 * 1024 * 1024


def media_cap() -> int:
    return getattr(settings, "COURSES_OFFLINE_MEDIA_CAP", DEFAULT_MEDIA_CAP)


@dataclass
class Pack:
    course_id: int
    name: str
    size: int
    manifest: dict = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return posixpath.basename(self.name)

    def open(self):
        return default_storage.open(self.name, "rb")

    @property
    def lesson_count(self) -> int:
        return len(self.manifest.get("lessons", []))

    @property
    def media_included(self) -> list[dict]:
        return [m for m in self.manifest.get("media", []) if m["included"]]

    @property
    def media_online(self) -> list[dict]:
        return [m for m in self.manifest.get("media", []) if not m["included"]]


def fingerprint(course: CoursePage) -> str:
    """Changes whenever the course or any page in it is published or unpublished."""
    stamps = Page.objects.filter(path__startswith=course.path).aggregate(
        published=Max("last_published_at"), count=Max("id")
    )
    live = Page.objects.live().filter(path__startswith=course.path).count()
    raw = f"{PACK_FORMAT}:{course.pk}:{stamps['published']}:{stamps['count']}:{live}:{media_cap()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _pack_name(course: CoursePage, digest: str) -> str:
    slug = slugify(course.slug)[:40] or "course"
    return f"{PACK_DIR}/course-{course.pk}-{slug}-{digest}.zip"


def get_or_build_pack(course: CoursePage) -> Pack:
    name = _pack_name(course, fingerprint(course))
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(build_pack(course)))
        if saved != name:
            # Another request built the same pack meanwhile and the storage
            # chose a new name for ours: keep theirs, which may be downloading.
            default_storage.delete(saved)
        _remove_old_packs(course, keep=name)
    with default_storage.open(name, "rb") as handle, zipfile.ZipFile(handle) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    return Pack(course_id=course.pk, name=name, size=default_storage.size(name), manifest=manifest)


def _remove_old_packs(course: CoursePage, *, keep: str) -> None:
    """Delete the course's packs from earlier published states (never ``keep``)."""
    try:
        _dirs, files = default_storage.listdir(PACK_DIR)
    except FileNotFoundError:
        return
    prefix = f"course-{course.pk}-"
    for filename in files:
        path = f"{PACK_DIR}/{filename}"
        if filename.startswith(prefix) and path != keep:
            default_storage.delete(path)


class _Builder:
    def __init__(self, course: CoursePage, archive: zipfile.ZipFile):
        self.course = course
        self.archive = archive
        self.media: dict[str, dict] = {}
        self.site_url = settings.SITE_URL.rstrip("/")

    def online_url(self, url: str | None) -> str:
        if not url:
            return ""
        return url if url.startswith(("http://", "https://")) else f"{self.site_url}{url}"

    def add_file(self, key: str, arcname: str, read, size: int, title: str, url: str) -> dict:
        if key in self.media:
            return self.media[key]
        included = size <= media_cap()
        entry = {
            "title": title,
            "size": size,
            "included": included,
            "path": f"media/{arcname}" if included else "",
            "url": self.online_url(url),
        }
        if included:
            self.archive.writestr(entry["path"], read())
        self.media[key] = entry
        return entry

    def image(self, image) -> dict | None:
        if image is None:
            return None
        rendition = image.get_rendition(IMAGE_FILTER)
        name = posixpath.basename(rendition.file.name)

        def read():
            with rendition.file.open("rb") as handle:
                return handle.read()

        entry = self.add_file(
            f"image:{rendition.pk}",
            f"images/{name}",
            read,
            rendition.file.size,
            image.title,
            rendition.url,
        )
        return {**entry, "width": rendition.width, "height": rendition.height}

    def document(self, document) -> dict | None:
        if document is None:
            return None
        try:
            size = document.get_file_size() or document.file.size
        except (OSError, ValueError):
            size = 0

        def read():
            with document.file.open("rb") as handle:
                return handle.read()

        return self.add_file(
            f"document:{document.pk}",
            f"files/{document.pk}-{posixpath.basename(document.file.name)}",
            read,
            size,
            document.title,
            document.url,
        )

    def blocks(self, lesson: LessonPage) -> list[dict]:
        from . import quiz as quizzes

        items = []
        for block in lesson.body:
            value = block.value
            item = {"type": block.block_type, "value": value}
            if block.block_type == "image":
                item["media"] = self.image(value["image"])
            elif block.block_type == "video":
                item["media"] = self.document(value["file"])
                item["poster"] = self.image(value["poster"])
                item["audio"] = self.document(value["audio"])
            elif block.block_type == "document":
                item["media"] = self.document(value["document"])
            elif block.block_type == "quiz":
                item["public"] = quizzes.public_quiz(value)
            items.append(item)
        return items


def _lesson_filename(number: int, lesson: LessonPage) -> str:
    return f"lessons/{number:02d}-{slugify(lesson.slug)[:40] or 'lesson'}.html"


def build_pack(course: CoursePage) -> bytes:
    """The zip's bytes. Renders in the course's language, outside any request."""
    buffer = io.BytesIO()
    language = course.locale.language_code
    with (
        translation.override(language),
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        builder = _Builder(course, archive)
        outline = progress.course_outline(course, None)
        entries = []
        for item in outline.items:
            if item.is_module:
                entries.append({"module": item.page})
                continue
            entries.append({"lesson": item.page, "file": _lesson_filename(item.number, item.page)})
        lessons = [e for e in entries if "lesson" in e]
        cover = builder.image(course.cover_image)
        common = {
            "course": course,
            "language": language,
            "built_at": timezone.now(),
            "course_url": builder.online_url(course.url),
        }
        archive.writestr("style.css", render_to_string("courses/offline/style.css", {}).encode())
        archive.writestr(
            "index.html",
            render_to_string(
                "courses/offline/index.html",
                {**common, "entries": entries, "cover": cover, "root": ""},
            ).encode(),
        )
        for i, entry in enumerate(lessons):
            lesson = entry["lesson"]
            previous = lessons[i - 1] if i > 0 else None
            following = lessons[i + 1] if i + 1 < len(lessons) else None
            html = render_to_string(
                "courses/offline/lesson.html",
                {
                    **common,
                    "lesson": lesson,
                    "number": i + 1,
                    "blocks": builder.blocks(lesson),
                    "previous": previous,
                    "next": following,
                    "lesson_url": builder.online_url(lesson.url),
                    "root": "../",
                },
            )
            archive.writestr(entry["file"], html.encode())
        manifest = {
            "format": PACK_FORMAT,
            "course": course.title,
            "language": language,
            "lessons": [{"title": e["lesson"].title, "file": e["file"]} for e in lessons],
            "media": list(builder.media.values()),
            "media_cap": media_cap(),
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return buffer.getvalue()
