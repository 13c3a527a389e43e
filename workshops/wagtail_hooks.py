"""Workshops in the Wagtail admin, and the hooks the site shell calls."""

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.exports import SafeExportModelViewSet
from lms.hooks import NavItem, Panel

from . import services
from .forms import https_url_fields
from .models import Attendance, Workshop


class WorkshopCreateView(generic.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        services.schedule_background_tasks(instance)
        return instance


class WorkshopEditView(generic.EditView):
    def save_instance(self):
        old_start = Workshop.objects.get(pk=self.object.pk).starts_at
        instance = super().save_instance()
        if instance.starts_at != old_start:
            instance.registrations.update(reminded_24h_at=None, reminded_1h_at=None)
            services.schedule_background_tasks(instance)
        return instance


class WorkshopViewSet(SafeExportModelViewSet):
    model = Workshop
    icon = "date"
    menu_label = _("Workshops")
    add_view_class = WorkshopCreateView
    edit_view_class = WorkshopEditView
    list_display = ["title", "starts_at", "host", "audience", "status", "capacity"]
    list_filter = ["status", "audience", "starts_at"]
    search_fields = ["title_km", "title_en", "description_km", "description_en"]
    search_backend_name = None
    list_export = [
        "title_km",
        "title_en",
        "starts_at",
        "ends_at",
        "host",
        "audience",
        "status",
        "capacity",
    ]
    export_filename = "workshops"
    ordering = ["-starts_at"]
    form_fields = [
        "title_km",
        "title_en",
        "description_km",
        "description_en",
        "host",
        "co_hosts",
        "starts_at",
        "ends_at",
        "capacity",
        "audience",
        "course",
        "mentoring_pair",
        "invitees",
        "video_url",
    ]

    def formfield_for_dbfield(self, db_field, **kwargs):
        return https_url_fields(db_field, **kwargs)


class AttendancePolicy(ModelPermissionPolicy):
    """Attendance is worked out from the room's connections: staff may correct
    whether it counts, never add one by hand (the form has no times to save)."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Attendance, AttendancePolicy(Attendance))


class AttendanceViewSet(SafeExportModelViewSet):
    model = Attendance
    icon = "user"
    menu_label = _("Attendance")
    copy_view_enabled = False
    list_display = [
        "workshop",
        "user",
        "first_joined_at",
        "last_left_at",
        "minutes",
        BooleanColumn(
            "attended", label=capfirst(Attendance._meta.get_field("attended").verbose_name)
        ),
    ]
    list_filter = ["attended", "workshop"]
    list_export = ["workshop", "user", "first_joined_at", "last_left_at", "minutes", "attended"]
    export_filename = "workshop-attendance"
    ordering = ["-first_joined_at"]
    form_fields = ["attended"]
    add_to_admin_menu = False


class WorkshopGroup(ViewSetGroup):
    menu_label = _("Live workshops")
    menu_icon = "date"
    menu_order = 250
    items = (WorkshopViewSet("workshop_admin"), AttendanceViewSet("workshop_attendance"))


@hooks.register("register_admin_viewset")
def register_workshop_viewsets():
    return WorkshopGroup()


@hooks.register("lms_dashboard_panels")
def upcoming_workshops_panel(request):
    return Panel(
        template="workshops/panels/upcoming.html",
        context={"workshops": services.visible_upcoming_for(request.user, limit=5)},
        order=200,
    )


@hooks.register("lms_nav_items")
def workshops_nav(request):
    if not request.user.is_authenticated:
        return None
    url = reverse("workshops:list")
    return NavItem(label=_("Workshops"), url=url, order=300, active_prefix=url)


@hooks.register("lms_personal_data")
def workshops_personal_data(user):
    return ("workshops", services.export_personal_data(user))


@hooks.register("lms_account_deletion")
def workshops_account_deletion(user):
    services.erase_personal_data(user)


@hooks.register("lms_attended_workshops")
def attended_workshops(user, course_page):
    return services.attended_workshops_count(user, course_page)
