"""The enrolments' narrow copy stays equal to the tables it copies, however they are written."""

import datetime

from django.db import connection
from django.db.models import Count

from certificates.models import Certificate
from courses.models import Enrolment, LessonProgress
from reports import freshness
from reports.models import EnrolmentProgress
from tests.reports.conftest import _certificate, pp
from tests.reports.test_rollups import _certified_truth

COLUMNS = ("user_id", "course_id", "course_key", "enrolled_at", "completed_at")


def _copy() -> dict[int, tuple]:
    rows = EnrolmentProgress.objects.values_list(
        "enrolment_id", *COLUMNS, "lessons_done", "certificates"
    )
    return {row[0]: row[1:] for row in rows}


def _truth() -> dict[int, tuple]:
    done = dict(
        LessonProgress.objects.order_by()
        .values("enrolment_id")
        .annotate(n=Count("pk"))
        .values_list("enrolment_id", "n")
    )
    certified = _certified_truth()
    return {
        row[0]: (*row[1:], done.get(row[0], 0), certified.get(row[0], 0))
        for row in Enrolment.objects.values_list("pk", *COLUMNS)
    }


def test_it_copies_every_enrolment_with_its_lessons_done_and_certificates(world):
    copy = _copy()
    assert copy == _truth()
    enrolment = world.enrolments["L3A"]
    assert copy[enrolment.pk][-2] == enrolment.progress.count() > 0
    assert any(row[-1] for row in copy.values())


def test_enrolment_writes_of_every_kind_keep_it_exact(world):
    from courses.factories import EnrolmentFactory

    enrolment = world.enrolments["L4A"]
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=pp(2025, 3, 1))
    assert _copy() == _truth()
    enrolment.refresh_from_db()
    enrolment.enrolled_at = pp(2025, 1, 5)
    enrolment.save()
    assert _copy()[enrolment.pk][3] == pp(2025, 1, 5)
    assert _copy() == _truth()

    added = EnrolmentFactory(course=enrolment.course)
    assert _copy()[added.pk][-2:] == (0, 0)
    assert _copy() == _truth()

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Enrolment._meta.db_table} SET enrolled_at = %s WHERE id = %s",  # noqa: S608
            [pp(2024, 12, 31, 23), added.pk],
        )
    assert _copy()[added.pk][3] == pp(2024, 12, 31, 23)
    Enrolment.objects.filter(pk=enrolment.pk).delete()  # with its progress
    assert enrolment.pk not in _copy()
    assert _copy() == _truth()


def test_lessons_and_certificates_move_its_counts(world):
    enrolment = world.enrolments["L3A"]
    lessons = world.lessons[enrolment.course_id]
    done = set(enrolment.progress.values_list("lesson_id", flat=True))
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(enrolment=enrolment, lesson=lesson, lesson_key=lesson.translation_key)
            for lesson in lessons
            if lesson.pk not in done
        ]
    )
    assert _copy()[enrolment.pk][-2] == len(lessons)
    other = world.enrolments["L4A"]
    moved = enrolment.progress.exclude(lesson_key__in=other.progress.values("lesson_key")).first()
    LessonProgress.objects.filter(pk=moved.pk).update(enrolment=other)
    assert _copy() == _truth()
    LessonProgress.objects.filter(enrolment=enrolment).delete()
    assert _copy()[enrolment.pk][-2] == 0
    assert _copy() == _truth()

    certificate = _certificate(other, pp(2025, 2, 10), status="awaiting_name")
    assert _copy()[other.pk][-1] >= 1
    assert _copy() == _truth()
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.REVOKED)
    assert _copy() == _truth()
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.VALID, source_id=enrolment.pk
    )
    assert _copy()[enrolment.pk][-1] >= 1
    assert _copy() == _truth()
    Certificate.objects.all().delete()
    assert not any(row[-1] for row in _copy().values())
    assert _copy() == _truth()


def test_install_copies_afresh_what_its_triggers_missed(world):
    EnrolmentProgress.objects.all().delete()
    EnrolmentProgress.objects.create(
        enrolment_id=999_999,
        user_id=1,
        course_id=1,
        course_key="00000000-0000-0000-0000-000000000000",
        enrolled_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )
    freshness.install()
    assert _copy() == _truth() != {}


def _learners() -> dict[int, tuple]:
    from reports.models import Learner

    return {
        user_id: (last, language)
        for user_id, last, language in Learner.objects.values_list(
            "user_id", "last_enrolled_at", "language"
        )
    }


def _learners_truth() -> dict[int, tuple]:
    from django.db.models import Max

    rows = (
        Enrolment.objects.order_by()
        .values("user_id", "user__preferred_language")
        .annotate(last=Max("enrolled_at"))
    )
    return {r["user_id"]: (r["last"], r["user__preferred_language"]) for r in rows}


def test_each_learner_keeps_their_last_enrolment_and_language(world):
    from courses.factories import EnrolmentFactory
    from reports.models import Learner

    assert _learners() == _learners_truth() != {}
    user = world.learners["L1"]
    latest = Enrolment.objects.filter(user=user).order_by("-enrolled_at").first()
    Enrolment.objects.filter(pk=latest.pk).update(enrolled_at=pp(2025, 3, 30))
    assert _learners()[user.pk][0] == pp(2025, 3, 30)
    latest.delete()  # the one before becomes the last
    assert _learners() == _learners_truth()
    Enrolment.objects.filter(user=user).delete()
    assert user.pk not in _learners()

    user.preferred_language = "en" if user.preferred_language == "km" else "km"
    user.save()
    other = world.learners["K1"]
    type(other).objects.filter(pk=other.pk).update(preferred_language="en")
    assert _learners()[other.pk][1] == "en"
    added = EnrolmentFactory(user=user, course=world.courses["A"])
    assert _learners()[user.pk] == (added.enrolled_at, user.preferred_language)
    assert _learners() == _learners_truth()

    Learner.objects.all().delete()
    freshness.install()
    assert _learners() == _learners_truth() != {}


def test_a_user_written_after_their_enrolment_gives_it_their_language(world):
    """Foreign keys are checked at commit, so an import may write the enrolment first."""
    from accounts.factories import UserFactory
    from accounts.models import User

    user_id = User.objects.order_by("-pk").values_list("pk", flat=True).first() + 100
    course = world.courses["A"]
    Enrolment.objects.create(user_id=user_id, course=course, course_key=course.translation_key)
    assert _learners()[user_id][1] == ""
    UserFactory(pk=user_id, preferred_language="en")
    assert _learners()[user_id][1] == "en"
    assert _learners() == _learners_truth()
