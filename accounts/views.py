import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.forms import add_service_errors

from . import services
from .forms import DeleteAccountForm, InviteForm, OrganisationForm, ProfileForm, RoleForm
from .models import Organisation


def _confirm_identity(request) -> None:
    """Unless the person re-authenticated in the last few minutes, ask again.

    Raises allauth's ``ReauthenticationRequired``: its middleware keeps the
    request, asks for the password (or a code, or the authenticator app when
    MFA is on) and then replays it. Called after the access checks, so that
    outsiders still get their 403 or 404 without being asked anything.
    """
    reauthentication_required(lambda request: None)(request)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def organisation_list(request):
    memberships = request.user.memberships.select_related("organisation").order_by(
        "organisation__name_en"
    )
    invitations = services.open_invitations_for(request.user)
    return render(
        request,
        "accounts/organisation_list.html",
        {"memberships": memberships, "invitations": invitations},
    )


@login_required
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your organisation was created."))
            return redirect("accounts:organisation_detail", slug=organisation.slug)
    return render(request, "accounts/organisation_form.html", {"form": form, "creating": True})


@login_required
def organisation_detail(request, slug):
    organisation = services.get_organisation_for_member(request.user, slug)
    membership = services.get_own_membership(request.user, organisation)
    members = organisation.memberships.select_related("user").order_by(
        "-role", "user__display_name"
    )
    invitations = []
    if membership.is_representative:
        invitations = organisation.invitations.filter(
            accepted_at__isnull=True, expires_at__gt=timezone.now()
        ).order_by("-created_at")
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "membership": membership,
            "members": members,
            "invitations": invitations,
            "invite_form": InviteForm(),
            "focus_areas": organisation.focus_areas.all(),
        },
    )


@login_required
def organisation_edit(request, slug):
    organisation = services.get_organisation_for_representative(request.user, slug)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        _confirm_identity(request)
        try:
            services.update_organisation(request.user, organisation, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation's profile was saved."))
            return redirect("accounts:organisation_detail", slug=organisation.slug)
    return render(
        request,
        "accounts/organisation_form.html",
        {"form": form, "organisation": organisation, "creating": False},
    )


@login_required
def organisation_invite(request, slug):
    organisation = services.get_organisation_for_representative(request.user, slug)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _confirm_identity(request)
        try:
            services.invite_member(request.user, organisation, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:organisation_detail", slug=organisation.slug)
    return render(
        request, "accounts/organisation_invite.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_POST
def membership_role(request, slug, pk):
    organisation = services.get_organisation_for_representative(request.user, slug)
    membership = services.get_membership_for_representative(request.user, organisation, pk)
    _confirm_identity(request)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_role(request.user, membership, form.cleaned_data["role"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The role was changed."))
    else:
        messages.error(request, _("Choose a valid role."))
    return redirect("accounts:organisation_detail", slug=organisation.slug)


@login_required
@require_POST
def membership_remove(request, slug, pk):
    organisation = services.get_organisation_for_member(request.user, slug)
    own = services.get_own_membership(request.user, organisation)
    if own.pk == pk:
        membership = own
    else:
        membership = services.get_membership_for_representative(request.user, organisation, pk)
    _confirm_identity(request)
    try:
        services.remove_member(request.user, membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:organisation_detail", slug=organisation.slug)
    if membership.pk == own.pk:
        messages.success(request, _("You left the organisation."))
        return redirect("accounts:organisation_list")
    messages.success(request, _("The member was removed."))
    return redirect("accounts:organisation_detail", slug=organisation.slug)


@login_required
def invitation_accept(request, token):
    """The link in the invitation e-mail: the secret in it finds the invitation."""
    return _invitation_page(request, services.get_open_invitation(token))


@login_required
def invitation_open(request, pk):
    """The same, from the invitee's own pages (the site no longer knows the link)."""
    return _invitation_page(request, services.get_invitation_for_user(request.user, pk))


def _invitation_page(request, invitation):
    if request.method == "POST":
        try:
            services.accept_invitation(request.user, invitation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("You joined %(organisation)s.")
                % {"organisation": invitation.organisation.display_name},
            )
            return redirect("accounts:organisation_detail", slug=invitation.organisation.slug)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


def organisation_public(request, slug):
    """The public profile, for organisations that chose to be listed."""
    organisation = get_object_or_404(Organisation.objects.public(), slug=slug)
    return render(
        request,
        "accounts/organisation_public.html",
        {"organisation": organisation, "focus_areas": organisation.focus_areas.all()},
    )


def organisation_directory(request):
    organisations = Organisation.objects.public().prefetch_related("focus_areas")
    return render(request, "accounts/organisation_directory.html", {"organisations": organisations})


@login_required
@reauthentication_required
def data_export(request):
    """Everything held about the person, as JSON; asks for the password (or a code) first."""
    data = services.export_user_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="cso-academy-my-data-{stamp}.json"'
    return response


@login_required
@reauthentication_required
def account_delete(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_account(request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account and your data were deleted."))
            return redirect("/")
    return render(request, "accounts/account_delete.html", {"form": form})
