"""The pair's shared work: plan, check-ins, resources and private workshops."""

from __future__ import annotations

import mimetypes
import os
import uuid
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.models import Membership
from lms.hooks import WorkshopAudience
from workshops import services as workshop_services
from workshops.models import Workshop

from ..models import CheckIn, GoalProgress, MentoringPair, PairWorkshop, PlanGoal, SharedResource
from .access import is_mentoring_admin, is_pair_mentor, member_sides, representative_sides

if TYPE_CHECKING:
    from accounts.models import User

MAX_RESOURCE_BYTES = 10 * 1024 * 1024
RESOURCE_EXTENSIONS = {
    ".pdf",
    ".doc",
    ".docx",
    ".odt",
    ".xls",
    ".xlsx",
    ".ods",
    ".ppt",
    ".pptx",
    ".odp",
    ".txt",
    ".csv",
    ".jpg",
    ".jpeg",
    ".png",
    ".mp3",
    ".m4a",
    ".zip",
}


def _check_can_work(user: User, pair: MentoringPair) -> None:
    """Members of either organisation (and admins) write on an active pair's page."""
    if not (member_sides(user, pair) or is_mentoring_admin(user)):
        raise PermissionDenied
    if pair.status != MentoringPair.Status.ACTIVE:
        raise ValidationError(
            _("The plan, check-ins and resources can only change while the pair is active.")
        )


@transaction.atomic
def add_goal(
    user: User, pair: MentoringPair, *, title: str, description: str = "", target_date=None
) -> PlanGoal:
    _check_can_work(user, pair)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Name the goal.")})
    goal = PlanGoal(
        pair=pair,
        title=title,
        description=(description or "").strip(),
        target_date=target_date,
        created_by=user,
    )
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def remove_goal(user: User, goal: PlanGoal) -> None:
    _check_can_work(user, goal.pair)
    goal.delete()


@transaction.atomic
def add_check_in(
    user: User,
    pair: MentoringPair,
    *,
    date: date,
    covered: str,
    progress: dict[int, tuple[str, str]] | None = None,
) -> CheckIn:
    """Record a meeting: when, what was covered, and progress on each goal.

    ``progress`` maps goal ids of this pair to (status, note).
    """
    _check_can_work(user, pair)
    errors = {}
    covered = (covered or "").strip()
    if not covered:
        errors["covered"] = [_("Write what you covered.")]
    if date is None:
        errors["date"] = [_("Give the date of the check-in.")]
    elif date > timezone.localdate():
        errors["date"] = [_("A check-in cannot be in the future.")]
    elif pair.activated_at and date < timezone.localtime(pair.activated_at).date():
        errors["date"] = [_("A check-in cannot be before the mentoring started.")]
    progress = progress or {}
    goal_ids = set(pair.goals.values_list("pk", flat=True))
    if set(progress) - goal_ids:
        errors["progress"] = [_("Progress can only be given on this pair's goals.")]
    if any(status not in GoalProgress.Status.values for status, _note in progress.values()):
        errors["progress"] = [_("Choose the progress from the list.")]
    if errors:
        raise ValidationError(errors)
    check_in = CheckIn.objects.create(pair=pair, date=date, covered=covered, created_by=user)
    GoalProgress.objects.bulk_create(
        [
            GoalProgress(check_in=check_in, goal_id=goal_id, status=status, note=(note or "")[:300])
            for goal_id, (status, note) in sorted(progress.items())
        ]
    )
    return check_in


def _private_storage():
    return storages["private"]


def add_resource(user: User, pair: MentoringPair, *, title: str, url: str = "", file=None):
    """Share a link or a file (kept in private storage) with the pair.

    One insert, so no transaction is needed: the file is written first and
    deleted again if the row cannot be saved.
    """
    _check_can_work(user, pair)
    title = (title or "").strip()
    url = (url or "").strip()
    errors = {}
    if not title:
        errors["title"] = [_("Give the resource a title.")]
    if bool(url) == bool(file):
        errors["url"] = [_("Share either a link or a file.")]
    if file is not None:
        extension = os.path.splitext(file.name)[1].lower()
        if extension not in RESOURCE_EXTENSIONS:
            errors["file"] = [
                _(
                    "This kind of file cannot be shared. "
                    "Use PDF, office documents, images, audio or ZIP."
                )
            ]
        elif file.size > MAX_RESOURCE_BYTES:
            errors["file"] = [_("Files can be at most 10 MB.")]
    if errors:
        raise ValidationError(errors)
    resource = SharedResource(pair=pair, title=title, added_by=user)
    if url:
        resource.url = url
        resource.full_clean()
        resource.save()
        return resource
    original = get_valid_filename(os.path.basename(file.name))[:150] or "file"
    name = f"mentoring/pairs/{pair.pk}/{uuid.uuid4().hex}/{original}"
    storage = _private_storage()
    resource.file_name = storage.save(name, file)
    resource.original_name = original
    resource.content_type = mimetypes.guess_type(original)[0] or "application/octet-stream"
    resource.size = file.size
    try:
        resource.full_clean(exclude=["url"])
        resource.save()
    except (ValidationError, IntegrityError):
        storage.delete(resource.file_name)
        raise
    return resource


@transaction.atomic
def remove_resource(user: User, resource: SharedResource) -> None:
    pair = resource.pair
    if not (
        resource.added_by_id == user.pk
        or representative_sides(user, pair)
        or is_mentoring_admin(user)
    ):
        raise PermissionDenied(
            _("Only the person who shared it, a representative or an admin can remove it.")
        )
    name = resource.file_name
    resource.delete()
    if name:
        transaction.on_commit(lambda: _private_storage().delete(name))


def open_resource_file(resource: SharedResource):
    """The stored file, opened for reading. Precondition: access was checked."""
    return _private_storage().open(resource.file_name, "rb")


# ---------------------------------------------------------------------------
# Private workshops (the workshops app holds the room; mentoring owns the link)
# ---------------------------------------------------------------------------


def can_schedule_for_pair(user: User, pair: MentoringPair) -> bool:
    """The mentoring side of an active pair may hold private workshops for it."""
    return pair.status == MentoringPair.Status.ACTIVE and is_pair_mentor(user, pair)


@transaction.atomic
def schedule_pair_workshop(user: User, pair: MentoringPair, **data) -> Workshop:
    """A private workshop for the two organisations of ``pair``, hosted by ``user``.

    ``data`` is what ``workshops.forms.AudienceWorkshopForm.workshop_data`` gives.
    """
    if not can_schedule_for_pair(user, pair):
        raise PermissionDenied
    workshop = workshop_services.schedule_audience_workshop(user, Workshop.Audience.PAIR, **data)
    PairWorkshop.objects.create(pair=pair, workshop=workshop)
    transaction.on_commit(
        lambda: workshop_services.announce_workshop(workshop, _pair_member_ids(pair))
    )
    return workshop


def _pair_member_ids(pair: MentoringPair) -> list[int]:
    """Everyone in either organisation of the pair."""
    return list(
        Membership.objects.filter(organisation_id__in=[pair.mentee_id, pair.mentor_id])
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )


def _member_pairs(user: User):
    return MentoringPair.objects.for_member(user).values("pk")


def pair_workshop_audience() -> WorkshopAudience:
    """Who may join a pair's private workshops: members of either organisation."""
    return WorkshopAudience(
        key=Workshop.Audience.PAIR,
        includes=lambda user, workshop: PairWorkshop.objects.filter(
            workshop_id=workshop.pk, pair__in=_member_pairs(user)
        ).exists(),
        workshop_ids=lambda user: PairWorkshop.objects.filter(pair__in=_member_pairs(user)).values(
            "workshop_id"
        ),
    )
