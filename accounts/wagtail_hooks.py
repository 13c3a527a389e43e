from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.account import NameEmailSettingsPanel

from lms.exports import SafeExportModelViewSet, field_headings
from lms.hooks import NavItem, Panel

from . import services
from .models import Organisation

# The admin's account page would ask for a first and a last name, which this
# user model does not have (Wagtail requires them, then saves them nowhere, so
# no other setting on the page could be saved), and would change the e-mail
# address without allauth's verification. People edit their display name and
# e-mail address on the site; the admin's account page keeps the rest
# (language, time zone, theme, notifications).
NameEmailSettingsPanel.is_active = lambda panel: False


class OrganisationViewSet(SafeExportModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["display_name", "province_name", "kind", "year_founded", "staff_size"]
    list_filter = ["province", "kind", "is_public"]
    list_export = [
        "name_km",
        "name_en",
        "province",
        "kind",
        "year_founded",
        "staff_size",
        "is_public",
        "created_at",
    ]
    export_headings = field_headings(
        Organisation,
        ["name_km", "name_en", "province", "kind", "year_founded", "staff_size", "is_public"],
        created_at=_("Created"),
    )
    export_filename = "organisations"
    search_fields = ["name_km", "name_en", "description"]
    search_backend_name = None
    form_fields = [
        "name_km",
        "name_en",
        "slug",
        "province",
        "kind",
        "year_founded",
        "staff_size",
        "focus_areas",
        "working_languages",
        "description",
        "is_public",
    ]


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet("organisations")


@hooks.register("lms_dashboard_panels")
def organisations_panel(request):
    return Panel(
        template="accounts/panels/organisations.html",
        context={
            "memberships": list(
                request.user.memberships.select_related("organisation").order_by(
                    "organisation__name_en"
                )
            ),
            "invitations": list(services.open_invitations_for(request.user)),
        },
        order=900,
    )


@hooks.register("lms_nav_items")
def organisations_nav(request):
    if not request.user.is_authenticated:
        return None
    return NavItem(
        label=_("My organisations"),
        url=reverse("accounts:organisation_list"),
        order=800,
        active_prefix=reverse("accounts:organisation_list"),
    )
