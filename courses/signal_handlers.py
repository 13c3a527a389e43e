"""Keep cached catalogue pages fresh: any change in a course tree bumps the cache version."""

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished, post_page_move


def _invalidate(sender, **kwargs):
    from . import catalogue

    catalogue.invalidate()


def connect() -> None:
    from .models import CatalogueIndexPage, CoursePage, LessonPage, ModulePage

    for model in (CatalogueIndexPage, CoursePage, ModulePage, LessonPage):
        uid = f"courses-invalidate-{model.__name__}"
        page_published.connect(_invalidate, sender=model, dispatch_uid=f"{uid}-published")
        page_unpublished.connect(_invalidate, sender=model, dispatch_uid=f"{uid}-unpublished")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"{uid}-deleted")
    post_page_move.connect(_invalidate, dispatch_uid="courses-invalidate-moved")
