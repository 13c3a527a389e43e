"""Workshops in the Wagtail admin, and the hooks the site shell calls."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.log_actions import log
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.exports import SafeExportModelViewSet, field_headings
from lms.forms import add_service_errors
from lms.hooks import NavItem, Panel

from . import services
from .forms import https_url_fields
from .models import Attendance, Workshop


class _ThroughServices:
    """Admin forms save through ``workshops.services``, like every other door: the same
    permission checks, the "an ended workshop cannot be changed" guard, and reminders
    enqueued after commit. A refusal is shown on the form."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def service_kwargs(self) -> dict:
        data = self.form.cleaned_data
        kwargs = {f: data[f] for f in (*services.WORKSHOP_FIELDS, "host") if f in data}
        kwargs["co_hosts"] = data.get("co_hosts", ())
        kwargs["invitees"] = data.get("invitees", ())
        return kwargs


class WorkshopCreateView(_ThroughServices, generic.CreateView):
    def save_instance(self):
        workshop = services.schedule_workshop(self.request.user, **self.service_kwargs())
        log(workshop, "wagtail.create", user=self.request.user, content_changed=True)
        return workshop


class WorkshopEditView(_ThroughServices, generic.EditView):
    def save_instance(self):
        stored = Workshop.objects.get(pk=self.object.pk)
        workshop = services.update_workshop(self.request.user, stored, **self.service_kwargs())
        log(workshop, "wagtail.edit", user=self.request.user, content_changed=True)
        return workshop


class WorkshopDeleteView(generic.DeleteView):
    def delete_action(self):
        """Cancel through the service, so those registered are told."""
        with transaction.atomic():
            log(self.object, "wagtail.delete", user=self.request.user)
            services.cancel_workshop(self.request.user, self.object)


class WorkshopViewSet(SafeExportModelViewSet):
    model = Workshop
    icon = "date"
    menu_label = _("Workshops")
    add_view_class = WorkshopCreateView
    edit_view_class = WorkshopEditView
    delete_view_class = WorkshopDeleteView
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
    export_headings = field_headings(
        Workshop,
        ["title_km", "title_en", "starts_at", "ends_at", "host", "audience", "status", "capacity"],
    )
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
    export_headings = field_headings(
        Attendance,
        [],
        workshop=_("Workshop"),
        user=_("Person"),
        first_joined_at=_("First joined"),
        last_left_at=_("Last left"),
        minutes=_("Minutes"),
        attended=_("Attended"),
    )
    export_filename = "workshop-attendance"
    ordering = ["-first_joined_at"]
    form_fields = ["attended"]
    add_to_admin_menu = False


class AttendancePolicy(ModelPermissionPolicy):
    """Attendance is recorded by the room: the admin may correct it, never add a row."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Attendance, AttendancePolicy(Attendance))


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


@hooks.register("lms_course_page_sections")
def course_workshops_section(request, page):
    """Upcoming workshops of the course (in any of its languages) that the visitor may see."""
    return Panel(
        template="workshops/components/course_workshops.html",
        context={
            "workshops": services.visible_upcoming_for(request.user, limit=5, course_page=page)
        },
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
