"""Reactions to changes in the page tree.

- Any change in a course tree bumps the catalogue's cache version.
- The courses concerned are re-indexed for search (publish, unpublish, move,
  delete).
- A change to a course's set of lessons (a lesson or module published,
  unpublished, moved or deleted) re-evaluates its learners' completion after
  commit, in a background task that carries the course's translation key: a
  learner who had done every other lesson of a lesson now withdrawn finishes.
"""

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


def _course_keys(*pages) -> set:
    """Translation keys of the courses that ``pages`` are, or are in."""
    from . import search
    from .models import CoursePage

    paths = {path for page in pages for path in search.ancestor_paths(page)}
    return set(CoursePage.objects.filter(path__in=paths).values_list("translation_key", flat=True))


def _reevaluate(keys) -> None:
    from . import tasks

    for key in keys:
        transaction.on_commit(lambda key=key: tasks.reevaluate_course_completions.enqueue(str(key)))


def _lessons_changed(sender, instance, **kwargs):
    _reevaluate(_course_keys(instance))


def _page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    from .models import LessonPage, ModulePage

    if issubclass(instance.specific_class or type(instance), (LessonPage, ModulePage)):
        _reevaluate(_course_keys(parent_page_before, parent_page_after))


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
    for model in (ModulePage, LessonPage):
        uid = f"courses-reevaluate-{model.__name__}"
        page_published.connect(_lessons_changed, sender=model, dispatch_uid=f"{uid}-published")
        page_unpublished.connect(_lessons_changed, sender=model, dispatch_uid=f"{uid}-unpublished")
        post_delete.connect(_lessons_changed, sender=model, dispatch_uid=f"{uid}-deleted")
    post_page_move.connect(_page_moved, dispatch_uid="courses-reevaluate-moved")
