"""The learner's pages: my certificates, name confirmation, download, share."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import NameConfirmationForm
from .models import Certificate
from .qr import qr_svg
from .services import access, issuing, links, pdfs


@login_required
def certificate_list(request):
    certificates = list(access.certificates_for(request.user))
    preparing = any(
        c.is_valid and c.render_state == Certificate.RenderState.PENDING for c in certificates
    )
    return render(
        request,
        "certificates/certificate_list.html",
        {
            "certificates": certificates,
            "awaiting_name": any(
                c.status == Certificate.Status.AWAITING_NAME and c.recipient_id == request.user.pk
                for c in certificates
            ),
            "preparing": preparing,
        },
    )


@login_required
def certificate_detail(request, pk):
    certificate = access.get_certificate_for_user(request.user, pk)
    context = {"certificate": certificate}
    if certificate.is_valid:
        share_url = links.verify_url(certificate)
        context.update(share_url=share_url, share_qr=qr_svg(share_url))
    context["preparing"] = (
        certificate.is_valid and certificate.render_state == Certificate.RenderState.PENDING
    )
    return render(request, "certificates/certificate_detail.html", context)


@login_required
def certificate_download(request, pk):
    certificate = access.get_certificate_for_user(request.user, pk)
    response = FileResponse(
        pdfs.open_pdf(certificate),
        as_attachment=True,
        filename=certificate.download_filename,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def confirm_name(request):
    user = request.user
    waiting = list(issuing.pending_confirmations(user))
    form = NameConfirmationForm(
        request.POST or None, initial={"legal_name": user.legal_name or user.display_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            released = issuing.confirm_name(user, legal_name=form.cleaned_data["legal_name"])
        except ValidationError as error:
            if hasattr(error, "error_dict") and "legal_name" in error.error_dict:
                form.add_error("legal_name", error.error_dict["legal_name"])
            else:
                form.add_error(None, error)
        else:
            if released:
                messages.success(
                    request, _("Thank you. Your certificate is being prepared; it takes a moment.")
                )
            else:
                messages.success(request, _("Your name for certificates is saved."))
            return redirect("certificates:list")
    return render(
        request,
        "certificates/confirm_name.html",
        {"form": form, "waiting": waiting, "current_name": user.certificate_name},
    )
