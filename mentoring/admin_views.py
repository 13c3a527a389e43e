"""Matching rounds in the Wagtail admin: open, run, review, edit, approve, export.

Each view checks the ``mentoring.run_matching`` permission and calls a
service; the review page reads everything it shows in a constant number of
queries.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.geo import province_name
from lms.exports import csv_response

from . import services
from .explain import breakdown_items, reason_phrases, size_band_label, unmatched_reason_text
from .forms import RoundForm
from .models import MatchingRound, MentoringOffer, MentoringRequest

URL_NAMESPACE = "matching_rounds"
PER_PAGE = 100  # a national round has thousands of rows


def url(name: str, *args) -> str:
    return reverse(f"{URL_NAMESPACE}:{name}", args=args)


class AdminOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not services.is_mentoring_admin(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_round(self) -> MatchingRound:
        try:
            return MatchingRound.objects.get(pk=self.kwargs["pk"])
        except MatchingRound.DoesNotExist:
            raise Http404 from None


class RoundIndexView(AdminOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "mentoring/admin/round_index.html"
    page_title = gettext_lazy("Matching rounds")
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rounds = list(MatchingRound.objects.select_related("created_by", "approved_by"))
        context.update(
            rounds=rounds,
            can_open=not any(r.is_editable for r in rounds),
            open_url=url("add"),
            eligible_requests=MentoringRequest.objects.eligible().count(),
            open_offers=MentoringOffer.objects.open().count(),
        )
        return context


class RoundCreateView(AdminOnlyMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "mentoring/admin/round_form.html"
    form_class = RoundForm
    page_title = gettext_lazy("Open a matching round")
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": url("index"), "label": _("Matching rounds")},
            {"url": "", "label": self.page_title},
        ]

    def get_initial(self):
        return {"name": _("Round of %(date)s") % {"date": timezone.localdate().isoformat()}}

    def form_valid(self, form):
        try:
            matching_round = services.open_round(self.request.user, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The round is open. Run it to see the proposals."))
        return redirect(url("detail", matching_round.pk))


class RoundDetailView(AdminOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """The review table: proposals with scores and reasons, unmatched requests
    with reasons, and the fairness report."""

    template_name = "mentoring/admin/round_detail.html"
    header_icon = "group"

    def get_page_title(self):
        return self.matching_round.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": url("index"), "label": _("Matching rounds")},
            {"url": "", "label": self.matching_round.name},
        ]

    def get(self, request, *args, **kwargs):
        self.matching_round = self.get_round()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matching_round = self.matching_round
        all_proposals = matching_round.proposals.select_related(
            "request__organisation", "offer__organisation"
        ).order_by("-score", "request_id")
        proposals = Paginator(all_proposals, PER_PAGE).get_page(self.request.GET.get("page"))
        for proposal in proposals:
            proposal.reason_list = reason_phrases(proposal.reasons)
            proposal.breakdown_list = breakdown_items(proposal.breakdown)
        unmatched_page = Paginator(matching_round.unmatched, PER_PAGE).get_page(
            self.request.GET.get("unmatched_page")
        )
        unmatched_ids = [u["request"] for u in unmatched_page]
        requests = {
            r.pk: r
            for r in MentoringRequest.objects.filter(pk__in=unmatched_ids).select_related(
                "organisation"
            )
        }
        unmatched = [
            {
                "request": requests.get(u["request"]),
                "reason": unmatched_reason_text(u["reason"]),
                "fitting": u.get("fitting", 0),
            }
            for u in unmatched_page
        ]
        fairness = matching_round.fairness or {}
        offer_loads = fairness.get("offer_load", [])
        offers = {
            o.pk: o
            for o in MentoringOffer.objects.filter(
                pk__in=[o["offer"] for o in offer_loads]
            ).select_related("organisation")
        }
        context.update(
            round=matching_round,
            proposals=proposals,
            proposal_count=proposals.paginator.count,
            unmatched=unmatched,
            unmatched_page=unmatched_page,
            lowest_score=(
                f"{fairness['lowest_score'] / 10:.1f}"
                if fairness.get("lowest_score") is not None
                else None
            ),
            by_province=[
                {**g, "label": province_name(g["group"]), "share": _share(g)}
                for g in fairness.get("unmatched_by_province", [])
            ],
            by_size=[
                {**g, "label": size_band_label(g["group"]), "share": _share(g)}
                for g in fairness.get("unmatched_by_size", [])
            ],
            offer_load=[
                {**o, "offer_obj": offers.get(o["offer"])}
                for o in sorted(offer_loads, key=lambda o: (-o["assigned"], o["offer"]))
            ],
            weights_form=RoundForm(instance=matching_round),
            urls={
                "run": url("run", matching_round.pk),
                "edit": url("edit", matching_round.pk),
                "approve": url("approve", matching_round.pk),
                "cancel": url("cancel", matching_round.pk),
                "swap": url("swap", matching_round.pk),
                "export": url("export", matching_round.pk),
            },
        )
        return context


def _share(group: dict) -> str:
    return f"{100 * group['unmatched'] / group['total']:.0f}%" if group["total"] else "–"


class RoundActionView(AdminOnlyMixin, View):
    """Base for the POST-only buttons of the review page.

    Each subclass defines ``act(matching_round)``: the button's change. It
    returns the success message (or None for ``success_message``), or raises
    ValidationError to show an error and change nothing.
    """

    http_method_names = ["post"]
    success_message = ""

    def post(self, request, *args, **kwargs):
        matching_round = self.get_round()
        try:
            message = self.act(matching_round)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, str(message or self.success_message))
        return redirect(url("detail", matching_round.pk))


class RoundRunView(RoundActionView):
    def act(self, matching_round):
        result = services.run_round(self.request.user, matching_round)
        return _("Proposed pairs: %(pairs)d. Unmatched requests: %(unmatched)d.") % {
            "pairs": result.matched,
            "unmatched": len(result.unmatched),
        }


class RoundEditView(RoundActionView):
    def act(self, matching_round):
        form = RoundForm(
            self.request.POST, instance=MatchingRound.objects.get(pk=matching_round.pk)
        )
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.update_round(self.request.user, matching_round, **form.service_kwargs())
        return _("Saved. Run the round again to apply the new weights.")


class ProposalLockView(RoundActionView):
    def act(self, matching_round):
        locked = self.request.POST.get("locked") == "1"
        services.set_locked(self.request.user, matching_round, self.kwargs["proposal_pk"], locked)
        return _("The pair is locked.") if locked else _("The pair is unlocked.")


class ProposalRemoveView(RoundActionView):
    success_message = gettext_lazy("The pair was removed; re-runs will not propose it again.")

    def act(self, matching_round):
        services.remove_proposal(self.request.user, matching_round, self.kwargs["proposal_pk"])


class ProposalSwapView(RoundActionView):
    success_message = gettext_lazy("The mentors were swapped and both pairs locked.")

    def act(self, matching_round):
        try:
            services.swap_proposals(
                self.request.user,
                matching_round,
                self.request.POST.get("first"),
                self.request.POST.get("second"),
            )
        except Http404:
            raise ValidationError(
                _("There is no proposal with that number in this round.")
            ) from None


class RoundApproveView(RoundActionView):
    def act(self, matching_round):
        pairs = services.approve_round(self.request.user, matching_round)
        return _(
            "The round is approved: %(count)d pairs are proposed, and both organisations "
            "of each were told by e-mail and on their dashboard."
        ) % {"count": len(pairs)}


class RoundCancelView(RoundActionView):
    success_message = gettext_lazy("The round was cancelled.")

    def act(self, matching_round):
        services.cancel_round(self.request.user, matching_round)


class RoundExportView(AdminOnlyMixin, View):
    """CSV of the round's proposals (and unmatched requests, with reasons)."""

    def get(self, request, *args, **kwargs):
        matching_round = self.get_round()
        header = [
            _("Status"),
            _("Request"),
            _("Organisation"),
            _("Province"),
            _("Mentoring organisation"),
            _("Mentoring organisation's province"),
            _("Score"),
            _("Needs covered"),
            _("Distance"),
            _("Shared time"),
            _("Experience gap"),
            _("Locked"),
            _("Explanation"),
        ]
        return csv_response(
            f"matching-round-{matching_round.pk}.csv", header, self.rows(matching_round)
        )

    def rows(self, matching_round):
        proposals = matching_round.proposals.select_related(
            "request__organisation", "offer__organisation"
        ).order_by("-score", "request_id")
        for p in proposals:
            b = p.breakdown
            yield [
                _("Proposed"),
                p.request_id,
                p.request.organisation.display_name,
                p.request.organisation.province_name,
                p.offer.organisation.display_name,
                p.offer.organisation.province_name,
                p.score_display,
                *(
                    f"{b.get(k, 0) / 10:.1f}"
                    for k in ("focus", "province", "availability", "maturity")
                ),
                _("Yes") if p.locked else _("No"),
                "; ".join(reason_phrases(p.reasons)),
            ]
        requests = {
            r.pk: r
            for r in MentoringRequest.objects.filter(
                pk__in=[u["request"] for u in matching_round.unmatched]
            ).select_related("organisation")
        }
        for u in matching_round.unmatched:
            r = requests.get(u["request"])
            if r is None:
                continue
            blanks = [""] * 8
            yield [
                _("Unmatched"),
                r.pk,
                r.organisation.display_name,
                r.organisation.province_name,
                *blanks,
                unmatched_reason_text(u["reason"]),
            ]
