"""The notice centre: the list (read when opened), "mark all read", and preferences."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.forms import add_service_errors

from . import services
from .forms import PreferencesForm
from .rendering import _zone
from .rendering import render as render_notice


@login_required
def notice_list(request):
    notices = services.open_centre(request.user)
    zone = _zone()
    rendered = [render_notice(n) for n in notices]
    days = [
        (day, list(items))
        for day, items in groupby(
            rendered, key=lambda r: timezone.localtime(r.notice.created_at, timezone=zone).date()
        )
    ]
    return render(
        request,
        "notifications/notice_list.html",
        {"days": days, "today": timezone.localtime(timezone=zone).date()},
    )


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(request.user)
    if count:
        messages.success(request, _("All your notices are marked as read."))
    return redirect("notifications:list")


@login_required
def preferences(request):
    form = PreferencesForm(
        request.POST or None, initial_channels=services.preferences_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_preferences(request.user, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your choices are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
