"""Learner actions (``/<lang>/learn/``) and the context of course and lesson pages.

Views stay thin: they read the request, call ``courses.services`` and
render or redirect. Every private object comes through an access helper.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lms import hooks

from . import offline, progress, services
from . import quiz as quizzes
from .models import CoursePage, Enrolment, QuizAttempt


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _page_url(request, page) -> str:
    return page.get_url(request) or "/"


# ---------------------------------------------------------------------------
# Page contexts (called from the page models' get_context)
# ---------------------------------------------------------------------------


def _prerequisites(request, course: CoursePage) -> list[dict]:
    prerequisites = course.live_prerequisites()
    if not prerequisites:
        return []
    locale = progress.current_locale()
    keys = [prerequisite.translation_key for prerequisite in prerequisites]
    shown = progress.translations(CoursePage, keys, locale)
    completed = set()
    if request.user.is_authenticated:
        completed = set(
            Enrolment.objects.for_user(request.user)
            .completed()
            .filter(course_key__in=keys)
            .values_list("course_key", flat=True)
        )
    return [
        {
            "course": shown.get(prerequisite.translation_key, prerequisite),
            "completed": prerequisite.translation_key in completed,
        }
        for prerequisite in prerequisites
    ]


def course_page_context(request, course: CoursePage) -> dict:
    enrolment = services.get_enrolment(request.user, course)
    outline = progress.course_outline(course, enrolment)
    continue_lesson = None
    if enrolment is not None and not enrolment.is_completed:
        by_key = {item.page.translation_key: item for item in outline.lessons}
        last = enrolment.last_lesson
        item = by_key.get(last.translation_key) if last is not None else None
        continue_lesson = item.page if item and not item.done else outline.next_to_study()
    prerequisites = _prerequisites(request, course)
    return {
        "course": course,
        "enrolment": enrolment,
        "outline": outline,
        "continue_lesson": continue_lesson,
        "first_lesson": outline.lessons[0].page if outline.lessons else None,
        "prerequisites": prerequisites,
        "missing_prerequisites": [p for p in prerequisites if not p["completed"]],
        "prerequisites_required": course.prerequisites_required,
        "enrolment_blocked": request.user.is_authenticated
        and course.prerequisites_required
        and any(not p["completed"] for p in prerequisites),
        "topics": list(course.topics.all()),
        "languages": list(course.languages.all()),
        "sections": hooks.course_page_sections(request, course),
    }


def lesson_page_context(request, lesson) -> dict:
    course = lesson.get_course()
    enrolment = services.get_enrolment(request.user, course)
    outline = progress.course_outline(course, enrolment, current=lesson)
    previous, following = outline.neighbours(lesson)
    done = any(item.done for item in outline.lessons if item.page.pk == lesson.pk)
    is_preview = getattr(request, "is_preview", False)
    if enrolment is not None and not is_preview:
        services.record_lesson_opened(enrolment, lesson)

    quiz = None
    block = lesson.quiz_block
    if block is not None:
        last_attempt = None
        if enrolment is not None:
            last_attempt = (
                QuizAttempt.objects.filter(enrolment=enrolment, lesson_key=lesson.translation_key)
                .order_by("-number")
                .first()
            )
        quiz = {
            "block_id": block.id,
            "public": quizzes.public_quiz(block.value),
            "last_attempt": last_attempt,
            "feedback": quizzes.feedback(block.value, last_attempt) if last_attempt else [],
            "attempts_left": services.attempts_left(enrolment, lesson),
            "passed": done,
        }
    enrolment_blocked = (
        enrolment is None
        and request.user.is_authenticated
        and course.prerequisites_required
        and bool(services.missing_prerequisites(request.user, course))
    )
    return {
        "course": course,
        "enrolment": enrolment,
        "enrolment_blocked": enrolment_blocked,
        "outline": outline,
        "previous_lesson": previous,
        "next_lesson": following,
        "lesson_done": done,
        "quiz": quiz,
        "position": next((i.number for i in outline.lessons if i.page.pk == lesson.pk), 0),
    }


# ---------------------------------------------------------------------------
# Enrolment
# ---------------------------------------------------------------------------


@require_POST
@login_required
def enrol(request, course_id):
    course = services.get_live_course(course_id)
    try:
        services.enrol(request.user, course)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(_page_url(request, course))
    messages.success(request, _("You are enrolled. Start with the first lesson."))
    first = course.lessons().first()
    return redirect(_page_url(request, first or course))


@login_required
def leave(request, pk):
    enrolment = services.get_enrolment_for_user(request.user, pk)
    course_url = _page_url(request, enrolment.course)
    if request.method == "POST":
        try:
            services.leave(request.user, enrolment)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect(course_url)
        messages.success(request, _("You have left the course."))
        return redirect("dashboard")
    return render(request, "courses/leave.html", {"enrolment": enrolment, "course_url": course_url})


@never_cache
@login_required
def enrolment_detail(request, pk):
    """The learner's own record of a course: lessons done and quiz attempts."""
    enrolment = services.get_enrolment_for_user(request.user, pk)
    course = progress.translations(
        CoursePage, [enrolment.course_key], progress.current_locale()
    ).get(enrolment.course_key, enrolment.course)
    return render(
        request,
        "courses/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "course": course,
            "outline": progress.course_outline(course, enrolment),
            "status": services.completion_status(enrolment),
            "attempts": enrolment.attempts.select_related("lesson").order_by("-submitted_at"),
        },
    )


# ---------------------------------------------------------------------------
# Progress and quizzes
# ---------------------------------------------------------------------------


@require_POST
@login_required
def lesson_done(request, lesson_id):
    lesson = services.get_live_lesson(lesson_id)
    try:
        _progress, completed = services.mark_lesson_done(request.user, lesson)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(_page_url(request, lesson))
    course = lesson.get_course()
    if completed:
        messages.success(request, _("Congratulations: you have completed the course!"))
        return redirect(_page_url(request, course))
    outline = progress.course_outline(course, None)
    _previous, following = outline.neighbours(lesson)
    return redirect(_page_url(request, following or course))


@require_POST
@login_required
def quiz_submit(request, lesson_id):
    lesson = services.get_live_lesson(lesson_id)
    lesson_url = _page_url(request, lesson)
    try:
        attempt, completed = services.submit_quiz(request.user, lesson, request.POST)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return HttpResponseRedirect(f"{lesson_url}#quiz")
    if completed:
        messages.success(request, _("Congratulations: you have completed the course!"))
    elif attempt.passed:
        text = _("You passed with %(score)s%%. The lesson is done.")
        messages.success(request, text % {"score": attempt.score})
    else:
        messages.warning(
            request,
            _("You scored %(score)s%%; the pass mark is %(pass_mark)s%%.")
            % {"score": attempt.score, "pass_mark": attempt.pass_mark},
        )
    return HttpResponseRedirect(f"{lesson_url}#quiz")


@never_cache
@login_required
def attempt_detail(request, pk):
    attempt = services.get_attempt_for_user(request.user, pk)
    lesson = attempt.lesson
    items = []
    if lesson is not None and lesson.quiz_block is not None:
        items = quizzes.feedback(lesson.quiz_block.value, attempt)
    return render(
        request,
        "courses/attempt_detail.html",
        {"attempt": attempt, "lesson": lesson, "items": items},
    )


# ---------------------------------------------------------------------------
# Offline packs
# ---------------------------------------------------------------------------


@login_required
def offline_pack(request, course_id):
    """Shows what the pack holds and its size before the learner downloads it."""
    course = services.get_live_course(course_id)
    pack = offline.get_or_build_pack(course)
    return render(
        request,
        "courses/offline_pack.html",
        {"course": course, "pack": pack, "course_url": _page_url(request, course)},
    )


@login_required
def offline_pack_download(request, course_id):
    course = services.get_live_course(course_id)
    pack = offline.get_or_build_pack(course)
    return FileResponse(
        pack.open(), as_attachment=True, filename=pack.filename, content_type="application/zip"
    )
