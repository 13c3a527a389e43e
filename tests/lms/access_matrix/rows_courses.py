"""Rows of courses: enrolment, offline packs, progress, quizzes; the enrolments admin."""

from __future__ import annotations

from .outcomes import (
    DONE,
    NOT_ALLOWED,
    OK,
    SENT_BACK,
    everyone,
    private,
    signed_in,
)
from .shapes import (
    REFUSED,
    VIEWSET_READ_ONLY,
    Row,
    admin_viewset,
    pk_of,
    pk_row,
    rows,
)

COURSES_STATE = rows("courses.Enrolment", "courses.LessonProgress", "courses.QuizAttempt")


ROWS: dict[str, Row] = {
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
    # --- admin -------------------------------------------------------------------
    **admin_viewset(
        "admin/enrolments/",
        pk=pk_of(lambda w: w.own.enrolment),
        state=COURSES_STATE,
        actions={**VIEWSET_READ_ONLY, "copy/<int:pk>/": REFUSED},
    ),
}
