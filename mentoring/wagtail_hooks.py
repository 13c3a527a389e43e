"""Mentoring in the admin (matching rounds and read-only listings) and in the site shell."""

from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.exports import SafeExportModelViewSet, field_headings
from lms.hooks import NavItem, Panel
from lms.permissions import ReadOnlyPolicy

from . import admin_views, services
from .explain import slot_label
from .models import (
    MentoringExclusion,
    MentoringOffer,
    MentoringPair,
    MentoringRequest,
    PairWorkshop,
)


class MentoringAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return services.is_mentoring_admin(request.user)


class MatchingRoundViewSet(ViewSet):
    """Custom views: a matching round is reviewed as a whole, not edited as a form."""

    name = admin_views.URL_NAMESPACE
    url_prefix = "mentoring/rounds"
    icon = "group"
    menu_label = _("Matching rounds")
    menu_item_class = MentoringAdminMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.RoundIndexView.as_view(), name="index"),
            path("new/", admin_views.RoundCreateView.as_view(), name="add"),
            path("<int:pk>/", admin_views.RoundDetailView.as_view(), name="detail"),
            path("<int:pk>/run/", admin_views.RoundRunView.as_view(), name="run"),
            path("<int:pk>/edit/", admin_views.RoundEditView.as_view(), name="edit"),
            path("<int:pk>/approve/", admin_views.RoundApproveView.as_view(), name="approve"),
            path("<int:pk>/cancel/", admin_views.RoundCancelView.as_view(), name="cancel"),
            path("<int:pk>/swap/", admin_views.ProposalSwapView.as_view(), name="swap"),
            path("<int:pk>/export.csv", admin_views.RoundExportView.as_view(), name="export"),
            path(
                "<int:pk>/proposals/<int:proposal_pk>/lock/",
                admin_views.ProposalLockView.as_view(),
                name="lock",
            ),
            path(
                "<int:pk>/proposals/<int:proposal_pk>/remove/",
                admin_views.ProposalRemoveView.as_view(),
                name="remove",
            ),
        ]


class ExclusionPolicy(ModelPermissionPolicy):
    """Admins may also add or remove these directly: a conflict of interest, or the link
    from a pair to a workshop scheduled in the admin."""

    def user_has_permission(self, user, action):
        return action in {"view", "add", "delete"} and services.is_mentoring_admin(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


for model in (MentoringRequest, MentoringOffer, MentoringPair):
    register_permission_policy(model, ReadOnlyPolicy(model, may_view=services.is_mentoring_admin))
register_permission_policy(MentoringExclusion, ExclusionPolicy(MentoringExclusion))
register_permission_policy(PairWorkshop, ExclusionPolicy(PairWorkshop))


class VocabularyInspectView(InspectView):
    """Focus areas, languages and time slots by their names, not their codes."""

    def get_needs_display_value(self):
        return ", ".join(f"{area} ({priority})" for area, priority in self.object.need_items)

    def get_focus_areas_display_value(self):
        return ", ".join(self.object.focus_area_labels)

    def get_working_languages_display_value(self):
        return ", ".join(self.object.working_language_labels)

    def get_availability_display_value(self):
        return ", ".join(slot_label(slot) for slot in self.object.availability)


def is_open_column(model):
    return BooleanColumn(
        "is_open", label=capfirst(model._meta.get_field("is_open").verbose_name), sort_key="is_open"
    )


class PairViewSet(SafeExportModelViewSet):
    # Never editable here (see ReadOnlyPolicy); Wagtail still wants a form definition.
    form_fields = []
    model = MentoringPair
    icon = "link"
    menu_label = _("Pairs")
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["__str__", "status", "score_display", "round", "created_at"]
    list_filter = ["status", "round"]
    list_export = [
        "mentee",
        "mentor",
        "status",
        "score",
        "round",
        "created_at",
        "activated_at",
        "completed_at",
        "ended_at",
    ]
    export_headings = field_headings(
        MentoringPair,
        ["mentee", "mentor", "status", "score", "round"],
        created_at=_("Created"),
        activated_at=_("Activated"),
        completed_at=_("Completed"),
        ended_at=_("Ended early"),
    )
    export_filename = "mentoring-pairs"
    search_fields = ["mentee__name_en", "mentee__name_km", "mentor__name_en", "mentor__name_km"]
    search_backend_name = None
    inspect_view_fields = [
        "mentee",
        "mentor",
        "status",
        "score",
        "round",
        "created_at",
        "activated_at",
        "completed_at",
        "declined_at",
        "decline_reason",
        "ended_at",
        "end_reason",
    ]


class RequestViewSet(SafeExportModelViewSet):
    # Never editable here (see ReadOnlyPolicy); Wagtail still wants a form definition.
    form_fields = []
    model = MentoringRequest
    icon = "help"
    menu_label = _("Requests")
    inspect_view_enabled = True
    inspect_view_class = VocabularyInspectView
    copy_view_enabled = False
    list_display = ["organisation", "mode", is_open_column(MentoringRequest), "created_at"]
    list_filter = ["is_open", "mode"]
    list_export = ["organisation", "needs", "goals", "working_languages", "mode", "is_open"]
    export_headings = field_headings(
        MentoringRequest, ["organisation", "needs", "goals", "working_languages", "mode", "is_open"]
    )
    export_filename = "mentoring-requests"
    search_fields = ["organisation__name_en", "organisation__name_km", "goals"]
    search_backend_name = None
    inspect_view_fields = [
        "organisation",
        "needs",
        "goals",
        "working_languages",
        "mode",
        "availability",
        "is_open",
        "created_at",
    ]


class OfferViewSet(SafeExportModelViewSet):
    # Never editable here (see ReadOnlyPolicy); Wagtail still wants a form definition.
    form_fields = []
    model = MentoringOffer
    icon = "success"
    menu_label = _("Offers")
    inspect_view_enabled = True
    inspect_view_class = VocabularyInspectView
    copy_view_enabled = False
    list_display = [
        "organisation",
        "capacity",
        "mode",
        is_open_column(MentoringOffer),
        "created_at",
    ]
    list_filter = ["is_open", "mode"]
    list_export = [
        "organisation",
        "focus_areas",
        "capacity",
        "working_languages",
        "mode",
        "is_open",
    ]
    export_headings = field_headings(
        MentoringOffer,
        ["organisation", "focus_areas", "capacity", "working_languages", "mode", "is_open"],
    )
    export_filename = "mentoring-offers"
    search_fields = ["organisation__name_en", "organisation__name_km", "description"]
    search_backend_name = None
    inspect_view_fields = [
        "organisation",
        "focus_areas",
        "capacity",
        "description",
        "working_languages",
        "mode",
        "availability",
        "is_open",
        "created_at",
    ]


class ExclusionViewSet(SafeExportModelViewSet):
    model = MentoringExclusion
    icon = "cross"
    menu_label = _("Exclusions")
    copy_view_enabled = False
    list_display = ["organisation", "other_organisation", "kind", "created_at"]
    list_filter = ["kind"]
    form_fields = ["organisation", "other_organisation", "kind", "reason"]
    search_fields = ["organisation__name_en", "other_organisation__name_en"]
    search_backend_name = None


class PairWorkshopViewSet(SafeExportModelViewSet):
    """Private workshops of pairs. Mentors schedule them from the pair's page; an admin
    who scheduled one in the workshops admin (audience: a mentoring pair) links it here."""

    model = PairWorkshop
    icon = "date"
    menu_label = _("Pair workshops")
    copy_view_enabled = False
    list_display = ["pair", "workshop", "created_at"]
    form_fields = ["pair", "workshop"]
    ordering = ["-created_at"]


class MentoringViewSetGroup(ViewSetGroup):
    menu_label = _("Mentoring")
    menu_icon = "group"
    menu_order = 400
    items = (
        MatchingRoundViewSet,
        PairViewSet,
        RequestViewSet,
        OfferViewSet,
        ExclusionViewSet,
        PairWorkshopViewSet,
    )


@hooks.register("register_admin_viewset")
def register_mentoring_viewsets():
    return MentoringViewSetGroup()


# ---------------------------------------------------------------------------
# The site shell
# ---------------------------------------------------------------------------


@hooks.register("lms_nav_items")
def mentoring_nav(request):
    if not request.user.is_authenticated:
        return None
    return NavItem(
        label=_("Mentoring"),
        url=reverse("mentoring:overview"),
        order=500,
        active_prefix=reverse("mentoring:overview"),
    )


@hooks.register("lms_dashboard_panels")
def mentoring_panel(request):
    """Matches waiting for the visitor's answer, and their pairs under way."""
    if not request.user.is_authenticated:
        return None
    waiting = services.waiting_for_answer(request.user)
    active = list(
        services.pairs_for_user(request.user).filter(status=MentoringPair.Status.ACTIVE)[:5]
    )
    represents = request.user.memberships.filter(role="representative").exists()
    if not (waiting or active or represents):
        return None
    return Panel(
        template="mentoring/panels/dashboard.html",
        context={"waiting": waiting, "active": active, "represents": represents},
        order=300,
    )


@hooks.register("lms_personal_data")
def mentoring_personal_data(user):
    return "mentoring", services.export_personal_data(user)


@hooks.register("lms_account_deletion")
def mentoring_account_deletion(user):
    services.before_account_deletion(user)


@hooks.register("lms_workshop_audiences")
def pair_workshop_audience():
    return services.pair_workshop_audience()
