"""State changes for people and organisations.

Each function checks who may act first, then writes. Views stay thin and
call these; other apps call them too (never the models directly).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import hooks
from lms.mail import send_templated_email
from lms.sealed import digests
from notifications.services import notify, per_language

from .models import FocusArea, Invitation, Membership, Organisation, User

# ---------------------------------------------------------------------------
# Access helpers: fetch a private object for a user, or 404.
# ---------------------------------------------------------------------------


def get_organisation_for_member(user: User, slug: str) -> Organisation:
    """The organisation if ``user`` belongs to it; 404 for everyone else."""
    if not user.is_authenticated:
        raise Http404
    try:
        return Organisation.objects.for_member(user).get(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404 from None


def get_membership(user: User, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def is_representative(user: User, organisation: Organisation) -> bool:
    membership = get_membership(user, organisation)
    return membership is not None and membership.is_representative


def get_organisation_for_representative(user: User, slug: str) -> Organisation:
    """The organisation if ``user`` represents it.

    Outsiders get 404 (the organisation may be private); members get 403.
    """
    organisation = get_organisation_for_member(user, slug)
    if not is_representative(user, organisation):
        raise PermissionDenied
    return organisation


# ---------------------------------------------------------------------------
# Profile
# ---------------------------------------------------------------------------


def update_profile(
    user: User, *, display_name: str, legal_name: str, preferred_language: str
) -> User:
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError({"display_name": _("Enter a display name.")})
    user.display_name = display_name
    user.legal_name = legal_name.strip()
    user.preferred_language = preferred_language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "legal_name", "preferred_language"])
    set_preferred_language(user, user.preferred_language)
    return user


def set_preferred_language(user: User, language: str, *, admin_too: bool = True) -> None:
    """Make ``language`` the person's language on the site and, unless the
    admin's own preference is what changed, in the admin as well
    (see ``accounts.admin_language``)."""
    from wagtail.users.models import UserProfile

    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    if admin_too:
        # A queryset update: the admin's save signal is for its own form.
        UserProfile.objects.filter(user=user).exclude(preferred_language=language).update(
            preferred_language=language
        )


# ---------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------

ORGANISATION_FIELDS = (
    "name_km",
    "name_en",
    "province",
    "kind",
    "year_founded",
    "staff_size",
    "working_languages",
    "description",
    "is_public",
)


def _check_names(data: dict) -> None:
    if not (data.get("name_km", "").strip() or data.get("name_en", "").strip()):
        raise ValidationError(_("Give the organisation's name in Khmer, in English or in both."))


@transaction.atomic
def create_organisation(user: User, *, focus_areas: list[str], **data) -> Organisation:
    """Create an organisation; its creator becomes its first representative."""
    if not user.is_authenticated:
        raise PermissionDenied
    _check_names(data)
    organisation = Organisation(**{k: data[k] for k in ORGANISATION_FIELDS if k in data})
    organisation.full_clean(exclude=["slug"])
    organisation.save()
    organisation.focus_areas.set(FocusArea.objects.filter(code__in=focus_areas))
    Membership.objects.create(
        user=user, organisation=organisation, role=Membership.Role.REPRESENTATIVE
    )
    return organisation


@transaction.atomic
def update_organisation(
    user: User, organisation: Organisation, *, focus_areas: list[str], **data
) -> Organisation:
    if not is_representative(user, organisation):
        raise PermissionDenied
    _check_names(data)
    for field in ORGANISATION_FIELDS:
        if field in data:
            setattr(organisation, field, data[field])
    organisation.full_clean(exclude=["slug"])
    organisation.save()
    organisation.focus_areas.set(FocusArea.objects.filter(code__in=focus_areas))
    return organisation


def invite_member(
    user: User, organisation: Organisation, *, email: str, role: str, request=None
) -> Invitation:
    """Invite someone by e-mail. They join when they accept, signed in with that address."""
    if not is_representative(user, organisation):
        raise PermissionDenied
    email = email.strip()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    open_invitations = Invitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at__isnull=True
    )
    with transaction.atomic():
        open_invitations.delete()
        invitation = Invitation.objects.create(
            organisation=organisation, email=email, role=role, invited_by=user
        )
    invited = User.objects.filter(email__iexact=email, is_active=True).first()
    send_templated_email(
        "accounts/email/invitation",
        to=[email],
        context={
            "invitation": invitation,
            "token": invitation.token,
            "organisation": organisation,
            "inviter": user,
        },
        request=request,
        language=invited.preferred_language if invited else None,
    )
    if invited is not None:
        params = {
            "inviter": user.display_name,
            "organisation": per_language(organisation.name_km, organisation.name_en),
        }
        invitation_id, invited_id = invitation.pk, invited.pk
        transaction.on_commit(
            lambda: notify(
                "organisation_invitation",
                [invited_id],
                event=f"invitation:{invitation_id}",
                about=f"accounts.invitation:{invitation_id}",
                params=params,
                url=reverse("accounts:organisation_list"),
            )
        )
    return invitation


def get_open_invitation(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash__in=digests(token))
        .first()
    )
    if invitation is None or not invitation.is_open:
        raise Http404
    return invitation


def get_invitation_for_user(user: User, pk: int) -> Invitation:
    """An open invitation to one of ``user``'s verified addresses, or 404."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(pk=pk, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if (
        invitation is None
        or not EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists()
    ):
        raise Http404
    return invitation


@transaction.atomic
def accept_invitation(user: User, invitation: Invitation) -> Membership:
    if not user.is_authenticated:
        raise PermissionDenied
    if not invitation.is_open:
        raise ValidationError(_("This invitation has expired or was already used."))
    if not EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists():
        # The address must be the person's own: verified, not just typed in.
        raise ValidationError(
            _("This invitation was sent to another e-mail address. Sign in with that address.")
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def representative_ids(organisation_id: int) -> list[int]:
    """The ids of the active representatives of an organisation, in one query."""
    return list(
        Membership.objects.filter(
            organisation_id=organisation_id,
            role=Membership.Role.REPRESENTATIVE,
            user__is_active=True,
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def _representative_count(organisation: Organisation) -> int:
    return organisation.memberships.filter(role=Membership.Role.REPRESENTATIVE).count()


@transaction.atomic
def change_role(user: User, membership: Membership, role: str) -> Membership:
    organisation = membership.organisation
    if not is_representative(user, organisation):
        raise PermissionDenied
    if role not in Membership.Role.values:
        raise ValidationError(_("Choose a valid role."))
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if (
        membership.is_representative
        and role != Membership.Role.REPRESENTATIVE
        and _representative_count(organisation) == 1
    ):
        raise ValidationError(_("An organisation needs at least one representative."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(user: User, membership: Membership) -> None:
    """A representative removes a member, or a member leaves."""
    organisation = membership.organisation
    if membership.user_id != user.pk and not is_representative(user, organisation):
        raise PermissionDenied
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if membership.is_representative and _representative_count(organisation) == 1:
        raise ValidationError(
            _("The last representative cannot leave. Make someone else a representative first.")
        )
    membership.delete()


def get_membership_for_representative(user: User, organisation: Organisation, pk: int):
    if not is_representative(user, organisation):
        raise PermissionDenied
    try:
        return Membership.objects.select_related("user", "organisation").get(
            pk=pk, organisation=organisation
        )
    except Membership.DoesNotExist:
        raise Http404 from None


def get_own_membership(user: User, organisation: Organisation) -> Membership:
    membership = get_membership(user, organisation)
    if membership is None:
        raise Http404
    return membership


# ---------------------------------------------------------------------------
# Personal data: export and deletion
# ---------------------------------------------------------------------------


def export_user_data(user: User) -> dict:
    """Everything the platform holds about ``user``, as JSON-ready data.

    Each app adds its part through the ``lms_personal_data`` hook.
    """
    data = {
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "legal_name": user.legal_name,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in user.emailaddress_set.all()
        ],
        "memberships": [
            {
                "organisation": m.organisation.display_name,
                "role": m.role,
                "since": m.created_at.isoformat(),
            }
            for m in user.memberships.select_related("organisation")
        ],
    }
    data.update(hooks.personal_data(user))
    return data


@transaction.atomic
def delete_account(user: User) -> None:
    """Delete the account and what belongs only to it.

    An organisation whose only representative is ``user`` would be left
    without anyone to manage it, so deletion is refused until another
    representative is named.
    """
    for membership in user.memberships.select_related("organisation"):
        if membership.is_representative and _representative_count(membership.organisation) == 1:
            if membership.organisation.memberships.count() > 1:
                raise ValidationError(
                    _(
                        "You are the only representative of %(organisation)s. "
                        "Make another member a representative first."
                    )
                    % {"organisation": membership.organisation.display_name}
                )
            membership.organisation.delete()
    hooks.before_account_deletion(user)
    user.delete()


def open_invitations_for(user: User):
    """Open invitations to ``user``'s verified addresses (the ones they may accept)."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return (
        Invitation.objects.annotate(email_lower=Lower("email"))
        .filter(
            email_lower__in=[email.lower() for email in verified],
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("organisation")
    )
