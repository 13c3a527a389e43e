"""Wagtail admin for certificates: list, search, filter, inspect with the audit
trail, revoke, reissue after a name correction, and re-render as tasks.

Certificates are only ever created by the issuance service, so the viewset
has no add, edit or delete views; every action goes through ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button as ListButton
from wagtail.admin.widgets.button import HeaderButton

from lms.exports import SafeExportIndexView, SafeExportModelViewSet, field_headings

from .forms import ReissueForm, RevokeForm
from .models import Certificate, CertificateEvent
from .services import links, pdfs, revocation

STATUS_COLOURS = {"valid": "success", "revoked": "critical", "awaiting_name": "warning"}


class CertificateIndexView(SafeExportIndexView):
    def get_header_buttons(self):
        buttons = super().get_header_buttons()
        if self.request.user.has_perm("certificates.rerender_certificate"):
            buttons.append(
                HeaderButton(
                    _("Re-render all PDFs"),
                    url=reverse("certificates_admin:rerender_all"),
                    icon_name="resubmit",
                )
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        user = self.request.user
        if user.has_perm("certificates.revoke_certificate") and instance.is_current:
            if instance.is_valid:
                buttons.append(
                    ListButton(
                        _("Revoke"),
                        url=reverse("certificates_admin:revoke", args=[instance.pk]),
                        icon_name="cross",
                        priority=40,
                    )
                )
            if instance.status != Certificate.Status.AWAITING_NAME:
                buttons.append(
                    ListButton(
                        _("Reissue with a corrected name"),
                        url=reverse("certificates_admin:reissue", args=[instance.pk]),
                        icon_name="edit",
                        priority=41,
                    )
                )
        return buttons


class CertificateInspectView(InspectView):
    template_name = "certificates/admin/inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Certificate.objects.select_related("recipient", "organisation", "replaced_by"),
            pk=self.pk,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificate = self.object
        user = self.request.user
        context.update(
            events=certificate.events.select_related("actor")[:200],
            verify_url=links.verify_url(certificate),
            can_revoke=user.has_perm("certificates.revoke_certificate"),
            can_rerender=user.has_perm("certificates.rerender_certificate"),
            download_url=(
                reverse("certificates:download", args=[certificate.pk])
                if certificate.is_ready
                else ""
            ),
        )
        return context


class CertificateViewSet(SafeExportModelViewSet):
    model = Certificate
    icon = "doc-full"
    menu_label = gettext_lazy("Certificates")
    menu_order = 500
    add_to_admin_menu = True
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "code",  # a string, so Wagtail links it to the inspect view
        Column("recipient_name", label=gettext_lazy("Name"), sort_key="recipient_name"),
        Column("display_title", label=gettext_lazy("Course or partner")),
        Column("get_kind_display", label=gettext_lazy("Kind")),
        StatusTagColumn(
            "get_status_display",
            label=gettext_lazy("Status"),
            primary=lambda c: c.status == "valid",
        ),
        Column("get_render_state_display", label=gettext_lazy("PDF")),
        DateColumn("issued_at", label=gettext_lazy("Issued"), sort_key="issued_at"),
    ]
    list_filter = ["status", "kind", "render_state", "issued_at"]
    list_export = [
        "code",
        "recipient_name",
        "title_km",
        "title_en",
        "kind",
        "status",
        "issued_at",
        "revoked_at",
        "revoked_reason",
        "render_state",
        "pdf_sha256",
    ]
    export_headings = field_headings(
        Certificate,
        [
            "code",
            "recipient_name",
            "title_km",
            "title_en",
            "kind",
            "status",
            "issued_at",
            "revoked_at",
            "revoked_reason",
            "render_state",
            "pdf_sha256",
        ],
    )
    export_filename = "certificates"
    search_fields = [
        "code",
        "token",
        "recipient_name",
        "title_km",
        "title_en",
        "recipient__email",
        "organisation__name_en",
        "organisation__name_km",
    ]
    search_backend_name = None
    inspect_view_fields = [
        "code",
        "kind",
        "status",
        "recipient_name",
        "recipient_name_alt",
        "recipient",
        "organisation",
        "title_km",
        "title_en",
        "hours",
        "issued_at",
        "issuer_name_km",
        "issuer_name_en",
        "signatory_name",
        "revoked_at",
        "revoked_reason",
        "revoked_by",
        "replaced_by",
        "render_state",
        "render_attempts",
        "render_error",
        "rendered_at",
        "pdf_sha256",
        "key_id",
    ]

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("add_url_name", "edit_url_name", "delete_url_name", "usage_url_name"):
            view_kwargs[name] = None
        return view_kwargs

    def get_queryset(self, request):
        return Certificate.objects.select_related("recipient", "organisation")

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<str:pk>/", self.inspect_view, name="inspect"),
            path("history/<str:pk>/", self.history_view, name="history"),
            path("history-results/<str:pk>/", self.history_results_view, name="history_results"),
        ]


class CertificateEventViewSet(SafeExportModelViewSet):
    """The audit trail across all certificates, newest first."""

    model = CertificateEvent
    icon = "history"
    menu_label = gettext_lazy("Certificate audit trail")
    menu_order = 501
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = [
        DateColumn("created_at", label=gettext_lazy("At"), sort_key="created_at"),
        Column("get_action_display", label=gettext_lazy("Action")),
        Column("certificate", label=gettext_lazy("Certificate")),
        Column("actor", label=gettext_lazy("By")),
        Column("note", label=gettext_lazy("Note")),
    ]
    list_filter = ["action", "created_at"]
    list_export = ["created_at", "action", "certificate", "actor", "note"]
    export_headings = field_headings(
        CertificateEvent,
        ["created_at", "action", "actor", "note"],
        certificate=gettext_lazy("Certificate"),
    )
    export_filename = "certificate-audit-trail"
    search_fields = ["certificate__code", "note", "actor__email"]
    search_backend_name = None

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("add_url_name", "edit_url_name", "delete_url_name", "usage_url_name"):
            view_kwargs[name] = None
        return view_kwargs

    def get_queryset(self, request):
        return CertificateEvent.objects.select_related("certificate", "actor")

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]


# ---------------------------------------------------------------------------
# Action views (mounted under /admin/certificates-actions/)
# ---------------------------------------------------------------------------


class _ActionMixin(WagtailAdminTemplateMixin):
    permission = "certificates.revoke_certificate"
    header_icon = "doc-full"
    template_name = "certificates/admin/action_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailcertificates:index"), "label": _("Certificates")},
            {"url": "", "label": self.get_page_title()},
        ]


class _CertificateActionView(_ActionMixin, FormView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.certificate = get_object_or_404(Certificate, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return f"{self.certificate.code} · {self.certificate.recipient_name}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.certificate, **kwargs)

    def inspect_url(self, certificate=None):
        return reverse("wagtailcertificates:inspect", args=[(certificate or self.certificate).pk])

    def form_valid(self, form):
        try:
            result = self.act(form.cleaned_data)
        except ValidationError as error:
            for field, errors in getattr(error, "error_dict", {None: error.error_list}).items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        return redirect(self.inspect_url(result))


class RevokeView(_CertificateActionView):
    form_class = RevokeForm
    page_title = gettext_lazy("Revoke certificate")
    submit_label = gettext_lazy("Revoke")
    intro = gettext_lazy(
        "The verification page will say the certificate is revoked, with the date and "
        "this reason. The learner keeps their PDF but it no longer verifies as valid."
    )

    def act(self, data):
        certificate = revocation.revoke(self.request.user, self.certificate, reason=data["reason"])
        messages.success(
            self.request, _("Certificate %(code)s revoked.") % {"code": certificate.code}
        )
        return certificate


class ReissueView(_CertificateActionView):
    form_class = ReissueForm
    page_title = gettext_lazy("Reissue certificate")
    submit_label = gettext_lazy("Revoke and reissue")
    intro = gettext_lazy(
        "The old certificate is revoked and points to the new one. The new certificate has "
        "a new code and link, the corrected name, and everything else unchanged."
    )

    def get_initial(self):
        return {"name": self.certificate.recipient_name}

    def act(self, data):
        new = revocation.reissue(
            self.request.user, self.certificate, name=data["name"], reason=data["reason"]
        )
        messages.success(
            self.request,
            _("Reissued as %(code)s; its PDF is being prepared.") % {"code": new.code},
        )
        return new


class RerenderView(_ActionMixin, TemplateView):
    """POST only: re-render one certificate's PDF."""

    permission = "certificates.rerender_certificate"
    http_method_names = ["post"]

    def post(self, request, pk):
        certificate = get_object_or_404(Certificate, pk=pk)
        pdfs.request_rerender(request.user, certificate)
        messages.success(request, _("The PDF is being rendered again."))
        return redirect(reverse("wagtailcertificates:inspect", args=[certificate.pk]))


class RerenderAllView(_ActionMixin, TemplateView):
    permission = "certificates.rerender_certificate"
    template_name = "certificates/admin/rerender_all.html"
    page_title = gettext_lazy("Re-render all PDFs")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            count=Certificate.objects.filter(status=Certificate.Status.VALID).count(),
            template_version=pdfs.template_version(),
            outdated=Certificate.objects.filter(status=Certificate.Status.VALID)
            .exclude(template_version=pdfs.template_version())
            .count(),
            **kwargs,
        )

    def post(self, request):
        count = pdfs.request_rerender_all(request.user)
        messages.success(
            request, _("%(count)s PDFs are queued to be rendered again.") % {"count": count}
        )
        return redirect("wagtailcertificates:index")


def action_urlpatterns():
    return [
        path("<uuid:pk>/revoke/", RevokeView.as_view(), name="revoke"),
        path("<uuid:pk>/reissue/", ReissueView.as_view(), name="reissue"),
        path("<uuid:pk>/rerender/", RerenderView.as_view(), name="rerender"),
        path("rerender-all/", RerenderAllView.as_view(), name="rerender_all"),
    ]
