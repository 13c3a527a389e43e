"""The lessons-done rollup stays equal to the progress table, however the table is written."""

from django.db import connection
from django.db.models import Count

from courses.models import Enrolment, LessonProgress
from reports import freshness
from reports.models import LessonsDone


def _rollup() -> dict[int, int]:
    return dict(LessonsDone.objects.values_list("enrolment_id", "n"))


def _truth() -> dict[int, int]:
    rows = LessonProgress.objects.order_by().values("enrolment_id").annotate(n=Count("pk"))
    return {row["enrolment_id"]: row["n"] for row in rows}


def test_the_rollup_counts_each_enrolments_lessons_done(world):
    assert _rollup() == _truth()
    assert _rollup()[world.enrolments["L3A"].pk] == world.enrolments["L3A"].progress.count() > 0


def test_writes_of_every_kind_keep_it_exact(world):
    enrolment = world.enrolments["L3A"]
    lessons = world.lessons[enrolment.course_id]
    done = set(enrolment.progress.values_list("lesson_id", flat=True))
    todo = [lesson for lesson in lessons if lesson.pk not in done]
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(enrolment=enrolment, lesson=lesson, lesson_key=lesson.translation_key)
            for lesson in todo
        ]
    )
    assert _rollup() == _truth()
    assert _rollup()[enrolment.pk] == len(lessons)

    other = world.enrolments["L4A"]
    moved = enrolment.progress.exclude(lesson_key__in=other.progress.values("lesson_key")).first()
    LessonProgress.objects.filter(pk=moved.pk).update(enrolment=other)
    assert _rollup() == _truth()

    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {LessonProgress._meta.db_table} WHERE enrolment_id = %s",  # noqa: S608
            [enrolment.pk],
        )
    assert enrolment.pk not in _rollup()  # a count that falls to nothing goes
    assert _rollup() == _truth()

    Enrolment.objects.filter(pk=other.pk).delete()  # its progress goes with it
    assert other.pk not in _rollup()
    assert _rollup() == _truth()


def test_install_counts_afresh_what_its_triggers_missed(world):
    """After a migration rebuilt the table without the triggers, ``install`` puts both back."""
    LessonsDone.objects.all().delete()
    LessonsDone.objects.create(enrolment_id=999_999, n=3)
    freshness.install()
    assert _rollup() == _truth() != {}


def test_a_lesson_done_moves_the_funnel_on_the_next_view(admin_client, world):
    """L4 had one of Financial management's four lessons done; a second makes them half-way:
    the page (read from the cache until then) counts it at once."""
    from tests.reports.test_report_pages import page, table

    def financial_management():
        return next(
            row
            for row in table(page(admin_client, "learning"), "funnel")
            if row[0] == "Financial management"
        )

    assert financial_management()[:4] == ["Financial management", "6", "4", "3"]
    enrolment = world.enrolments["L4A"]
    done = set(enrolment.progress.values_list("lesson_id", flat=True))
    lesson = next(lesson for lesson in world.lessons[enrolment.course_id] if lesson.pk not in done)
    LessonProgress.objects.create(
        enrolment=enrolment, lesson=lesson, lesson_key=lesson.translation_key
    )
    assert financial_management()[:4] == ["Financial management", "6", "4", "4"]


def _certified() -> dict[int, int]:
    from reports.models import Certified

    return dict(Certified.objects.values_list("enrolment_id", "n"))


def _certified_truth() -> dict[int, int]:
    from certificates.models import Certificate

    rows = (
        Certificate.objects.filter(
            kind=Certificate.Kind.COURSE,
            is_current=True,
            status__in=(Certificate.Status.VALID, Certificate.Status.AWAITING_NAME),
            source_id__isnull=False,
        )
        .order_by()
        .values("source_id")
        .annotate(n=Count("pk"))
    )
    return {row["source_id"]: row["n"] for row in rows}


def test_the_certified_rollup_follows_every_kind_of_certificate_write(world):
    from certificates.models import Certificate
    from reports.models import Certified
    from tests.reports.conftest import _certificate, pp

    assert _certified() == _certified_truth() != {}
    enrolment = world.enrolments["L4A"]
    certificate = _certificate(enrolment, pp(2025, 2, 10), status="awaiting_name")
    assert _certified()[enrolment.pk] >= 1
    assert _certified() == _certified_truth()
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.REVOKED)
    assert _certified() == _certified_truth()
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.VALID, source_id=world.enrolments["L3A"].pk
    )
    assert _certified() == _certified_truth()
    Certificate.objects.update(is_current=False)
    assert _certified() == _certified_truth() == {}
    Certificate.objects.update(is_current=True)
    assert _certified() == _certified_truth()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Certificate._meta.db_table} WHERE code = %s",  # noqa: S608
            [certificate.code],
        )
    assert _certified() == _certified_truth()
    Certified.objects.all().delete()
    Certified.objects.create(enrolment_id=999_999, n=2)
    freshness.install()
    assert _certified() == _certified_truth() != {}
    Certificate.objects.all().delete()
    assert _certified() == {}
