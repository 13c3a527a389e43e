"""Demo certificates: the demo learner finishes a course and receives a
certificate in Khmer and English. Safe to run again."""

from __future__ import annotations

from accounts.demo import demo_user

from .models import Certificate, NameConfirmation
from .services import issuing


def _correct_answers(lesson) -> dict:
    quiz = lesson.quiz_block.value
    return {
        f"q{n}": [str(i) for i, answer in enumerate(question["answers"]) if answer["correct"]]
        for n, question in enumerate(quiz["questions"])
    }


def _finish_a_course(learner) -> str | None:
    """Enrol the learner in a short certificate course and finish it, quizzes included.

    Completion goes through the courses services, so the certificate is issued
    by the ``course_completed`` signal exactly as on the live site.
    """
    try:
        from courses import services as courses
        from courses.models import CoursePage, Enrolment
    except ImportError:
        return None
    started = Enrolment.objects.filter(user=learner, completed_at__isnull=True).values_list(
        "course_key", flat=True
    )
    candidates = (
        CoursePage.objects.live()
        .filter(locale__language_code="km", awards_certificate=True, min_workshops=0)
        .exclude(translation_key__in=list(started))
        .order_by("path")
    )
    for course in candidates:
        lessons = list(course.lessons().specific())
        if not lessons:
            continue
        courses.enrol(learner, course)
        for lesson in lessons:
            if lesson.has_quiz:
                courses.submit_quiz(learner, lesson, _correct_answers(lesson))
            else:
                courses.mark_lesson_done(learner, lesson)
        return course.title
    return None


def seed(stdout) -> None:
    learner = demo_user("learner")
    if not NameConfirmation.objects.filter(user=learner).exists():
        issuing.confirm_name(learner, legal_name=learner.legal_name or learner.display_name)
    title = _finish_a_course(learner)
    count = Certificate.objects.filter(recipient=learner).count()
    if title:
        stdout.write(f"The demo learner finished “{title}”; certificates: {count or 1}.")
    else:
        stdout.write("No course without a quiz to finish: no demo certificate.")
