"""Who may see and administer certificates, and fetching one for a person (or 404)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import Http404

from ..models import Certificate

if TYPE_CHECKING:
    from accounts.models import User


def can_administer(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("certificates.view_certificate"))


def can_revoke(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("certificates.revoke_certificate"))


def get_certificate_for_user(user: User, certificate_id) -> Certificate:
    """The certificate if ``user`` holds it (or is in its organisation, or an admin); else 404."""
    if not user.is_authenticated:
        raise Http404
    queryset = Certificate.objects.select_related("replaced_by", "organisation")
    if not can_administer(user):
        queryset = queryset.visible_to(user)
    try:
        return queryset.get(pk=certificate_id)
    except (Certificate.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def certificates_for(user: User):
    """The certificates listed on a person's own pages, newest first."""
    return (
        Certificate.objects.visible_to(user)
        .select_related("replaced_by", "organisation")
        .order_by("-issued_at")
    )
