"""Pages for organisations: needs and offers, proposed matches, the pair's shared page.

Thin: each view fetches through an access helper, parses a form and calls a
service. Messages are in the visitor's language.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.services import get_organisation_for_representative
from lms.forms import add_service_errors
from workshops.forms import AudienceWorkshopForm
from workshops.models import Workshop

from . import services
from .explain import breakdown_items, reason_phrases
from .forms import (
    CheckInForm,
    CompleteForm,
    ConflictForm,
    DeclineForm,
    EndForm,
    GoalForm,
    OfferForm,
    RequestForm,
    ResourceForm,
)
from .models import MentoringExclusion, MentoringPair, Side


def _error_message(request, error) -> None:
    if isinstance(error, ValidationError):
        messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, str(error) or _("You do not have permission to do this."))


# ---------------------------------------------------------------------------
# Overview, needs and offers
# ---------------------------------------------------------------------------


@login_required
def overview(request):
    """Mentoring for each of the visitor's organisations, and their pairs."""
    memberships = list(
        request.user.memberships.select_related("organisation").order_by("organisation__name_en")
    )
    organisation_ids = [m.organisation_id for m in memberships]
    from .models import MentoringOffer, MentoringRequest

    open_requests = {
        r.organisation_id: r
        for r in MentoringRequest.objects.filter(organisation_id__in=organisation_ids, is_open=True)
    }
    open_offers = {
        o.organisation_id: o
        for o in MentoringOffer.objects.filter(organisation_id__in=organisation_ids, is_open=True)
        .with_load()
        .prefetch_related("mentors")
    }
    rows = [
        {
            "membership": m,
            "organisation": m.organisation,
            "request": open_requests.get(m.organisation_id),
            "offer": open_offers.get(m.organisation_id),
        }
        for m in memberships
    ]
    return render(
        request,
        "mentoring/overview.html",
        {
            "rows": rows,
            "pairs": services.pairs_for_user(request.user),
            "waiting": {p.pk for p in services.waiting_for_answer(request.user)},
        },
    )


def _listing_edit(request, slug, *, open_of, form_class, save, template, published):
    """The one page for publishing a request or an offer, or changing the open one."""
    organisation = get_organisation_for_representative(request.user, slug)
    instance = open_of(organisation)
    form = form_class(request.POST or None, instance=instance, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            save(request.user, organisation, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, published)
            return redirect("mentoring:overview")
    return render(
        request, template, {"form": form, "organisation": organisation, "instance": instance}
    )


@login_required
def request_edit(request, slug):
    return _listing_edit(
        request,
        slug,
        open_of=services.open_request_of,
        form_class=RequestForm,
        save=services.save_request,
        template="mentoring/request_form.html",
        published=_(
            "Your request for mentoring is published. It will be in the next matching round."
        ),
    )


@login_required
@require_POST
def request_close(request, slug):
    organisation = get_organisation_for_representative(request.user, slug)
    instance = services.open_request_of(organisation)
    if instance is not None:
        services.close_request(request.user, instance)
        messages.success(request, _("Your request is closed. It will not be matched again."))
    return redirect("mentoring:overview")


@login_required
def offer_edit(request, slug):
    return _listing_edit(
        request,
        slug,
        open_of=services.open_offer_of,
        form_class=OfferForm,
        save=services.save_offer,
        template="mentoring/offer_form.html",
        published=_("Your offer to mentor is published. It will be in the next matching round."),
    )


@login_required
@require_POST
def offer_close(request, slug):
    organisation = get_organisation_for_representative(request.user, slug)
    instance = services.open_offer_of(organisation)
    if instance is not None:
        services.close_offer(request.user, instance)
        messages.success(request, _("Your offer is closed. Pairs under way carry on."))
    return redirect("mentoring:overview")


@login_required
def conflicts(request, slug):
    """Conflicts of interest the organisation declared, and a form to add one."""
    organisation = get_organisation_for_representative(request.user, slug)
    form = ConflictForm(request.POST or None, candidates=services.conflict_candidates(organisation))
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_conflict(
                request.user,
                organisation,
                form.cleaned_data["other_organisation"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved. You will never be paired with them."))
            return redirect("mentoring:conflicts", slug=organisation.slug)
    exclusions = MentoringExclusion.objects.filter(
        organisation=organisation, kind=MentoringExclusion.Kind.CONFLICT
    ).select_related("other_organisation")
    return render(
        request,
        "mentoring/conflicts.html",
        {"form": form, "organisation": organisation, "exclusions": exclusions},
    )


@login_required
@require_POST
def conflict_withdraw(request, slug, pk):
    organisation = get_organisation_for_representative(request.user, slug)
    exclusion = services.get_exclusion_for_representative(request.user, organisation, pk)
    services.withdraw_conflict(request.user, exclusion)
    messages.success(request, _("The conflict of interest was withdrawn."))
    return redirect("mentoring:conflicts", slug=organisation.slug)


# ---------------------------------------------------------------------------
# The pair
# ---------------------------------------------------------------------------


@login_required
def pair_detail(request, pk):
    pair = services.get_pair_for_user(request.user, pk)
    actions = services.available_actions(request.user, pair)
    goals = list(pair.goals.prefetch_related("progress__check_in"))
    for goal in goals:
        updates = sorted(goal.progress.all(), key=lambda p: (p.check_in.date, p.check_in_id))
        goal.latest = updates[-1] if updates else None
    check_ins = pair.check_ins.select_related("created_by").prefetch_related("progress__goal")
    workshop_url = None
    if services.can_schedule_for_pair(request.user, pair):
        workshop_url = reverse("mentoring:pair_workshop_new", args=[pair.pk])
    return render(
        request,
        "mentoring/pair_detail.html",
        {
            "pair": pair,
            "actions": actions,
            "sides": services.member_sides(request.user, pair),
            "reasons": reason_phrases(pair.reasons),
            "breakdown": breakdown_items(pair.breakdown),
            "goals": goals,
            "check_ins": check_ins,
            "resources": pair.resources.select_related("added_by"),
            "feedback": pair.feedback.all(),
            "mentors": pair.offer.mentors.order_by("display_name"),
            "can_work": pair.status == MentoringPair.Status.ACTIVE,
            "goal_form": GoalForm(),
            "resource_form": ResourceForm(),
            "decline_form": DeclineForm(),
            "end_form": EndForm(),
            "workshop_url": workshop_url,
            "Side": Side,
        },
    )


def _transition_view(request, pk, act, form_class=None, template=None):
    """Fetch the pair, parse the form (if the action has one) and call ``act``, one of
    the lifecycle services; ``None`` when it succeeded, otherwise the response."""
    pair = services.get_pair_for_user(request.user, pk)
    form = form_class(request.POST or None) if form_class else None
    if request.method == "POST" and (form is None or form.is_valid()):
        data = dict(form.cleaned_data) if form else {}
        try:
            act(request.user, pair, **data)
        except ValidationError as error:
            if form is not None and hasattr(error, "error_dict"):
                add_service_errors(form, error)
            else:
                _error_message(request, error)
                return redirect("mentoring:pair_detail", pk=pair.pk)
        except PermissionDenied as error:
            _error_message(request, error)
            return redirect("mentoring:pair_detail", pk=pair.pk)
        else:
            return None
    if template is None:
        # Posted with invalid data to a form-less page: show the errors on the pair page.
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("mentoring:pair_detail", pk=pair.pk)
    return render(request, template, {"pair": pair, "form": form})


@login_required
@require_POST
def pair_accept(request, pk):
    response = _transition_view(request, pk, services.accept_pair)
    if response is None:
        pair = MentoringPair.objects.get(pk=pk)
        if pair.status == MentoringPair.Status.ACTIVE:
            messages.success(request, _("You both accepted: the mentoring can start."))
        else:
            messages.success(
                request, _("You accepted. The other organisation has not answered yet.")
            )
        response = redirect("mentoring:pair_detail", pk=pk)
    return response


@login_required
@require_POST
def pair_decline(request, pk):
    response = _transition_view(request, pk, services.decline_pair, DeclineForm)
    if response is None:
        messages.success(
            request, _("You declined this match. You will not be proposed to each other again.")
        )
        response = redirect("mentoring:overview")
    return response


@login_required
def pair_complete(request, pk):
    response = _transition_view(
        request, pk, services.complete_pair, CompleteForm, "mentoring/pair_complete.html"
    )
    if response is None:
        pair = MentoringPair.objects.get(pk=pk)
        if pair.status == MentoringPair.Status.COMPLETED:
            messages.success(request, _("The mentoring is completed. Thank you for your feedback."))
        else:
            messages.success(
                request,
                _("Thank you. The mentoring completes when the other organisation gives feedback."),
            )
        response = redirect("mentoring:pair_detail", pk=pk)
    return response


@login_required
def pair_end(request, pk):
    response = _transition_view(request, pk, services.end_pair, EndForm, "mentoring/pair_end.html")
    if response is None:
        messages.success(request, _("The mentoring was ended."))
        response = redirect("mentoring:pair_detail", pk=pk)
    return response


@login_required
def pair_workshop_new(request, pk):
    """The mentoring side of an active pair schedules a private workshop for it."""
    pair = services.get_pair_for_user(request.user, pk)
    if not services.can_schedule_for_pair(request.user, pair):
        raise PermissionDenied
    instance = Workshop(audience=Workshop.Audience.PAIR, host=request.user)
    form = AudienceWorkshopForm(request.POST or None, instance=instance, request=request)
    if request.method == "POST" and form.is_valid():
        workshop = services.schedule_pair_workshop(request.user, pair, **form.workshop_data())
        messages.success(request, _("The workshop is saved."))
        return redirect(workshop)
    return render(
        request, "pages/workshop_form.html", {"form": form, "workshop": None, "pair": pair}
    )


# ---------------------------------------------------------------------------
# Plan, check-ins, resources
# ---------------------------------------------------------------------------


@login_required
@require_POST
def goal_add(request, pk):
    pair = services.get_pair_for_user(request.user, pk)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            services.add_goal(request.user, pair, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _error_message(request, error)
        else:
            messages.success(request, _("The goal was added to the plan."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(f"{reverse('mentoring:pair_detail', args=[pair.pk])}#plan")


@login_required
@require_POST
def goal_delete(request, pk, goal_pk):
    pair = services.get_pair_for_user(request.user, pk)
    goal = services.get_goal_for_user(request.user, pair, goal_pk)
    try:
        services.remove_goal(request.user, goal)
    except (ValidationError, PermissionDenied) as error:
        _error_message(request, error)
    else:
        messages.success(request, _("The goal was removed."))
    return redirect(f"{reverse('mentoring:pair_detail', args=[pair.pk])}#plan")


@login_required
def check_in_add(request, pk):
    pair = services.get_pair_for_user(request.user, pk)
    form = CheckInForm(request.POST or None, goals=pair.goals.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.add_check_in(request.user, pair, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            _error_message(request, error)
            return redirect("mentoring:pair_detail", pk=pair.pk)
        else:
            messages.success(request, _("The check-in was saved."))
            return redirect(f"{reverse('mentoring:pair_detail', args=[pair.pk])}#check-ins")
    return render(request, "mentoring/check_in_form.html", {"pair": pair, "form": form})


@login_required
@require_POST
def resource_add(request, pk):
    pair = services.get_pair_for_user(request.user, pk)
    form = ResourceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_resource(
                request.user,
                pair,
                title=form.cleaned_data["title"],
                url=form.cleaned_data.get("url") or "",
                file=form.cleaned_data.get("file"),
            )
        except (ValidationError, PermissionDenied) as error:
            _error_message(request, error)
        else:
            messages.success(request, _("The resource is shared with the pair."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(f"{reverse('mentoring:pair_detail', args=[pair.pk])}#resources")


@login_required
def resource_download(request, pk, resource_pk):
    """Stream a shared file, only to members of the pair's organisations and admins."""
    resource = services.get_resource_for_user(request.user, pk, resource_pk)
    if not resource.is_file:
        return redirect(resource.url)
    response = FileResponse(
        services.open_resource_file(resource),
        as_attachment=True,
        filename=resource.original_name,
        content_type=resource.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def resource_delete(request, pk, resource_pk):
    resource = services.get_resource_for_user(request.user, pk, resource_pk)
    try:
        services.remove_resource(request.user, resource)
    except (ValidationError, PermissionDenied) as error:
        _error_message(request, error)
    else:
        messages.success(request, _("The resource was removed."))
    return redirect(f"{reverse('mentoring:pair_detail', args=[pk])}#resources")
