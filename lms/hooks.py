"""Extension points between apps, through Wagtail's hook registry.

An app registers functions in its ``wagtail_hooks.py``; the site shell calls
them. Every hook is listed here and in ``docs/architecture.md``:

``lms_dashboard_panels(request) -> Panel | None``
    A section of the signed-in person's dashboard.
``lms_home_sections(request, page) -> Panel | None``
    A section of the home page (for example featured courses).
``lms_nav_items(request) -> NavItem | None``
    A link in the main navigation.
``lms_personal_data(user) -> tuple[str, object]``
    A named part of the personal-data export.
``lms_account_deletion(user) -> None``
    Called inside the deletion transaction, before the user row goes.
``lms_attended_workshops(user, course_page) -> int``
    Workshops attended that count toward a course's completion rule.
``lms_course_page_sections(request, page) -> Panel | None``
    A section of a course page (for example the course's live workshops).
``lms_workshop_audiences() -> WorkshopAudience``
    A group of people another app gathers, who may join the workshops it
    links to that group (for example the two organisations of a mentoring pair).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from wagtail import hooks


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 100
    active_prefix: str = ""


@dataclass(frozen=True)
class WorkshopAudience:
    """An audience of workshops that another app defines.

    ``key`` is the workshop's ``audience`` value; ``includes(user, workshop)``
    says whether ``user`` belongs to that workshop's audience (one query at
    most); ``workshop_ids(user)`` gives the ids of the workshops of this
    audience that ``user`` belongs to, as a queryset of ids so that listings
    use it as a subquery.
    """

    key: str
    includes: Callable[..., bool]
    workshop_ids: Callable[..., Iterable[int]]


def _collect(name: str, *args) -> list:
    results = [fn(*args) for fn in hooks.get_hooks(name)]
    return [r for r in results if r is not None]


def dashboard_panels(request) -> list[Panel]:
    return sorted(_collect("lms_dashboard_panels", request), key=lambda p: p.order)


def home_sections(request, page) -> list[Panel]:
    return sorted(_collect("lms_home_sections", request, page), key=lambda p: p.order)


def nav_items(request) -> list[NavItem]:
    return sorted(_collect("lms_nav_items", request), key=lambda n: n.order)


def personal_data(user) -> dict:
    return dict(_collect("lms_personal_data", user))


def before_account_deletion(user) -> None:
    _collect("lms_account_deletion", user)


def attended_workshops(user, course_page) -> int:
    """Sum of attended workshops for a course, from every registered counter (0 if none)."""
    return sum(_collect("lms_attended_workshops", user, course_page))


def course_page_sections(request, page) -> list[Panel]:
    return sorted(_collect("lms_course_page_sections", request, page), key=lambda p: p.order)


def workshop_audiences() -> list[WorkshopAudience]:
    return _collect("lms_workshop_audiences")


def workshop_audience(key: str) -> WorkshopAudience | None:
    """The audience registered for ``key``, or ``None``."""
    return next((a for a in workshop_audiences() if a.key == key), None)
