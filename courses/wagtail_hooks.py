"""How the courses app plugs into the site shell (``lms.hooks``) and the admin."""

from django.core.cache import cache
from django.db.models import Case, F, Func, IntegerField, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from lms.exports import SafeExportIndexView, SafeExportModelViewSet, field_headings
from lms.hooks import NavItem, Panel
from lms.permissions import ReadOnlyPolicy

from . import catalogue, progress
from .models import CatalogueIndexPage, Enrolment, LessonPage, LessonProgress

HOME_FEATURED = 3


def catalogue_url(language: str | None = None) -> str | None:
    """The catalogue's URL in ``language`` (cached; None before an editor creates one)."""
    language = language or get_language() or "km"
    key = f"courses:catalogue-url:{catalogue.cache_version()}:{language}"
    url = cache.get(key)
    if url is None:
        page = (
            CatalogueIndexPage.objects.live().filter(locale__language_code=language).first()
            or CatalogueIndexPage.objects.live().order_by("pk").first()
        )
        url = page.url if page is not None else ""
        cache.set(key, url, catalogue.CACHE_TIMEOUT)
    return url or None


@hooks.register("lms_nav_items")
def courses_nav(request):
    url = catalogue_url()
    if url is None:
        return None
    return NavItem(label=_("Courses"), url=url, order=100, active_prefix=url)


@hooks.register("lms_dashboard_panels")
def my_courses_panel(request):
    if not request.user.is_authenticated:
        return None
    courses = progress.my_courses(request.user)
    return Panel(
        template="courses/panels/my_courses.html",
        context={
            "in_progress": [c for c in courses if not c.enrolment.is_completed],
            "completed": [c for c in courses if c.enrolment.is_completed],
            "catalogue_url": catalogue_url(),
        },
        order=100,
    )


@hooks.register("lms_home_sections")
def featured_courses_section(request, page):
    courses = catalogue.courses_for_locale(page.locale).order_by(
        "-featured", "-first_published_at", "-pk"
    )
    featured = list(catalogue.with_card_data(courses)[:HOME_FEATURED])
    if not featured:
        return None
    return Panel(
        template="courses/panels/featured_courses.html",
        context={
            "courses": featured,
            "catalogue_url": catalogue_url(page.locale.language_code),
            "card_filter": catalogue.CARD_IMAGE_FILTER,
        },
        order=100,
    )


@hooks.register("lms_personal_data")
def courses_personal_data(user):
    enrolments = (
        Enrolment.objects.filter(user=user)
        .select_related("course")
        .prefetch_related("progress__lesson", "attempts__lesson")
        .order_by("enrolled_at")
    )
    return (
        "courses",
        [
            {
                "course": e.course.title,
                "course_url": e.course.full_url,
                "enrolled_at": e.enrolled_at.isoformat(),
                "completed_at": e.completed_at.isoformat() if e.completed_at else None,
                "lessons_done": [
                    {
                        "lesson": p.lesson.title if p.lesson else str(p.lesson_key),
                        "completed_at": p.completed_at.isoformat(),
                    }
                    for p in e.progress.all()
                ],
                "quiz_attempts": [
                    {
                        "lesson": a.lesson.title if a.lesson else str(a.lesson_key),
                        "attempt": a.number,
                        "submitted_at": a.submitted_at.isoformat(),
                        "answers": a.answers,
                        "score": a.score,
                        "passed": a.passed,
                    }
                    for a in sorted(e.attempts.all(), key=lambda a: a.submitted_at)
                ],
            }
            for e in enrolments
        ],
    )


@hooks.register("lms_account_deletion")
def delete_learning_records(user):
    """Enrolments, progress and quiz attempts go with the account."""
    Enrolment.objects.filter(user=user).delete()


# ---------------------------------------------------------------------------
# Admin: a read-only, exportable list of enrolments
# ---------------------------------------------------------------------------


def _count(queryset):
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted), 0)


def with_progress(enrolments):
    """``enrolments`` with ``lessons_done`` of ``lessons_total`` live lessons and ``percent_done``.

    As on the learner's dashboard, a completed enrolment is at 100 % (a
    lesson added later does not take it back).
    """
    lessons = LessonPage.objects.live().filter(path__startswith=OuterRef("course__path"))
    done = LessonProgress.objects.filter(
        enrolment_id=OuterRef("pk"),
        lesson_key__in=LessonPage.objects.live()
        .filter(path__startswith=OuterRef(OuterRef("course__path")))
        .values("translation_key"),
    )
    return enrolments.annotate(lessons_total=_count(lessons), lessons_done=_count(done)).annotate(
        percent_done=Case(
            When(completed_at__isnull=False, then=100),
            When(lessons_total=0, then=0),
            default=F("lessons_done") * 100 / F("lessons_total"),
            output_field=IntegerField(),
        )
    )


class EnrolmentIndexView(SafeExportIndexView):
    def get_base_queryset(self):
        return with_progress(super().get_base_queryset().select_related("user", "course"))


class EnrolmentViewSet(SafeExportModelViewSet):
    model = Enrolment
    icon = "list-ul"
    menu_label = _("Enrolments")
    menu_order = 250
    add_to_admin_menu = True
    inspect_view_enabled = True
    inspect_view_fields = [
        "user",
        "course",
        "enrolled_at",
        "completed_at",
        "last_lesson",
        "last_activity_at",
    ]
    list_display = ["user", "course", "enrolled_at", "completed_at"]
    list_filter = ["enrolled_at", "completed_at"]
    index_view_class = EnrolmentIndexView
    list_export = [
        "user.email",
        "course.title",
        "enrolled_at",
        "completed_at",
        "lessons_done",
        "lessons_total",
        "percent_done",
        "last_activity_at",
    ]
    export_headings = field_headings(
        Enrolment,
        ["enrolled_at", "completed_at", "last_activity_at"],
        user__email=_("Learner's e-mail address"),
        course__title=_("Course"),
        lessons_done=_("Lessons done"),
        lessons_total=_("Lessons in the course"),
        percent_done=_("Progress (%)"),
    )
    export_filename = "enrolments"
    search_fields = ["user__display_name", "user__email", "course__title"]
    search_backend_name = None
    form_fields = ["completed_at"]  # never offered: the policy refuses add and change
    ordering = ["-enrolled_at"]

    def get_queryset(self, request):
        return Enrolment.objects.select_related("user", "course")


register_permission_policy(Enrolment, ReadOnlyPolicy(Enrolment), exact_class=True)


@hooks.register("register_admin_viewset")
def register_enrolment_viewset():
    return EnrolmentViewSet("enrolments")
