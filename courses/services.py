"""State changes for learning: enrolment, progress, quizzes and completion.

Every function checks who may act first, then writes. Views and other apps
call these, never the models' ``save()``. Other apps use:

- ``evaluate_completion(enrolment)`` / ``evaluate_completion_for(user, course)``
  after anything that may complete a course (workshop attendance);
- ``courses.signals.course_completed`` to react to a completion.

Concurrency: a change to an enrolment's progress starts its transaction by
updating the enrolment row (``_lock_enrolment``). On PostgreSQL that takes
the row lock; on SQLite it takes the database's write lock. Either way two
requests for the same enrolment run one after the other, and the second
sees what the first committed, so "the last two lessons completed in
parallel" still completes the course, and exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import hooks

from . import quiz as quizzes
from .models import CoursePage, Enrolment, LessonPage, LessonProgress, QuizAttempt
from .signals import course_completed

if TYPE_CHECKING:
    from accounts.models import User


# ---------------------------------------------------------------------------
# Access helpers: fetch a private object for a user, or 404.
# ---------------------------------------------------------------------------


def get_enrolment_for_user(user: User, enrolment_id: int) -> Enrolment:
    """The enrolment if it is ``user``'s; 404 for everyone else."""
    try:
        return Enrolment.objects.for_user(user).select_related("course").get(pk=enrolment_id)
    except Enrolment.DoesNotExist:
        raise Http404 from None


def get_attempt_for_user(user: User, attempt_id: int) -> QuizAttempt:
    """The quiz attempt if it is ``user``'s; 404 for everyone else."""
    try:
        return QuizAttempt.objects.select_related("enrolment", "lesson").get(
            pk=attempt_id, enrolment__in=Enrolment.objects.for_user(user)
        )
    except QuizAttempt.DoesNotExist:
        raise Http404 from None


def get_enrolment(user: User, course: CoursePage) -> Enrolment | None:
    """``user``'s enrolment in ``course`` or any of its translations."""
    if not user.is_authenticated:
        return None
    return (
        Enrolment.objects.filter(user=user, course_key=course.translation_key)
        .select_related("course", "last_lesson")
        .first()
    )


def enrolled_course_keys(user: User):
    """The translation keys of the courses ``user`` is enrolled in, as a subquery
    (so any language of a course counts)."""
    return Enrolment.objects.for_user(user).values("course_key")


def enrolled_user_ids(course: CoursePage) -> list[int]:
    """The ids of the people enrolled in ``course`` or any of its translations."""
    return list(
        Enrolment.objects.filter(course_key=course.translation_key)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )


def get_live_course(course_id: int) -> CoursePage:
    try:
        return CoursePage.listable().get(pk=course_id)
    except CoursePage.DoesNotExist:
        raise Http404 from None


def get_live_lesson(lesson_id: int) -> LessonPage:
    try:
        return LessonPage.objects.live().public().get(pk=lesson_id)
    except LessonPage.DoesNotExist:
        raise Http404 from None


def _require_enrolment(user: User, course: CoursePage) -> Enrolment:
    if not user.is_authenticated:
        raise PermissionDenied
    enrolment = get_enrolment(user, course)
    if enrolment is None:
        raise ValidationError(_("Enrol in the course first."))
    return enrolment


# ---------------------------------------------------------------------------
# Enrolment
# ---------------------------------------------------------------------------


def enrol(user: User, course: CoursePage) -> Enrolment:
    """Enrol ``user`` in ``course``; enrolling twice returns the first enrolment."""
    if not user.is_authenticated:
        raise PermissionDenied
    if not course.live:
        raise ValidationError(_("This course is not open for enrolment."))
    existing = get_enrolment(user, course)
    if existing is not None:
        return existing
    if course.prerequisites_required and missing_prerequisites(user, course):
        raise ValidationError(_("Complete the courses this one requires before you enrol."))
    try:
        with transaction.atomic():
            return Enrolment.objects.create(
                user=user, course=course, course_key=course.translation_key
            )
    except IntegrityError:
        # Another request enrolled the same learner a moment ago.
        return Enrolment.objects.get(user=user, course_key=course.translation_key)


def missing_prerequisites(user: User, course: CoursePage) -> list[CoursePage]:
    """The live prerequisites of ``course`` that ``user`` has not completed (two queries)."""
    prerequisites = course.live_prerequisites()
    if not prerequisites:
        return []
    completed = set(
        Enrolment.objects.for_user(user)
        .completed()
        .filter(course_key__in=[p.translation_key for p in prerequisites])
        .values_list("course_key", flat=True)
    )
    return [p for p in prerequisites if p.translation_key not in completed]


def leave(user: User, enrolment: Enrolment) -> None:
    """Leave a course, deleting the progress and quiz attempts in it.

    A completed course cannot be left: its record backs a certificate.
    """
    if enrolment.user_id != user.pk:
        raise Http404
    if enrolment.is_completed:
        raise ValidationError(
            _("You have completed this course; its record stays with your certificate.")
        )
    enrolment.delete()


def record_lesson_opened(enrolment: Enrolment, lesson: LessonPage) -> None:
    """Remember the lesson for "continue where you left off"."""
    if enrolment.last_lesson_id == lesson.pk:
        return
    enrolment.last_lesson = lesson
    enrolment.last_activity_at = timezone.now()
    enrolment.save(update_fields=["last_lesson", "last_activity_at"])


# ---------------------------------------------------------------------------
# Progress and quizzes
# ---------------------------------------------------------------------------


def _lock_enrolment(enrolment: Enrolment) -> None:
    """Serialise changes to one enrolment. Call first inside ``transaction.atomic``.

    An UPDATE takes PostgreSQL's row lock (as ``SELECT … FOR UPDATE`` would)
    and SQLite's write lock; both are held until the transaction ends.
    """
    Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=timezone.now())


def mark_lesson_done(user: User, lesson: LessonPage) -> tuple[LessonProgress, bool]:
    """Mark a lesson without a quiz as done; returns (progress, course newly completed)."""
    course = lesson.get_course()
    enrolment = _require_enrolment(user, course)
    if lesson.has_quiz:
        raise ValidationError(_("Pass the lesson's quiz to finish it."))
    with transaction.atomic():
        _lock_enrolment(enrolment)
        progress, _created = LessonProgress.objects.get_or_create(
            enrolment=enrolment, lesson_key=lesson.translation_key, defaults={"lesson": lesson}
        )
        completed = _evaluate_locked(enrolment)
    return progress, completed


def attempts_left(enrolment: Enrolment | None, lesson: LessonPage) -> int | None:
    """Attempts the learner still has at the lesson's quiz (None: unlimited)."""
    block = lesson.quiz_block
    if block is None or not block.value["max_attempts"]:
        return None
    used = 0
    if enrolment is not None:
        used = QuizAttempt.objects.filter(
            enrolment=enrolment, lesson_key=lesson.translation_key
        ).count()
    return max(0, block.value["max_attempts"] - used)


def submit_quiz(user: User, lesson: LessonPage, data) -> tuple[QuizAttempt, bool]:
    """Grade a submission of the lesson's quiz and store it.

    Passing marks the lesson as done. Returns (attempt, course newly completed).
    Raises ``ValidationError`` for an incomplete submission or when no
    attempts are left; nothing is stored then.
    """
    course = lesson.get_course()
    enrolment = _require_enrolment(user, course)
    block = lesson.quiz_block
    if block is None:
        raise Http404
    quiz = block.value
    answers = quizzes.parse_answers(quiz, data)
    results, score = quizzes.grade(quiz, answers)
    passed = score >= quiz["pass_mark"]
    with transaction.atomic():
        _lock_enrolment(enrolment)
        used = QuizAttempt.objects.filter(
            enrolment=enrolment, lesson_key=lesson.translation_key
        ).count()
        if quiz["max_attempts"] and used >= quiz["max_attempts"]:
            raise ValidationError(_("You have used every attempt at this quiz."))
        attempt = QuizAttempt.objects.create(
            enrolment=enrolment,
            lesson_key=lesson.translation_key,
            lesson=lesson,
            number=used + 1,
            answers=answers,
            results=results,
            score=score,
            pass_mark=quiz["pass_mark"],
            passed=passed,
        )
        completed = False
        if passed:
            LessonProgress.objects.get_or_create(
                enrolment=enrolment,
                lesson_key=lesson.translation_key,
                defaults={"lesson": lesson},
            )
            completed = _evaluate_locked(enrolment)
    return attempt, completed


# ---------------------------------------------------------------------------
# Completion
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionStatus:
    lessons_total: int
    lessons_done: int
    quizzes_total: int
    quizzes_passed: int
    workshops_required: int
    workshops_attended: int

    @property
    def met(self) -> bool:
        has_requirements = self.lessons_total > 0 or self.workshops_required > 0
        return (
            has_requirements
            and self.lessons_done >= self.lessons_total
            and self.quizzes_passed >= self.quizzes_total
            and self.workshops_attended >= self.workshops_required
        )

    @property
    def percent(self) -> int:
        parts = self.lessons_total + self.workshops_required
        if not parts:
            return 0
        done = self.lessons_done + min(self.workshops_attended, self.workshops_required)
        return int(100 * done / parts)


def completion_status(enrolment: Enrolment) -> CompletionStatus:
    """How far ``enrolment`` is through its course's completion rule (four queries).

    The rule: every live lesson done, every lesson's quiz passed at its pass
    mark, and at least ``min_workshops`` attended workshops, counted by the
    ``lms_attended_workshops`` hook.
    """
    course = enrolment.course
    lessons = list(course.lessons().only("translation_key", "body"))
    keys = {lesson.translation_key for lesson in lessons}
    quiz_keys = {lesson.translation_key for lesson in lessons if lesson.has_quiz}
    done = set(
        LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_key", flat=True)
    )
    passed = set(
        QuizAttempt.objects.filter(enrolment=enrolment, passed=True).values_list(
            "lesson_key", flat=True
        )
    )
    required = course.min_workshops
    attended = hooks.attended_workshops(enrolment.user, course) if required else 0
    return CompletionStatus(
        lessons_total=len(keys),
        lessons_done=len(keys & done),
        quizzes_total=len(quiz_keys),
        quizzes_passed=len(quiz_keys & passed),
        workshops_required=required,
        workshops_attended=attended,
    )


def _evaluate_locked(enrolment: Enrolment) -> bool:
    """Record completion if the rule is met. Precondition: the enrolment is locked."""
    completed_at = (
        Enrolment.objects.filter(pk=enrolment.pk).values_list("completed_at", flat=True).first()
    )
    if completed_at is not None:
        enrolment.completed_at = completed_at
        return False
    if not completion_status(enrolment).met:
        return False
    now = timezone.now()
    # The condition makes the write itself the guard: of any number of
    # evaluations, exactly one changes the row and sends the signal.
    updated = Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(
        completed_at=now
    )
    if not updated:
        return False
    enrolment.completed_at = now
    transaction.on_commit(lambda: course_completed.send(sender=Enrolment, enrolment=enrolment))
    return True


def evaluate_completion(enrolment: Enrolment) -> bool:
    """Record ``enrolment``'s completion if its course's rule is now met.

    Safe to call at any time and from any process: completion is recorded,
    and ``course_completed`` sent after commit, exactly once per enrolment.
    Returns True when this call completed the course.
    """
    with transaction.atomic():
        _lock_enrolment(enrolment)
        return _evaluate_locked(enrolment)


def evaluate_completion_for(user: User, course_page: CoursePage) -> Enrolment | None:
    """Evaluate ``user``'s completion of ``course_page`` (in any language).

    For other apps (workshop attendance). Returns the enrolment, or None when
    the user is not enrolled.
    """
    enrolment = get_enrolment(user, course_page)
    if enrolment is not None:
        evaluate_completion(enrolment)
    return enrolment


def evaluate_completion_for_users(user_ids, course_page: CoursePage) -> int:
    """Evaluate the completion of ``course_page`` (in any language) for each of
    ``user_ids`` enrolled in it and not yet completed (after workshop attendance).

    One query finds those enrolments; each is then evaluated as
    :func:`evaluate_completion` does. Returns how many completed now.
    """
    enrolments = Enrolment.objects.filter(
        user_id__in=list(user_ids),
        course_key=course_page.translation_key,
        completed_at__isnull=True,
    ).select_related("course", "user")
    return sum(evaluate_completion(enrolment) for enrolment in enrolments)


def reevaluate_course_completions(course_key) -> int:
    """Complete every enrolment in the course ``course_key`` (any language) that
    now meets its rule, after the course's set of lessons changed (a lesson or
    module published, unpublished, moved or deleted). Returns how many completed.

    Completion is never taken back: a learner who finished keeps it when a
    lesson is added. Enrolments that cannot have finished (fewer lessons done
    than the course has) are ruled out in one query per language of the course.
    """
    enrolments = Enrolment.objects.filter(course_key=course_key, completed_at__isnull=True)
    candidates = []
    for course in CoursePage.objects.filter(
        pk__in=enrolments.values("course_id").distinct()
    ).specific():
        keys = list(course.lessons().values_list("translation_key", flat=True))
        mine = enrolments.filter(course=course).select_related("course", "user")
        if keys:
            mine = mine.annotate(
                lessons_done=Count("progress", filter=Q(progress__lesson_key__in=keys))
            ).filter(lessons_done__gte=len(keys))
        elif not course.min_workshops:
            continue  # a course with nothing to do cannot be completed
        candidates.extend(mine)
    return sum(evaluate_completion(enrolment) for enrolment in candidates)
