"""The access matrix: every URL pattern, held against who may use it.

Every pattern is read from the resolvers (Django's for HTTP, the
``URLRouter`` in ``lms.asgi`` for WebSocket) and must have a row in
``MATRIX`` (or, for Wagtail's own admin views, fall under ``WAGTAIL_ADMIN``):
a pattern without one fails ``test_every_url_pattern_is_declared``, so a new
view cannot ship without saying who may use it.

A row says, for each role, what a GET and a POST get back: the status code,
where a redirect goes, and whether the state the row watches changed. The
roles (``tests/support/world.py`` builds them and everything they own):

``anonymous``    nobody signed in
``owner``        signed in; owns the objects tried (their organisation, pair,
                 enrolment, certificate, workshop, ...)
``other``        signed in, owns nothing here
``other_org``    signed in, a representative of another organisation, with
                 objects of the same kinds (the "another person's id")
``editor``       platform staff (superuser, Wagtail editor) whose session
                 completed MFA
``staff_nomfa``  a superuser with TOTP whose session did not complete MFA:
                 it must get what an ordinary user gets, and the admin asks it
                 for a code

Rows for objects (``objects=True``) are tried with the owner's id, another
person's id and a neighbouring id: the owner must get ``foreign`` (404
unless the row says otherwise) for the last two, the other roles what the row
says for the owner's object.

Adding a URL: run this module; the failure prints the key of each undeclared
pattern. Add a row under that key (its route, without the language prefix):

    "reports/<int:pk>/": Row(
        values=lambda w, which: {"pk": w.own.report.pk},  # give the ids ...
        objects=True,                                      # ... and try others' too
        get=private(OK),                                   # who gets what on GET
        post=private(DONE, editor=DONE),                   # and on POST
        data=lambda w: {...},                              # the POST body
        state=rows("reports.Report"),                      # what must not change
    ),

``private``, ``everyone``, ``signed_in`` build the per-role outcomes from the
usual shapes; pass a role's outcome to change one. Objects a new row needs
go in ``tests/support/world.py`` (one for the owner, one for ``rival``).
Project admin views are rows too (``admin_row``); Wagtail's own admin URLs
are covered by the ``WAGTAIL_ADMIN`` rule. The module must stay fast: one
world per module, each case in a savepoint that is rolled back.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import override_settings
from django.urls import resolve
from django.utils import timezone, translation

from lms.slugs import PATH_SEGMENT
from notifications import kinds as notice_kinds
from tests.support.urls import http_endpoints, websocket_endpoints
from tests.support.world import ROLES, build_world

ANON, OWNER, OTHER, OTHER_ORG, EDITOR, STAFF = ROLES
LOCAL_APPS = (
    "lms",
    "accounts",
    "courses",
    "workshops",
    "mentoring",
    "certificates",
    "reports",
    "notifications",
)


# ---------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: int
    changed: bool = False
    to: str | None = None  #: a redirect's Location contains this

    def __str__(self) -> str:
        text = str(self.status)
        if self.to:
            text += f" → {self.to}"
        return text + (" (changed)" if self.changed else "")


OK = Outcome(200)
OK_CHANGED = Outcome(200, changed=True)
DONE = Outcome(302, changed=True)  # a redirect after a change
SENT_BACK = Outcome(302)  # a redirect, nothing changed (an error message, or nothing to do)
LOGIN = Outcome(302, to="/accounts/login/")
REAUTH = Outcome(302, to="/reauthenticate/")
MFA = Outcome(302, to="/accounts/2fa/reauthenticate/")
ACTIVATE_MFA = Outcome(302, to="/accounts/2fa/totp/activate/")
ADMIN_REFUSED = Outcome(302, to="/admin/")  # Wagtail: "no permission", back to the admin home
FORBIDDEN = Outcome(403)
NOT_FOUND = Outcome(404)
NOT_ALLOWED = Outcome(405)
GONE = Outcome(410)


def roles(default: Outcome, **outcomes: Outcome) -> dict[str, Outcome]:
    unknown = set(outcomes) - set(ROLES)
    assert not unknown, unknown
    return {role: outcomes.get(role, default) for role in ROLES}


def everyone(outcome: Outcome, **outcomes) -> dict[str, Outcome]:
    """The same for every role, anonymous included."""
    return roles(outcome, **outcomes)


def signed_in(outcome: Outcome, **outcomes) -> dict[str, Outcome]:
    """Anonymous visitors are sent to sign in; everyone signed in gets ``outcome``."""
    return roles(outcome, **{ANON: LOGIN, **outcomes})


def private(owner: Outcome, *, refused: Outcome = NOT_FOUND, **outcomes) -> dict[str, Outcome]:
    """The owner gets ``owner``; anonymous visitors sign in; everyone else is ``refused``.

    A staff session without MFA is refused like anyone else, unless a row says so.
    """
    return roles(refused, **{ANON: LOGIN, OWNER: owner, **outcomes})


# ---------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------


@dataclass
class Row:
    get: dict[str, Outcome] | None = None  #: None: GET not tried
    post: dict[str, Outcome] | None = None  #: None: POST not tried
    values: Callable = lambda world, which: {}  # noqa: E731 - (world, which) -> URL values
    objects: bool = False  #: also try another person's id and a neighbouring id
    foreign: Outcome = NOT_FOUND  #: what the owner gets for another person's id
    neighbour: Outcome | None = None  #: ... and for a neighbouring id (default: ``foreign``)
    data: Callable | None = None  #: world -> POST body
    state: Callable | None = None  #: world -> what a case must (not) change
    ratelimited: bool = False  #: clear the cache between cases
    shadowed_by: str | None = None  #: this pattern can never match: that one wins


@dataclass(frozen=True)
class Shadowed:
    by: str


def rows(*labels: str) -> Callable:
    """A snapshot of every row of these models (``app_label.Model``), read with
    plain SQL: it runs before and after every case, so it must be cheap (on
    PostgreSQL one query, a digest per table)."""
    tables = [apps.get_model(label)._meta.db_table for label in labels]

    def snapshot(world):
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Table names from the models, quoted: no input reaches this SQL.
                digests = ", ".join(
                    f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
                    f"FROM {quote(table)} t)"
                    for table in tables
                )
                cursor.execute(f"SELECT {digests}")  # noqa: S608
                return cursor.fetchone()
            result = []
            for table in tables:
                cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")  # noqa: S608
                result.append(tuple(cursor.fetchall()))
        return tuple(result)

    return snapshot


def combine(*snapshots: Callable) -> Callable:
    return lambda world: tuple(s(world) for s in snapshots)


def sessions(world):
    """Which roles are signed in, and as whom (sessions are rows too)."""
    from django.contrib.sessions.models import Session

    return tuple(
        sorted((s.session_key, s.get_decoded().get("_auth_user_id")) for s in Session.objects.all())
    )


def by_which(own, other, neighbour) -> Callable:
    """URL values from the owner's object, another person's, and a neighbouring one."""
    pick = {"own": own, "other": other, "neighbour": neighbour}
    return lambda world, which: pick[which](world)


def neighbour_pk(own_obj, other_obj) -> int:
    """A primary key next to the owner's that is not the other person's."""
    for candidate in (own_obj.pk + 1, own_obj.pk - 1, own_obj.pk + 2):
        if candidate != other_obj.pk:
            return candidate
    raise AssertionError("no neighbouring id")


def pk_row(attr: str, name: str = "pk") -> Callable:
    """``{name: pk}`` of ``world.own.<attr>``, ``world.rival.<attr>`` or a neighbour."""
    return by_which(
        lambda w: {name: getattr(w.own, attr).pk},
        lambda w: {name: getattr(w.rival, attr).pk},
        lambda w: {name: neighbour_pk(getattr(w.own, attr), getattr(w.rival, attr))},
    )


def org_row(**extra: Callable) -> Callable:
    """``slug`` of the owner's organisation, the other's, or a public one they are not in."""

    def values(world, which):
        org = {"own": world.own.org, "other": world.rival.org, "neighbour": world.public.org}
        result = {"slug": org[which].slug}
        for name, fn in extra.items():
            result[name] = fn(world, which)
        return result

    return values


def pair_row(child: str | None = None, child_name: str | None = None) -> Callable:
    """The owner's pair (and a child of it), the other's, or the owner's pair
    with the other's child (a neighbouring id under the right parent)."""

    def values(world, which):
        pair = world.rival.pair if which == "other" else world.own.pair
        result = {"pk": pair.pk}
        if child:
            side = world.own if which == "own" else world.rival
            result[child_name] = getattr(side, child).pk
        elif which == "neighbour":
            result["pk"] = neighbour_pk(world.own.pair, world.rival.pair)
        return result

    return values


def same_everywhere(values: dict | Callable) -> Callable:
    return lambda world, which: values(world) if callable(values) else values


# -- POST bodies -------------------------------------------------------------

ORGANISATION_DATA = {
    "name_km": "បណ្ដាញថ្មី",
    "name_en": "New Network",
    "kind": "network",
    "province": "04",
    "year_founded": "2004",
    "staff_size": "18",
    "focus_areas": ["gender-equality"],
    "working_languages": ["km"],
    "description": "Savings groups.",
}
REQUEST_DATA = {
    "goals": "Write our first donor report.",
    "need_financial-management": "must",
    "working_languages": ["km"],
    "mode": "either",
    "availability": ["tue-am"],
}


def offer_data(world):
    return {
        "focus_areas": ["financial-management"],
        "mentors": [world.users["owner"].pk],
        "capacity": "2",
        "description": "Audits every year.",
        "working_languages": ["km"],
        "mode": "online",
        "availability": ["tue-am"],
    }


def workshop_data(world):
    starts = timezone.localtime() + timezone.timedelta(days=10)
    return {
        "title_km": "",
        "title_en": "Budget basics",
        "description_en": "For new treasurers.",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timezone.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": 30,
        "audience": "signed_in",
        "invitee_emails": "",
        "video_url": "",
    }


def resource_data(world):
    upload = SimpleUploadedFile("plan.csv", b"step,who\n", content_type="text/csv")
    return {"resource-title": "Plan", "resource-url": "", "resource-file": upload}


def check_in_data(world):
    return {"date": timezone.localdate().isoformat(), "covered": "The cash book."}


def verify_upload(world):
    return {"pdf": SimpleUploadedFile("certificate.pdf", b"%PDF-1.7\n%%EOF\n")}


# -- the watched state of each area --------------------------------------------

ACCOUNTS_STATE = rows(
    "accounts.User", "accounts.Organisation", "accounts.Membership", "accounts.Invitation"
)
EMAIL_STATE = rows("account.EmailAddress")
MFA_STATE = rows("mfa.Authenticator")
COURSES_STATE = rows("courses.Enrolment", "courses.LessonProgress", "courses.QuizAttempt")
WORKSHOPS_STATE = rows(
    "workshops.Workshop",
    "workshops.Registration",
    "workshops.RoomEvent",
    "workshops.CalendarFeed",
)
MENTORING_STATE = rows(
    "mentoring.MentoringRequest",
    "mentoring.MentoringOffer",
    "mentoring.MentoringExclusion",
    "mentoring.MentoringPair",
    "mentoring.PlanGoal",
    "mentoring.CheckIn",
    "mentoring.SharedResource",
    "mentoring.PairFeedback",
    "mentoring.PairWorkshop",
)
NOTICES_STATE = rows("notifications.Notice", "notifications.Preference")
CERTIFICATES_STATE = rows("certificates.Certificate", "certificates.CertificateEvent")
ROUNDS_STATE = rows("mentoring.MatchingRound", "mentoring.MatchProposal")


def certificate_values(world, which):
    if which == "neighbour":
        return {"pk": uuid.uuid4()}
    side = world.own if which == "own" else world.rival
    return {"pk": side.certificate.pk}


def token_values(attr: str, *, field: str = "token", name: str = "token") -> Callable:
    def values(world, which):
        if which == "neighbour":
            return {name: "Z" * 32}
        side = world.own if which == "own" else world.rival
        return {name: getattr(getattr(side, attr), field)}

    return values


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------

PUBLIC_GET = Row(get=everyone(OK))
# allauth's pages for people not signed in send signed-in people on.
ENTRANCE = Row(get=roles(SENT_BACK, anonymous=OK))
SIGNED_IN_PAGE = Row(get=signed_in(OK))

MATRIX: dict[str, Row] = {
    # --- lms -----------------------------------------------------------------
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
    # --- certificate verification (public, language-neutral) -----------------
    "verify/": Row(get=everyone(OK), ratelimited=True),
    "verify/check/": Row(
        get=everyone(Outcome(302, to="/verify/")),  # the form is on the start page
        post=everyone(OK),
        data=verify_upload,
        ratelimited=True,
    ),
    "verify/issuer.json": PUBLIC_GET,
    # The revocation list every credential points at; the first holds the world's.
    "verify/status/<int:number>.json": Row(
        get=everyone(OK), values=same_everywhere({"number": 1}), ratelimited=True
    ),
    # What each credential's achievement id names (public, shared by every learner).
    "^verify/achievements/(?P<slug>course-[0-9]+|mentee|mentor)$": Row(
        get=everyone(NOT_FOUND),  # no mentor certificate in the world
        values=same_everywhere({"slug": "mentor"}),
        ratelimited=True,
    ),
    "verify/public-key.pem": PUBLIC_GET,
    "^verify/keys/(?P<key_id>[0-9a-f]{16})\\.pem$": Row(
        get=everyone(NOT_FOUND), values=same_everywhere({"key_id": "0" * 16}), ratelimited=True
    ),
    "^verify/(?P<token>[A-Za-z0-9_-]{16,64})\\.json$": Row(
        get=everyone(OK),
        values=token_values("certificate"),
        objects=True,
        foreign=OK,  # a certificate's token is its public address
        neighbour=NOT_FOUND,
        ratelimited=True,
    ),
    "^verify/(?P<token>[A-Za-z0-9_-]{16,64})/$": Row(
        get=everyone(OK),
        values=token_values("certificate"),
        objects=True,
        foreign=OK,
        neighbour=NOT_FOUND,
        ratelimited=True,
    ),
    # --- allauth ---------------------------------------------------------------
    "accounts/login/": ENTRANCE,
    "accounts/logout/": Row(
        get=roles(OK, anonymous=SENT_BACK),
        post=roles(DONE, anonymous=SENT_BACK),
        state=sessions,
    ),
    "accounts/inactive/": PUBLIC_GET,
    "accounts/signup/": ENTRANCE,
    "accounts/reauthenticate/": Row(
        # With MFA on, only the authenticator app re-authenticates.
        get=signed_in(OK, editor=MFA, staff_nomfa=MFA),
    ),
    "accounts/reauthenticate/code/": Row(
        get=signed_in(OK, editor=MFA, staff_nomfa=MFA),
    ),
    "accounts/reauthenticate/code/confirm/": Row(
        # No code was asked for: back to asking (which sends MFA users on).
        get=signed_in(Outcome(302, to="/reauthenticate/code/")),
    ),
    "accounts/email/": Row(
        get=signed_in(OK),
        # allauth adds no address to an account with MFA (the form says so).
        post=signed_in(DONE, editor=OK, staff_nomfa=OK),
        data=lambda w: {"action_add": "", "email": "added@example.org"},
        state=EMAIL_STATE,
    ),
    "accounts/confirm-email/": Row(get=everyone(OK)),
    "accounts/password/change/": Row(
        get=signed_in(OK),
        # Everyone's own password, with the current one given.
        post=signed_in(DONE),
        data=lambda w: {
            "oldpassword": "correct-horse-battery",
            "password1": "a-new-pass-phrase-2026",
            "password2": "a-new-pass-phrase-2026",
        },
        state=rows("accounts.User"),
    ),
    "accounts/password/set/": Row(
        get=signed_in(Outcome(302, to="/accounts/password/change/")),
    ),
    "accounts/password/reset/": Row(get=everyone(OK)),
    "accounts/login/code/confirm/": Row(get=roles(SENT_BACK, anonymous=LOGIN)),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": Row(
        get=everyone(OK),
        values=lambda w, which: {"key": w.own.confirmation_key},
    ),
    "accounts/password/reset/key/done/": PUBLIC_GET,
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": Row(
        # The key is moved into the session, out of the address (and of referrers).
        get=everyone(Outcome(302, to="-set-password/")),
        values=lambda w, which: {"uidb36": w.own.reset_uid, "key": w.own.reset_key},
    ),
    "accounts/password/reset/done/": PUBLIC_GET,
    "accounts/login/code/": ENTRANCE,
    "accounts/2fa/": SIGNED_IN_PAGE,
    "accounts/2fa/authenticate/": Row(get=roles(SENT_BACK, anonymous=LOGIN)),
    "accounts/2fa/reauthenticate/": Row(
        # Without TOTP there is no code to give: sent to the password instead.
        get=signed_in(REAUTH, editor=OK, staff_nomfa=OK),
    ),
    "accounts/2fa/totp/activate/": Row(
        get=signed_in(OK, editor=SENT_BACK, staff_nomfa=SENT_BACK),
    ),
    "accounts/2fa/totp/deactivate/": Row(
        get=signed_in(NOT_FOUND, editor=OK, staff_nomfa=MFA),
        post=signed_in(NOT_FOUND, editor=DONE, staff_nomfa=MFA),
        state=MFA_STATE,
    ),
    "accounts/2fa/recovery-codes/": Row(
        get=signed_in(NOT_FOUND, editor=OK, staff_nomfa=MFA),
    ),
    "accounts/2fa/recovery-codes/generate/": Row(
        # Without MFA the form only says there is nothing to protect.
        get=signed_in(OK, staff_nomfa=MFA),
        post=signed_in(OK, editor=DONE, staff_nomfa=MFA),
        state=MFA_STATE,
    ),
    "accounts/2fa/recovery-codes/download/": Row(
        get=signed_in(NOT_FOUND, editor=OK, staff_nomfa=MFA),
    ),
    # --- accounts ---------------------------------------------------------------
    "me/profile/": Row(
        get=signed_in(OK),
        post=signed_in(DONE),  # everyone edits their own
        data=lambda w: {"display_name": "Renamed", "legal_name": "", "preferred_language": "en"},
        state=ACCOUNTS_STATE,
    ),
    "me/data/export/": Row(get=signed_in(OK, staff_nomfa=MFA)),
    "me/delete/": Row(
        get=signed_in(OK, staff_nomfa=MFA),
        # The only representative of an organisation with members cannot go yet.
        post=signed_in(DONE, owner=OK, other_org=OK, staff_nomfa=MFA),
        data=lambda w: {"confirm": "on"},
        state=ACCOUNTS_STATE,
    ),
    "me/organisations/": SIGNED_IN_PAGE,
    "me/organisations/new/": Row(
        get=signed_in(OK),
        post=signed_in(DONE),  # anyone signed in may start an organisation
        data=lambda w: ORGANISATION_DATA,
        state=ACCOUNTS_STATE,
    ),
    "me/organisations/<slug:slug>/": Row(
        get=private(OK), values=org_row(), objects=True, state=ACCOUNTS_STATE
    ),
    "me/organisations/<slug:slug>/edit/": Row(
        get=private(OK),
        post=private(DONE),
        values=org_row(),
        objects=True,
        data=lambda w: {**ORGANISATION_DATA, "name_en": "Renamed Network"},
        state=ACCOUNTS_STATE,
    ),
    "me/organisations/<slug:slug>/invite/": Row(
        get=private(OK),
        post=private(DONE),
        values=org_row(),
        objects=True,
        data=lambda w: {"email": "friend@example.org", "role": "member"},
        state=ACCOUNTS_STATE,
    ),
    "me/organisations/<slug:slug>/members/<int:pk>/role/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED),
        post=private(DONE),
        values=lambda w, which: {
            "slug": (w.rival if which == "other" else w.own).org.slug,
            "pk": (w.own if which == "own" else w.rival).membership.pk,
        },
        objects=True,
        data=lambda w: {"role": "representative"},
        state=ACCOUNTS_STATE,
    ),
    "me/organisations/<slug:slug>/members/<int:pk>/remove/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED),
        post=private(DONE),
        values=lambda w, which: {
            "slug": (w.rival if which == "other" else w.own).org.slug,
            "pk": (w.own if which == "own" else w.rival).membership.pk,
        },
        objects=True,
        state=ACCOUNTS_STATE,
    ),
    "me/invitations/<int:pk>/open/": Row(
        # From the invitee's own pages: only an open invitation to one of the
        # person's verified addresses (nobody in the world is invited).
        get=signed_in(NOT_FOUND),
        post=signed_in(NOT_FOUND),
        values=pk_row("invitation"),
        objects=True,
        state=ACCOUNTS_STATE,
    ),
    "me/invitations/<str:token>/": Row(
        # The link is the invitation: anyone signed in with it sees which
        # organisation invites; only the invited address may accept.
        get=signed_in(OK),
        post=signed_in(OK),
        values=token_values("invitation"),
        objects=True,
        foreign=OK,
        neighbour=NOT_FOUND,
        state=ACCOUNTS_STATE,
    ),
    "organisations/": PUBLIC_GET,
    "organisations/<slug:slug>/": Row(
        # Public profiles only: the owner's and the other's organisations are
        # not listed; the neighbouring one is.
        get=everyone(NOT_FOUND),
        values=org_row(),
        objects=True,
        neighbour=OK,
    ),
    # --- courses -----------------------------------------------------------------
    "learn/courses/<int:course_id>/enrol/": Row(
        get=everyone(NOT_ALLOWED),
        # The owner and the other organisation's person are enrolled already.
        post=signed_in(DONE, owner=SENT_BACK, other_org=SENT_BACK),
        values=lambda w, which: {"course_id": w.public.course.pk},
        state=COURSES_STATE,
    ),
    "learn/courses/<int:course_id>/offline/": Row(
        get=signed_in(OK), values=lambda w, which: {"course_id": w.public.course.pk}
    ),
    "learn/courses/<int:course_id>/offline/download/": Row(
        get=signed_in(OK), values=lambda w, which: {"course_id": w.public.course.pk}
    ),
    "learn/enrolments/<int:pk>/": Row(
        get=private(OK), values=pk_row("enrolment"), objects=True, state=COURSES_STATE
    ),
    "learn/enrolments/<int:pk>/leave/": Row(
        get=private(OK),
        # A completed course is not left: its record backs the certificate.
        post=private(SENT_BACK),
        values=pk_row("enrolment"),
        objects=True,
        state=COURSES_STATE,
    ),
    "learn/lessons/<int:lesson_id>/done/": Row(
        get=everyone(NOT_ALLOWED),
        # Only the enrolled mark lessons done (the owner had already: nothing new).
        post=signed_in(SENT_BACK),
        values=lambda w, which: {"lesson_id": w.public.lesson.pk},
        state=COURSES_STATE,
    ),
    "learn/lessons/<int:lesson_id>/quiz/": Row(
        get=everyone(NOT_ALLOWED),
        post=signed_in(SENT_BACK, owner=DONE, other_org=DONE),
        values=lambda w, which: {"lesson_id": w.public.lesson.pk},
        data=lambda w: w.public.quiz_answer,
        state=COURSES_STATE,
    ),
    "learn/attempts/<int:pk>/": Row(
        get=private(OK), values=pk_row("attempt"), objects=True, state=COURSES_STATE
    ),
    # --- workshops --------------------------------------------------------------
    "workshops/": SIGNED_IN_PAGE,
    "workshops/new/": Row(
        # Mentors (the owner and the other organisation's representative) and staff.
        get=signed_in(FORBIDDEN, owner=OK, other_org=OK, editor=OK),
        post=signed_in(FORBIDDEN, owner=DONE, other_org=DONE, editor=DONE),
        data=workshop_data,
        state=WORKSHOPS_STATE,
    ),
    "workshops/calendar/": Row(
        get=signed_in(OK),
        post=signed_in(OK_CHANGED),  # a new address, shown on this answer only
        state=WORKSHOPS_STATE,
    ),
    "workshops/calendar/<str:token>.ics": Row(
        get=everyone(OK),
        values=token_values("feed"),
        objects=True,
        foreign=OK,  # the address is the credential
        neighbour=NOT_FOUND,
    ),
    "workshops/<int:pk>/": Row(
        get=private(OK), values=pk_row("workshop"), objects=True, state=WORKSHOPS_STATE
    ),
    "workshops/<int:pk>/edit/": Row(
        get=private(OK),
        post=private(DONE),
        values=pk_row("workshop"),
        objects=True,
        data=workshop_data,
        state=WORKSHOPS_STATE,
    ),
    "workshops/<int:pk>/register/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED, anonymous=LOGIN),
        post=private(DONE),
        values=pk_row("workshop"),
        objects=True,
        state=WORKSHOPS_STATE,
    ),
    "workshops/<int:pk>/unregister/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED, anonymous=LOGIN),
        post=private(SENT_BACK),
        values=pk_row("workshop"),
        objects=True,
        state=WORKSHOPS_STATE,
    ),
    "workshops/<int:pk>/post/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED, anonymous=LOGIN),
        post=private(SENT_BACK),  # the room has not started: the page says so
        values=pk_row("workshop"),
        objects=True,
        data=lambda w: {"text": "Hello", "kind": "chat"},
        state=WORKSHOPS_STATE,
    ),
    "workshops/<int:pk>/start/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED, anonymous=LOGIN),
        post=private(DONE),
        values=pk_row("workshop"),
        objects=True,
        state=WORKSHOPS_STATE,
    ),
    "workshops/<int:pk>/end/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED, anonymous=LOGIN),
        post=private(DONE),
        values=pk_row("workshop"),
        objects=True,
        state=WORKSHOPS_STATE,
    ),
    "workshops/<int:pk>/workshop.ics": Row(
        get=private(OK), values=pk_row("workshop"), objects=True
    ),
    "workshops/<int:pk>/attendance.csv": Row(
        get=private(OK), values=pk_row("workshop"), objects=True
    ),
    "workshops/<int:pk>/transcript.txt": Row(
        get=private(OK), values=pk_row("workshop"), objects=True
    ),
    # --- mentoring --------------------------------------------------------------
    "mentoring/": SIGNED_IN_PAGE,
    "mentoring/organisations/<slug:slug>/request/": Row(
        get=private(OK),
        post=private(DONE),
        values=org_row(),
        objects=True,
        data=lambda w: REQUEST_DATA,
        state=MENTORING_STATE,
    ),
    "mentoring/organisations/<slug:slug>/request/close/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED),
        post=private(DONE),
        values=org_row(),
        objects=True,
        state=MENTORING_STATE,
    ),
    "mentoring/organisations/<slug:slug>/offer/": Row(
        get=private(OK),
        post=private(DONE),
        values=org_row(),
        objects=True,
        data=offer_data,
        state=MENTORING_STATE,
    ),
    "mentoring/organisations/<slug:slug>/offer/close/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED),
        post=private(SENT_BACK),  # no open offer: nothing to close
        values=org_row(),
        objects=True,
        state=MENTORING_STATE,
    ),
    "mentoring/organisations/<slug:slug>/conflicts/": Row(
        get=private(OK),
        post=private(DONE),
        values=org_row(),
        objects=True,
        data=lambda w: {"other_organisation": w.public.other_org.pk, "reason": "Same funder"},
        state=MENTORING_STATE,
    ),
    "mentoring/organisations/<slug:slug>/conflicts/<int:pk>/withdraw/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED),
        post=private(DONE),
        values=lambda w, which: {
            "slug": (w.rival if which == "other" else w.own).org.slug,
            "pk": (w.own if which == "own" else w.rival).exclusion.pk,
        },
        objects=True,
        state=MENTORING_STATE,
    ),
    "mentoring/pairs/<int:pk>/": Row(
        get=private(OK, editor=OK), values=pair_row(), objects=True, state=MENTORING_STATE
    ),
    "mentoring/pairs/<int:pk>/accept/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED),
        post=private(SENT_BACK, editor=SENT_BACK),  # already active: nothing to accept
        values=pair_row(),
        objects=True,
        state=MENTORING_STATE,
    ),
    "mentoring/pairs/<int:pk>/decline/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED),
        post=private(SENT_BACK, editor=SENT_BACK),
        values=pair_row(),
        objects=True,
        data=lambda w: {"decline-reason": "Too far"},
        state=MENTORING_STATE,
    ),
    "mentoring/pairs/<int:pk>/complete/": Row(
        get=private(OK, editor=OK),
        post=private(DONE, editor=DONE),
        values=pair_row(),
        objects=True,
        data=lambda w: {"rating": "4", "feedback": "We write our own reports now."},
        state=MENTORING_STATE,
    ),
    "mentoring/pairs/<int:pk>/end/": Row(
        get=private(OK, editor=OK),
        post=private(DONE, editor=DONE),
        values=pair_row(),
        objects=True,
        data=lambda w: {"end-reason": "The mentor moved abroad."},
        state=MENTORING_STATE,
    ),
    "mentoring/pairs/<int:pk>/goals/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED),
        post=private(DONE, editor=DONE),
        values=pair_row(),
        objects=True,
        data=lambda w: {"goal-title": "Report to the donor", "goal-description": ""},
        state=MENTORING_STATE,
    ),
    "mentoring/pairs/<int:pk>/goals/<int:goal_pk>/delete/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED),
        post=private(DONE, editor=DONE),
        values=pair_row("goal", "goal_pk"),
        objects=True,
        state=MENTORING_STATE,
    ),
    "mentoring/pairs/<int:pk>/check-ins/new/": Row(
        get=private(OK, editor=OK),
        post=private(DONE, editor=DONE),
        values=pair_row(),
        objects=True,
        data=check_in_data,
        state=MENTORING_STATE,
    ),
    "mentoring/pairs/<int:pk>/resources/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED),
        post=private(DONE, editor=DONE),
        values=pair_row(),
        objects=True,
        data=resource_data,
        state=MENTORING_STATE,
    ),
    "mentoring/pairs/<int:pk>/resources/<int:resource_pk>/": Row(
        get=private(OK, editor=OK),
        values=pair_row("resource", "resource_pk"),
        objects=True,
    ),
    "mentoring/pairs/<int:pk>/resources/<int:resource_pk>/delete/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED),
        post=private(DONE, editor=DONE),
        values=pair_row("resource", "resource_pk"),
        objects=True,
        state=MENTORING_STATE,
    ),
    "mentoring/pairs/<int:pk>/workshops/new/": Row(
        # The mentoring side schedules; the owner is the mentee's representative.
        get=private(FORBIDDEN, editor=FORBIDDEN),
        values=pair_row(),
        objects=True,
    ),
    # --- certificates -------------------------------------------------------------
    # --- notifications ------------------------------------------------------------
    # Everyone in the world has an unread notice: opening the centre reads it.
    "notices/": Row(get=signed_in(OK_CHANGED), state=NOTICES_STATE),
    "notices/read/": Row(
        get=signed_in(NOT_ALLOWED),
        post=signed_in(DONE),
        state=NOTICES_STATE,
    ),
    "notices/preferences/": Row(
        get=signed_in(OK),
        post=signed_in(DONE),
        data=lambda w: {kind.key: "digest" for kind in notice_kinds.KINDS},
        state=NOTICES_STATE,
    ),
    "certificates/": SIGNED_IN_PAGE,
    "certificates/confirm-name/": Row(
        get=signed_in(OK),
        post=signed_in(DONE),  # everyone's own name
        data=lambda w: {"legal_name": "Chan Sokha", "confirm": "on"},
        state=rows("accounts.User", "certificates.NameConfirmation"),
    ),
    "certificates/<uuid:pk>/": Row(
        get=private(OK, editor=OK), values=certificate_values, objects=True
    ),
    "certificates/<uuid:pk>/download/": Row(
        get=private(OK, editor=OK), values=certificate_values, objects=True
    ),
}


# -- the project's admin views -----------------------------------------------------


def admin_row(
    get: Outcome = OK,
    post: Outcome | None = None,
    values: Callable | None = None,
    state: Callable | None = None,
) -> Row:
    """An admin view of the project: only platform staff with MFA in the session.

    Anonymous visitors sign in, people without admin access are turned away
    by Wagtail, a staff session without MFA is asked for a code; the editor
    gets ``get`` (and ``post``, with an empty form, when given).
    """
    return Row(
        get=roles(ADMIN_REFUSED, anonymous=LOGIN, editor=get, staff_nomfa=MFA),
        post=(
            None
            if post is None
            else roles(ADMIN_REFUSED, anonymous=LOGIN, editor=post, staff_nomfa=MFA)
        ),
        values=values or (lambda world, which: {}),
        state=state,
    )


def admin_viewset(prefix: str, pk: Callable, state: Callable, actions: dict) -> dict[str, Row]:
    """Rows for one admin viewset: ``actions`` maps each URL suffix to its row's arguments."""
    result = {}
    for suffix, kwargs in actions.items():
        if kwargs is None:  # the viewset has no such view
            continue
        kwargs = dict(kwargs)
        if "<" in suffix:
            kwargs.setdefault("values", pk)
        kwargs.setdefault("state", state)
        result[prefix + suffix] = admin_row(**kwargs)
    return result


def _pk(getter):
    return lambda world, which: {"pk": getter(world).pk}


INDEX = {"get": OK}
REFUSED = {"get": ADMIN_REFUSED, "post": ADMIN_REFUSED}
VIEWSET_CRUD = {
    "": INDEX,
    "results/": INDEX,
    "new/": {"get": OK, "post": OK},  # an empty form: errors, nothing created
    "edit/<int:pk>/": {"get": OK, "post": OK},
    "delete/<int:pk>/": {"get": OK, "post": DONE},
    "history/<int:pk>/": INDEX,
    "history-results/<int:pk>/": INDEX,
    "usage/<int:pk>/": INDEX,
    "copy/<int:pk>/": INDEX,
}
# Records the apps keep themselves: listed, inspected and exported, never
# typed in or edited here (changes go through the services).
VIEWSET_READ_ONLY = {
    "": INDEX,
    "results/": INDEX,
    "inspect/<int:pk>/": INDEX,
    "new/": REFUSED,
    "edit/<int:pk>/": REFUSED,
    "delete/<int:pk>/": REFUSED,
    "history/<int:pk>/": REFUSED,
    "history-results/<int:pk>/": REFUSED,
    "usage/<int:pk>/": REFUSED,
}

MATRIX.update(
    {
        "admin/certificates-actions/<uuid:pk>/revoke/": admin_row(
            get=OK,
            post=OK,  # no reason given: refused with a message, nothing revoked
            values=_pk(lambda w: w.own.certificate),
            state=CERTIFICATES_STATE,
        ),
        "admin/certificates-actions/<uuid:pk>/reissue/": admin_row(
            get=OK, post=OK, values=_pk(lambda w: w.own.certificate), state=CERTIFICATES_STATE
        ),
        "admin/certificates-actions/<uuid:pk>/rerender/": admin_row(
            get=NOT_ALLOWED,
            post=Outcome(302, changed=True, to="/admin/certificates/inspect/"),
            values=_pk(lambda w: w.own.certificate),
            state=CERTIFICATES_STATE,
        ),
        "admin/certificates-actions/rerender-all/": admin_row(
            get=OK,
            post=Outcome(302, changed=True, to="/admin/certificates/"),
            state=CERTIFICATES_STATE,
        ),
        "admin/certificates/": admin_row(),
        "admin/certificates/results/": admin_row(),
        "admin/certificates/inspect/<str:pk>/": admin_row(values=_pk(lambda w: w.own.certificate)),
        # A certificate's history is its audit trail (certificate-events).
        "admin/certificates/history/<str:pk>/": admin_row(
            get=ADMIN_REFUSED, values=_pk(lambda w: w.own.certificate)
        ),
        "admin/certificates/history-results/<str:pk>/": admin_row(
            get=ADMIN_REFUSED, values=_pk(lambda w: w.own.certificate)
        ),
        "admin/certificate-events/": admin_row(),
        "admin/certificate-events/results/": admin_row(),
        "admin/mentoring/rounds/": admin_row(),
        "admin/mentoring/rounds/new/": admin_row(post=OK, state=ROUNDS_STATE),
        "admin/mentoring/rounds/<int:pk>/": admin_row(values=_pk(lambda w: w.public.round)),
        "admin/mentoring/rounds/<int:pk>/run/": admin_row(
            get=NOT_ALLOWED, post=DONE, values=_pk(lambda w: w.public.round), state=ROUNDS_STATE
        ),
        "admin/mentoring/rounds/<int:pk>/edit/": admin_row(
            get=NOT_ALLOWED,  # edited on the round's page
            post=Outcome(302, to="/admin/mentoring/rounds/"),  # no name: refused
            values=_pk(lambda w: w.public.round),
            state=ROUNDS_STATE,
        ),
        "admin/mentoring/rounds/<int:pk>/approve/": admin_row(
            get=NOT_ALLOWED,
            post=SENT_BACK,
            values=_pk(lambda w: w.public.round),
            state=ROUNDS_STATE,
        ),
        "admin/mentoring/rounds/<int:pk>/cancel/": admin_row(
            get=NOT_ALLOWED, post=DONE, values=_pk(lambda w: w.public.round), state=ROUNDS_STATE
        ),
        "admin/mentoring/rounds/<int:pk>/swap/": admin_row(
            get=NOT_ALLOWED,
            post=SENT_BACK,
            values=_pk(lambda w: w.public.round),
            state=ROUNDS_STATE,
        ),
        "admin/mentoring/rounds/<int:pk>/export.csv": admin_row(
            values=_pk(lambda w: w.public.round)
        ),
        "admin/mentoring/rounds/<int:pk>/proposals/<int:proposal_pk>/lock/": admin_row(
            get=NOT_ALLOWED,
            post=SENT_BACK,
            values=lambda w, which: {"pk": w.public.round.pk, "proposal_pk": 999999},
            state=ROUNDS_STATE,
        ),
        "admin/mentoring/rounds/<int:pk>/proposals/<int:proposal_pk>/remove/": admin_row(
            get=NOT_ALLOWED,
            post=SENT_BACK,
            values=lambda w, which: {"pk": w.public.round.pk, "proposal_pk": 999999},
            state=ROUNDS_STATE,
        ),
        **admin_viewset(
            "admin/organisations/",
            pk=_pk(lambda w: w.public.org),
            state=ACCOUNTS_STATE,
            actions=VIEWSET_CRUD,
        ),
        **admin_viewset(
            "admin/enrolments/",
            pk=_pk(lambda w: w.own.enrolment),
            state=COURSES_STATE,
            actions={**VIEWSET_READ_ONLY, "copy/<int:pk>/": REFUSED},
        ),
        **admin_viewset(
            "admin/workshop_admin/",
            pk=_pk(lambda w: w.own.workshop),
            state=WORKSHOPS_STATE,
            actions=VIEWSET_CRUD,
        ),
        **admin_viewset(
            "admin/workshop_attendance/",
            pk=_pk(lambda w: w.own.attendance),
            state=rows("workshops.Attendance"),
            # Recorded by the room; the admin corrects "attended", never adds a row.
            actions={
                **VIEWSET_CRUD,
                "new/": REFUSED,
                "copy/<int:pk>/": None,
                "edit/<int:pk>/": {"get": OK, "post": Outcome(302, changed=True)},
            },
        ),
        **admin_viewset(
            "admin/mentoringpair/",
            pk=_pk(lambda w: w.own.pair),
            state=MENTORING_STATE,
            actions=VIEWSET_READ_ONLY,
        ),
        **admin_viewset(
            "admin/mentoringrequest/",
            pk=_pk(lambda w: w.own.pair.request),
            state=MENTORING_STATE,
            actions=VIEWSET_READ_ONLY,
        ),
        **admin_viewset(
            "admin/mentoringoffer/",
            pk=_pk(lambda w: w.own.pair.offer),
            state=MENTORING_STATE,
            actions=VIEWSET_READ_ONLY,
        ),
        **admin_viewset(
            "admin/mentoringexclusion/",
            pk=_pk(lambda w: w.own.exclusion),
            state=MENTORING_STATE,
            # Conflicts of interest may be recorded or removed here, not edited.
            actions={
                **VIEWSET_CRUD,
                "edit/<int:pk>/": REFUSED,
                "usage/<int:pk>/": REFUSED,
                "copy/<int:pk>/": None,
            },
        ),
        **admin_viewset(
            "admin/pairworkshop/",
            pk=_pk(lambda w: w.own.pair_workshop),
            state=MENTORING_STATE,
            # A workshop is linked to a pair or unlinked here, not edited.
            actions={
                **VIEWSET_CRUD,
                "edit/<int:pk>/": REFUSED,
                "usage/<int:pk>/": REFUSED,
                "copy/<int:pk>/": None,
            },
        ),
        # Reports: figures for staff who may read them (the editor may).
        "admin/reports/platform/learning/": admin_row(),
        "admin/reports/platform/reach/": admin_row(),
        "admin/reports/platform/workshops/": admin_row(),
        "admin/reports/platform/mentoring/": admin_row(),
        # An empty request form: refused with its errors (400), nothing queued.
        "admin/reports/platform/donor/": admin_row(
            post=Outcome(400), state=rows("reports.DonorReport")
        ),
        # No such report. (A 404 under /admin/ is sent on by Django's locale
        # middleware to the language-prefixed path, where Wagtail answers 404.)
        "admin/reports/platform/donor/<uuid:pk>/download/": admin_row(
            get=Outcome(302, to="/admin/reports/platform/donor/"),
            values=same_everywhere({"pk": uuid.UUID(int=1)}),
        ),
        # The admin's own login pages: allauth's (lms.urls).
        "admin/login/": Row(get=everyone(LOGIN)),
        "admin/logout/": Row(get=everyone(Outcome(302, to="/accounts/logout/"))),
        "^admin/password_reset/": Row(get=everyone(Outcome(302, to="/accounts/password/reset/"))),
    }
)

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

#: The WebSocket routes. ``True``: the connection is accepted.
WEBSOCKET = {
    "ws/workshops/<int:workshop_id>/": {
        ANON: False,
        OWNER: True,  # the host
        OTHER: False,
        OTHER_ORG: False,
        EDITOR: False,  # a private room is for its audience, staff included
        STAFF: False,
    },
}


# ---------------------------------------------------------------------------
# The world, once per module
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    root = tmp_path_factory.mktemp("matrix-media")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root / "private"), "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(
        MEDIA_ROOT=root / "media", PRIVATE_MEDIA_ROOT=root / "private", STORAGES=storages
    ):
        yield root


@pytest.fixture(autouse=True)
def _isolated_media(media):
    """The module's media (the world's files) instead of one per test."""


@pytest.fixture(autouse=True)
def _recent_sign_in(settings):
    """The world's sessions re-authenticated when it was built. The matrix is
    about who may act, and on a loaded machine it runs longer than allauth's
    five minutes, so here a re-authentication does not expire (expiry has its
    own tests in tests/accounts)."""
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 24 * 60 * 60


@pytest.fixture(scope="class")
def world(media, django_db_setup, django_db_blocker):
    """One world for the HTTP matrix, in a transaction rolled back at its end
    (before the WebSocket matrix, which needs committed rows)."""
    from tests.conftest import ensure_baseline_data

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_baseline_data()
            built = build_world()
            _extras(built)
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _extras(world) -> None:
    """Objects only the matrix needs."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str

    from mentoring.models import MatchingRound
    from workshops.models import Attendance, Participant

    owner = world.users["owner"]
    world.own.confirmation_key = EmailConfirmationHMAC(
        EmailAddress.objects.get(user=owner, primary=True)
    ).key
    world.own.reset_uid = user_pk_to_url_str(owner)
    world.own.reset_key = default_token_generator.make_token(owner)
    world.public.round = MatchingRound.objects.create(name="Round one")
    participant = Participant.objects.create(
        workshop=world.own.workshop, user=world.users["member"], display_name="Member"
    )
    now = timezone.now()
    world.own.attendance = Attendance.objects.create(
        workshop=world.own.workshop,
        user=participant.user,
        first_joined_at=now,
        last_left_at=now,
        minutes=40,
    )


# ---------------------------------------------------------------------------
# Running a case
# ---------------------------------------------------------------------------


@dataclass
class Seen:
    status: int
    location: str
    changed: bool

    def matches(self, expected: Outcome) -> bool:
        return (
            self.status == expected.status
            and self.changed == expected.changed
            and (expected.to is None or expected.to in self.location)
        )

    def __str__(self) -> str:
        text = str(self.status)
        if self.location:
            text += f" → {self.location}"
        return text + (" (changed)" if self.changed else "")


def run_case(world, endpoint, row: Row, role: str, method: str, which: str) -> Seen:
    client = world.clients[role]
    cookies = copy.deepcopy(client.cookies)
    url = endpoint.url(row.values(world, which))
    if row.ratelimited:
        cache.clear()
    try:
        with transaction.atomic():
            before = row.state(world) if row.state else None
            if method == "post":
                response = client.post(url, row.data(world) if row.data else {})
            else:
                response = client.get(url)
            after = row.state(world) if row.state else None
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return Seen(response.status_code, response.get("Location", ""), before != after)


@dataclass
class Report:
    failures: list = field(default_factory=list)

    def check(self, key, role, method, which, expected: Outcome, seen: Seen) -> None:
        if not seen.matches(expected):
            self.failures.append(
                f"{method.upper()} {key} as {role} ({which} id): expected {expected}, got {seen}"
            )


# ---------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------


def project_admin(endpoint) -> bool:
    from wagtail.admin.viewsets import viewsets

    namespaces = {
        v.url_namespace for v in viewsets.viewsets if type(v).__module__.startswith(LOCAL_APPS)
    }
    return (
        endpoint.module.startswith(LOCAL_APPS)
        or bool(set(endpoint.namespaces) & namespaces)
        or len(endpoint.patterns) == 1  # written in lms/urls.py itself
    )


def declared(endpoint) -> bool:
    if endpoint.key in MATRIX:
        return True
    return endpoint.is_admin and not project_admin(endpoint)


def test_every_url_pattern_is_declared():
    """Every HTTP and WebSocket pattern has a row (Wagtail's own admin views
    fall under the admin rule); no row names a pattern that is gone."""
    endpoints = http_endpoints()
    missing = sorted(e.key for e in endpoints if not declared(e))
    assert not missing, "URL patterns without a row in MATRIX:\n" + "\n".join(missing)
    stale = set(MATRIX) - {e.key for e in endpoints}
    assert not stale, f"rows for patterns that no longer exist: {sorted(stale)}"
    ws = {e.key for e in websocket_endpoints()}
    assert ws == set(WEBSOCKET), f"WebSocket routes without a row: {sorted(ws - set(WEBSOCKET))}"


HTTP_KEYS = sorted(MATRIX)


@pytest.mark.django_db
class TestHttp:
    """The HTTP patterns, against one world built for the class."""

    @pytest.mark.parametrize("key", HTTP_KEYS)
    def test_the_matrix(self, world, key):
        """Each role gets what the row declares, for the owner's object and (for
        the owner) another person's and a neighbouring one."""
        endpoint = _by_key()[key]
        row = MATRIX[key]
        if isinstance(row, Shadowed):
            with translation.override("en"):
                match = resolve(endpoint.url())
            winner = _by_key()[row.by]
            assert match.func is winner.callback, f"{key} is reachable"
            return
        report = Report()
        for method in ("get", "post"):
            expected = getattr(row, method)
            if expected is None:
                continue
            for role in ROLES:
                seen = run_case(world, endpoint, row, role, method, "own")
                report.check(key, role, method, "own", expected[role], seen)
            # The method itself refused (405) comes before any id: nothing more to try.
            if row.objects and expected[OWNER] != NOT_ALLOWED:
                for which in ("other", "neighbour"):
                    outcome = row.foreign if which == "other" else (row.neighbour or row.foreign)
                    seen = run_case(world, endpoint, row, OWNER, method, which)
                    report.check(key, OWNER, method, which, outcome, seen)
        assert not report.failures, "\n".join(report.failures)

    def test_wagtails_own_admin_views_are_behind_the_door(self, world):
        """Every Wagtail admin view: anonymous visitors to allauth's sign-in,
        people without admin access turned away, staff without MFA asked for a code."""
        report = Report()
        for endpoint in _endpoints():
            if not endpoint.is_admin or project_admin(endpoint):
                continue
            with translation.override("en"):
                match = resolve(endpoint.url())
            if match.func is not endpoint.callback:
                # Shadowed by one of the project's own admin URLs (lms.urls), which has a row.
                winner = next(e for e in _endpoints() if e.callback is match.func)
                assert winner.key in MATRIX, endpoint.key
                continue
            expected = {**WAGTAIL_ADMIN, **WAGTAIL_ADMIN_EXCEPTIONS.get(endpoint.key, {})}
            row = Row()
            for role, outcome in expected.items():
                seen = run_case(world, endpoint, row, role, "get", "own")
                report.check(endpoint.key, role, "get", "any", outcome, seen)
        assert not report.failures, "\n".join(report.failures)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("key", sorted(WEBSOCKET))
async def test_the_websocket_matrix(key):
    """Each role's connection to a private room is accepted or refused as
    declared, with the owner's room, another person's and a neighbouring id;
    a refused connection leaves no trace in the room."""
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    from lms.asgi import application

    endpoint = {e.key: e for e in websocket_endpoints()}[key]
    world = await database_sync_to_async(build_world)()
    state = rows("workshops.Participant", "workshops.Connection")

    async def connect(role, which) -> tuple[bool, bool]:
        workshop = {"own": world.own.workshop, "other": world.rival.workshop}.get(which)
        pk = workshop.pk if workshop else neighbour_pk(world.own.workshop, world.rival.workshop)
        headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
        cookie = world.clients[role].cookies.get("sessionid")
        if cookie is not None:
            headers.append((b"cookie", f"sessionid={cookie.value}".encode()))
        before = await database_sync_to_async(state)(world)
        communicator = WebsocketCommunicator(
            application, endpoint.url({"workshop_id": pk}), headers=headers
        )
        connected, _ = await communicator.connect(timeout=5)
        if connected:
            await communicator.receive_json_from(timeout=5)  # the welcome
        await communicator.disconnect()
        after = await database_sync_to_async(state)(world)
        return connected, before != after

    failures = []
    for role in ROLES:
        connected, changed = await connect(role, "own")
        expected = WEBSOCKET[key][role]
        if connected != expected or (changed and not connected):
            failures.append(f"{key} as {role}: accepted={connected}, changed={changed}")
    for which in ("other", "neighbour"):
        connected, changed = await connect(OWNER, which)
        if connected or changed:
            failures.append(f"{key} as owner ({which} id): accepted={connected}")
    assert not failures, "\n".join(failures)


_CACHE = {}


def _endpoints():
    if "http" not in _CACHE:
        _CACHE["http"] = http_endpoints()
    return _CACHE["http"]


def _by_key():
    if "keys" not in _CACHE:
        _CACHE["keys"] = {e.key: e for e in _endpoints()}
    return _CACHE["keys"]
