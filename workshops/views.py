"""Workshop pages: listing, the room page (which works without JavaScript),
registration, calendars and the host's downloads. Thin: services do the work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lms.exports import csv_response

from . import ics, services
from .forms import RoomPostForm, WorkshopForm
from .models import Workshop


@login_required
def workshop_list(request):
    hosted = list(
        Workshop.objects.hosted_by(request.user)
        .exclude(status=Workshop.Status.ENDED)
        .with_registration_count()
        .order_by("starts_at")
    )
    past = list(
        Workshop.objects.filter(participants__user=request.user).past().select_related("host")[:20]
    )
    return render(
        request,
        "pages/workshop_list.html",
        {
            "upcoming": services.visible_upcoming_for(request.user),
            "hosted": hosted,
            "past": past,
            "can_schedule": services.can_schedule(request.user),
        },
    )


def _room_strings() -> dict:
    """The client's words, in the page's language."""
    return {
        "connecting": _("Connecting…"),
        "reconnecting": _("Reconnecting… what you write is kept and sent when you are back."),
        "offline": _("You are offline. What you write is kept and sent when you are back."),
        "connected": _("Connected"),
        "paused": _(
            "Live updates are paused. What you send is still saved; what others say "
            "appears when live updates are back."
        ),
        "refused": _("You cannot join this room."),
        "removed": _("A host has removed you from this workshop."),
        "ended": _("This workshop has ended."),
        "pending": _("waiting to send"),
        "send": _("Send"),
        "raise_hand": _("Raise hand"),
        "lower_hand": _("Lower hand"),
        "upvote": _("Upvote"),
        "answered": _("Answered"),
        "mark_answered": _("Mark answered"),
        "delete": _("Delete"),
        "deleted": _("Message deleted"),
        "mute": _("Mute"),
        "unmute": _("Unmute"),
        "remove": _("Remove"),
        "confirm_remove": _("Remove this person from the workshop?"),
        "host": _("host"),
        "muted": _("muted"),
        "hand": _("hand raised"),
        "vote": _("Vote"),
        "close_poll": _("Close poll"),
        "closed": _("Closed"),
        "votes": _("votes"),
        "vote_one": _("vote"),
        "question": _("Question"),
        "start": _("Start workshop"),
        "end": _("End workshop"),
        "confirm_end": _("End the workshop for everyone?"),
        "pin": _("Pin notice"),
        "open_poll": _("Open a poll"),
        "poll_question": _("Poll question"),
        "poll_options": _("Options, one per line"),
        "notice_text": _("Notice (empty to remove)"),
        "online": _("present"),
        "started": _("The workshop has started."),
        "you": _("you"),
        "status_scheduled": str(Workshop.Status.SCHEDULED.label),
        "status_live": str(Workshop.Status.LIVE.label),
        "status_ended": str(Workshop.Status.ENDED.label),
    }


#: Messages the room page shows at once (the newest, or those before ``?before=<seq>``):
#: a long room's page stays small for a phone without JavaScript.
TRANSCRIPT_PAGE = 100


def _transcript_page(state: dict, before: str | None) -> dict:
    messages = state["messages"]
    if before and before.isascii() and before.isdigit():
        messages = [m for m in messages if m["seq"] < int(before)]
    else:
        before = None
    shown = messages[-TRANSCRIPT_PAGE:]
    return {
        "messages": shown,
        "earlier": shown[0]["seq"] if len(messages) > len(shown) else None,
        "paged": before is not None,
    }


@login_required
def room(request, pk):
    workshop = services.get_workshop_for_user(request.user, pk)
    host = services.is_host(request.user, workshop)
    may_join = services.may_join(request.user, workshop)
    state = services.transcript(workshop) if may_join else None
    page = _transcript_page(state, request.GET.get("before")) if state else None
    return render(
        request,
        "pages/workshop_room.html",
        {
            "workshop": workshop,
            "is_host": host,
            "may_join": may_join,
            "is_registered": services.is_registered(request.user, workshop),
            "registration_count": workshop.registrations.count(),
            "co_hosts": list(workshop.co_hosts.all()),
            "state": state,
            "page": page,
            "post_form": RoomPostForm(),
            "room_strings": _room_strings(),
            "ws_path": f"/ws/workshops/{workshop.pk}/",
        },
    )


@login_required
@require_POST
def register(request, pk):
    workshop = services.get_workshop_for_user(request.user, pk)
    try:
        services.register(request.user, workshop)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You are registered. We will remind you by e-mail."))
    return redirect(workshop)


@login_required
@require_POST
def unregister(request, pk):
    workshop = services.get_workshop_for_user(request.user, pk)
    services.unregister(request.user, workshop)
    messages.success(request, _("Your registration is cancelled."))
    return redirect(workshop)


@login_required
@require_POST
def post(request, pk):
    """Write to the room without JavaScript: the same services as the live client."""
    workshop = services.get_workshop_for_user(request.user, pk)
    if not services.may_join(request.user, workshop):
        raise PermissionDenied
    form = RoomPostForm(request.POST)
    if form.is_valid():
        participant = services.participant_for(request.user, workshop)
        action = (
            services.ask_question if form.cleaned_data["kind"] == "question" else services.post_chat
        )
        try:
            action(workshop.pk, participant.pk, form.cleaned_data["text"])
        except services.RoomError as error:
            messages.error(request, str(services.ERROR_MESSAGES[error.code]))
    else:
        messages.error(request, _("Write a message of at most 1000 characters."))
    return redirect(f"{workshop.get_absolute_url()}#transcript")


@login_required
@require_POST
def host_action(request, pk, action):
    """Start or end the workshop from the page (the live client does it over the socket)."""
    workshop = services.get_workshop_for_host(request.user, pk)
    participant = services.participant_for(request.user, workshop)
    service = {"start": services.start_workshop, "end": services.end_workshop}[action]
    try:
        service(workshop.pk, participant.pk)
    except services.RoomError as error:
        messages.error(request, str(services.ERROR_MESSAGES[error.code]))
    return redirect(workshop)


@login_required
def schedule(request, pk=None):
    """The mentors' simple form (admins also have the Wagtail admin)."""
    if pk is None:
        if not services.can_schedule(request.user):
            raise PermissionDenied
        workshop = None
    else:
        workshop = services.get_workshop_for_host(request.user, pk)
    form = WorkshopForm(request.POST or None, instance=workshop, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = form.save_with(request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The workshop is saved."))
            return redirect(workshop)
    return render(request, "pages/workshop_form.html", {"form": form, "workshop": workshop})


@login_required
def workshop_ics(request, pk):
    workshop = services.get_workshop_for_user(request.user, pk)
    body = ics.calendar([workshop], name=workshop.title, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="workshop-{workshop.pk}.ics"'
    return response


@never_cache
def feed(request, token):
    """A person's private feed: the secret in the address is the only credential."""
    user = services.get_feed_user(token)
    body = ics.calendar(
        services.feed_workshops(user),
        name=_("CSO Academy workshops"),
        base_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@never_cache
def calendar_settings(request):
    """Make a feed address, shown on this one answer only: the site keeps no copy."""
    feed_url = None
    if request.method == "POST":
        had_one = services.calendar_feed_for(request.user) is not None
        feed_obj = services.reset_calendar_feed(request.user)
        feed_url = request.build_absolute_uri(reverse("workshops:feed", args=[feed_obj.token]))
        if had_one:
            messages.success(
                request, _("Your calendar address is new. The old one no longer works.")
            )
    else:
        feed_obj = services.calendar_feed_for(request.user)
    return render(request, "pages/workshop_calendar.html", {"feed": feed_obj, "feed_url": feed_url})


def _filename(workshop: Workshop, suffix: str) -> str:
    base = slugify(workshop.title_en or "") or f"workshop-{workshop.pk}"
    return f"{base}-{timezone.localdate(workshop.starts_at):%Y%m%d}-{suffix}"


@login_required
def attendance_csv(request, pk):
    """The host's attendance sheet: display names only, never e-mail addresses."""
    workshop = services.get_workshop_for_host(request.user, pk)
    header = [
        _("Name"),
        _("Role"),
        _("First joined (Cambodia time)"),
        _("Last left (Cambodia time)"),
        _("Connections"),
        _("Minutes present"),
        _("Counts as attended"),
    ]
    rows = (
        [
            row["name"],
            _("host") if row["host"] else (_("removed") if row["removed"] else _("participant")),
            timezone.localtime(row["first_joined_at"]).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(row["last_left_at"]).strftime("%Y-%m-%d %H:%M"),
            row["sessions"],
            row["minutes"],
            _("yes") if row["attended"] else _("no"),
        ]
        for row in services.attendance_rows(workshop)
    )
    return csv_response(_filename(workshop, "attendance.csv"), header, rows)


@login_required
def transcript_txt(request, pk):
    workshop = services.get_workshop_for_host(request.user, pk)
    response = HttpResponse(
        services.transcript_text(workshop), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(workshop, "transcript.txt")}"'
    )
    return response
