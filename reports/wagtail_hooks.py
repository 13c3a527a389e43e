"""How the reports plug into the Wagtail admin: URLs, the Reports menu, the home panel."""

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from . import services, urls, views


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return services.may_view_reports(request.user)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("reports/platform/", include((urls, "reports"), namespace="reports"))]


def _menu_item(slug, label, icon, order):
    return ReportMenuItem(
        label, reverse(f"reports:{slug}"), name=f"report-{slug}", icon_name=icon, order=order
    )


@hooks.register("register_reports_menu_item")
def learning_menu_item():
    return _menu_item("learning", _("Learning"), "doc-full", 100)


@hooks.register("register_reports_menu_item")
def reach_menu_item():
    return _menu_item("reach", _("Reach"), "site", 110)


@hooks.register("register_reports_menu_item")
def workshops_menu_item():
    return _menu_item("workshops", _("Workshops"), "date", 120)


@hooks.register("register_reports_menu_item")
def mentoring_menu_item():
    return _menu_item("mentoring", _("Mentoring"), "group", 130)


@hooks.register("register_reports_menu_item")
def donor_menu_item():
    return _menu_item("donor", _("Donor reports"), "doc-full-inverse", 140)


class PlatformPanel(Component):
    """This month against last month, each figure linking to its report."""

    name = "platform_figures"
    order = 50

    def render_html(self, parent_context=None):
        request = parent_context["request"]
        if not services.may_view_reports(request.user):
            return ""
        return views.home_panel(request)


@hooks.register("construct_homepage_panels")
def add_platform_panel(request, panels):
    panels.append(PlatformPanel())


@hooks.register("register_permissions")
def report_permissions():
    return Permission.objects.filter(content_type__app_label="reports", codename="view_reports")
