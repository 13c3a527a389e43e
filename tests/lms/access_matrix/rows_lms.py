"""Rows of lms's URLs and Wagtail's outside its admin: the health check, the
dashboard, the pages Wagtail serves, its password forms and front-end login,
the admin's sign-in pages; and the rule for Wagtail's own admin views.
"""

from __future__ import annotations

from lms.slugs import PATH_SEGMENT

from .outcomes import (
    ANON,
    GONE,
    LOGIN,
    MFA,
    NOT_FOUND,
    OK,
    STAFF,
    Outcome,
    everyone,
)
from .shapes import (
    PUBLIC_GET,
    SIGNED_IN_PAGE,
    Row,
    Shadowed,
    by_which,
    same_everywhere,
    sessions,
)

ROWS: dict[str, Row] = {
    "healthz": PUBLIC_GET,
    "dashboard/": SIGNED_IN_PAGE,
    # Wagtail's shared-password forms (pages, documents): turned off.
    "documents/authenticate_with_password/<int:restriction_id>/": Row(
        get=everyone(GONE), post=everyone(GONE), values=same_everywhere({"restriction_id": 1})
    ),
    "documents/authenticate_with_password/<int:restriction_id>/#2": Shadowed(
        "documents/authenticate_with_password/<int:restriction_id>/"
    ),
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": Row(
        get=everyone(GONE),
        post=everyone(GONE),
        values=same_everywhere({"page_view_restriction_id": 1, "page_id": 1}),
    ),
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/#2": Shadowed(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/"
    ),
    # Wagtail's front-end login: to allauth.
    "_util/login/": Row(get=everyone(LOGIN), post=everyone(LOGIN), state=sessions),
    "_util/login/#2": Shadowed("_util/login/"),
    # Wagtail's pages (served by lms.urls with slugs that keep Khmer vowel
    # signs): the course and the lesson are public; no such page is 404.
    f"^((?:{PATH_SEGMENT}/)*)$": Row(
        get=everyone(OK),
        values=by_which(
            lambda w: {1: w.public.course.url_path.split("/", 2)[-1]},
            lambda w: {1: w.public.lesson.url_path.split("/", 2)[-1]},
            lambda w: {1: "courses/no-such-course/"},
        ),
        objects=True,
        foreign=OK,  # both pages are public
        neighbour=NOT_FOUND,
    ),
    "^((?:[\\w\\-]+/)*)$": Shadowed(f"^((?:{PATH_SEGMENT}/)*)$"),
    "documents/^(\\d+)/(.*)$": Row(
        get=everyone(NOT_FOUND),  # no document here: Wagtail's own view, checked by Wagtail
        values=same_everywhere({1: 999999, 2: "missing.pdf"}),
    ),
    # The admin's own login pages: allauth's (lms.urls).
    "admin/login/": Row(get=everyone(LOGIN)),
    "admin/logout/": Row(get=everyone(Outcome(302, to="/accounts/logout/"))),
    "^admin/password_reset/": Row(get=everyone(Outcome(302, to="/accounts/password/reset/"))),
}

#: Wagtail's own admin views (every other pattern under ``admin/``): Wagtail
#: checks its own permissions, and the rule here is the door: anonymous
#: visitors go to allauth's sign-in, and a staff session without MFA is asked
#: for a code first.
WAGTAIL_ADMIN = {ANON: LOGIN, STAFF: MFA}
#: Wagtail admin URLs that answer differently (they hold nothing private).
WAGTAIL_ADMIN_EXCEPTIONS = {
    "admin/jsi18n/": {ANON: OK},  # the admin's translations, for its scripts
    "admin/sprite/": {ANON: OK},  # the icon sprite
    # The admin's 404 page: Wagtail's own login URL, which redirects to allauth (above).
    "admin/^.*/$": {ANON: Outcome(302, to="/admin/login/")},
}
