"""Rows of mentoring: requests, offers, conflicts of interest, pairs and their
work; the rounds admin and the mentoring records' admin.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from .outcomes import (
    DONE,
    FORBIDDEN,
    NOT_ALLOWED,
    OK,
    SENT_BACK,
    Outcome,
    private,
)
from .shapes import (
    REFUSED,
    SIGNED_IN_PAGE,
    VIEWSET_CRUD,
    VIEWSET_READ_ONLY,
    Row,
    admin_row,
    admin_viewset,
    org_row,
    pair_row,
    pk_of,
    rows,
)

# -- POST bodies and watched state ----------------------------------------------

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


def resource_data(world):
    upload = SimpleUploadedFile("plan.csv", b"step,who\n", content_type="text/csv")
    return {"resource-title": "Plan", "resource-url": "", "resource-file": upload}


def check_in_data(world):
    return {"date": timezone.localdate().isoformat(), "covered": "The cash book."}


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
ROUNDS_STATE = rows("mentoring.MatchingRound", "mentoring.MatchProposal")


ROWS: dict[str, Row] = {
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
    # --- admin -------------------------------------------------------------------
    "admin/mentoring/rounds/": admin_row(),
    "admin/mentoring/rounds/new/": admin_row(post=OK, state=ROUNDS_STATE),
    "admin/mentoring/rounds/<int:pk>/": admin_row(values=pk_of(lambda w: w.public.round)),
    "admin/mentoring/rounds/<int:pk>/run/": admin_row(
        get=NOT_ALLOWED, post=DONE, values=pk_of(lambda w: w.public.round), state=ROUNDS_STATE
    ),
    "admin/mentoring/rounds/<int:pk>/edit/": admin_row(
        get=NOT_ALLOWED,  # edited on the round's page
        post=Outcome(302, to="/admin/mentoring/rounds/"),  # no name: refused
        values=pk_of(lambda w: w.public.round),
        state=ROUNDS_STATE,
    ),
    "admin/mentoring/rounds/<int:pk>/approve/": admin_row(
        get=NOT_ALLOWED,
        post=SENT_BACK,
        values=pk_of(lambda w: w.public.round),
        state=ROUNDS_STATE,
    ),
    "admin/mentoring/rounds/<int:pk>/cancel/": admin_row(
        get=NOT_ALLOWED, post=DONE, values=pk_of(lambda w: w.public.round), state=ROUNDS_STATE
    ),
    "admin/mentoring/rounds/<int:pk>/swap/": admin_row(
        get=NOT_ALLOWED,
        post=SENT_BACK,
        values=pk_of(lambda w: w.public.round),
        state=ROUNDS_STATE,
    ),
    "admin/mentoring/rounds/<int:pk>/export.csv": admin_row(values=pk_of(lambda w: w.public.round)),
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
        "admin/mentoringpair/",
        pk=pk_of(lambda w: w.own.pair),
        state=MENTORING_STATE,
        actions=VIEWSET_READ_ONLY,
    ),
    **admin_viewset(
        "admin/mentoringrequest/",
        pk=pk_of(lambda w: w.own.pair.request),
        state=MENTORING_STATE,
        actions=VIEWSET_READ_ONLY,
    ),
    **admin_viewset(
        "admin/mentoringoffer/",
        pk=pk_of(lambda w: w.own.pair.offer),
        state=MENTORING_STATE,
        actions=VIEWSET_READ_ONLY,
    ),
    **admin_viewset(
        "admin/mentoringexclusion/",
        pk=pk_of(lambda w: w.own.exclusion),
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
        pk=pk_of(lambda w: w.own.pair_workshop),
        state=MENTORING_STATE,
        # A workshop is linked to a pair or unlinked here, not edited.
        actions={
            **VIEWSET_CRUD,
            "edit/<int:pk>/": REFUSED,
            "usage/<int:pk>/": REFUSED,
            "copy/<int:pk>/": None,
        },
    ),
}
