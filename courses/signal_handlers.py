"""Keep the catalogue fresh when a course tree changes (publish, unpublish, move, delete):
bump the cached pages' version, and re-index the courses concerned for search."""

from django.db import transaction
from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished, post_page_move


def _invalidate(sender, **kwargs):
    from . import catalogue

    catalogue.invalidate()


def _reindex(sender, instance, **kwargs):
    from . import search

    search.index_courses_of(instance)


def _reindex_moved(sender, instance, parent_page_before=None, **kwargs):
    from . import search

    search.index_courses_of(instance)
    if parent_page_before is not None:
        search.index_courses_of(parent_page_before)


def _reindex_after_delete(sender, instance, **kwargs):
    """A deleted module takes its title out of its course's entry (lessons' entries
    go with them): once the deletion is committed, when the course is still there."""
    from . import search
    from .models import CoursePage

    course_ids = list(
        CoursePage.objects.filter(path__in=search.ancestor_paths(instance)).values_list(
            "pk", flat=True
        )
    )
    transaction.on_commit(lambda: [search.index_course(pk) for pk in course_ids])


def connect() -> None:
    from .models import CatalogueIndexPage, CoursePage, LessonPage, ModulePage

    for model in (CatalogueIndexPage, CoursePage, ModulePage, LessonPage):
        uid = f"courses-invalidate-{model.__name__}"
        page_published.connect(_invalidate, sender=model, dispatch_uid=f"{uid}-published")
        page_unpublished.connect(_invalidate, sender=model, dispatch_uid=f"{uid}-unpublished")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"{uid}-deleted")
    for model in (CoursePage, ModulePage, LessonPage):
        uid = f"courses-reindex-{model.__name__}"
        page_published.connect(_reindex, sender=model, dispatch_uid=f"{uid}-published")
        page_unpublished.connect(_reindex, sender=model, dispatch_uid=f"{uid}-unpublished")
    post_delete.connect(_reindex_after_delete, sender=ModulePage, dispatch_uid="courses-reindex-md")
    post_page_move.connect(_invalidate, dispatch_uid="courses-invalidate-moved")
    post_page_move.connect(_reindex_moved, dispatch_uid="courses-reindex-moved")
