"""Certificates in the admin and in the site shell (dashboard, navigation,
personal data, account deletion)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from lms.hooks import NavItem, Panel
from lms.permissions import ReadOnlyPolicy

from .admin_views import (
    CertificateEventViewSet,
    CertificateViewSet,
    action_urlpatterns,
)
from .models import Certificate, CertificateEvent
from .services import access, issuing, personal_data

register_permission_policy(Certificate, ReadOnlyPolicy(Certificate))
register_permission_policy(CertificateEvent, ReadOnlyPolicy(CertificateEvent))


@hooks.register("register_admin_viewset")
def register_certificate_viewsets():
    return [
        CertificateViewSet("wagtailcertificates", url_prefix="certificates"),
        CertificateEventViewSet("wagtailcertificate_events", url_prefix="certificate-events"),
    ]


@hooks.register("register_admin_urls")
def register_certificate_action_urls():
    return [
        path(
            "certificates-actions/",
            include((action_urlpatterns(), "certificates_admin"), namespace="certificates_admin"),
        )
    ]


@hooks.register("lms_dashboard_panels")
def certificates_panel(request):
    if not request.user.is_authenticated:
        return None
    certificates = list(access.certificates_for(request.user)[:5])
    return Panel(
        template="certificates/panels/dashboard.html",
        context={
            "certificates": certificates,
            "awaiting_name": issuing.pending_confirmations(request.user).exists(),
        },
        order=300,
    )


@hooks.register("lms_nav_items")
def certificates_nav(request):
    if not request.user.is_authenticated:
        return None
    url = reverse("certificates:list")
    return NavItem(label=_("Certificates"), url=url, order=400, active_prefix=url)


@hooks.register("lms_personal_data")
def certificates_personal_data(user):
    return ("certificates", personal_data.personal_data(user))


@hooks.register("lms_account_deletion")
def certificates_account_deletion(user):
    personal_data.erase_for_deleted_account(user)
