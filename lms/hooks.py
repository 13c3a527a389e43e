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
"""

from __future__ import annotations

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
