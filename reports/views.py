"""Report pages, their exports and donor reports, in the Wagtail admin.

Views stay thin: they check the reports permission, read the filters from the
URL, ask ``reports.services`` for the figures and render them, or hand the
same rows to ``lms.exports`` for CSV and XLSX.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.geo import province_choices
from lms.exports import csv_response, xlsx_response

from . import freshness, markup, queries, services
from .filters import (
    DateBox,
    LongChoiceField,
    LongMultipleChoiceField,
    LongSelect,
    LongTypedChoiceField,
    ReportFilterForm,
    ReportFilters,
)
from .models import DonorReport

REPORT_TITLES = {
    "learning": gettext_lazy("Learning"),
    "reach": gettext_lazy("Reach"),
    "workshops": gettext_lazy("Workshops"),
    "mentoring": gettext_lazy("Mentoring"),
}
ICONS = {"learning": "doc-full", "reach": "site", "workshops": "date", "mentoring": "group"}


class ReportsPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        services.check_may_view_reports(request.user)
        return super().dispatch(request, *args, **kwargs)


def report_links(current: str = "") -> list[dict]:
    links = [
        {"url": reverse(f"reports:{slug}"), "label": label, "current": slug == current}
        for slug, label in REPORT_TITLES.items()
    ]
    links.append(
        {
            "url": reverse("reports:donor"),
            "label": _("Donor reports"),
            "current": current == "donor",
        }
    )
    return links


class ReportView(ReportsPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """One report: the filter bar, headline figures, then each chart with its table.

    ``?export=csv|xlsx&table=<key>`` returns one table's rows with the same filters.
    """

    template_name = "reports/report.html"
    report = ""

    def get_page_title(self):
        return REPORT_TITLES[self.report]

    def get_header_icon(self):
        return ICONS[self.report]

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("reports:learning"), "label": _("Platform reports")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        # The filters' choices and the figures: one read of the data version for all three.
        with freshness.one_version():
            return self.respond(request)

    def respond(self, request):
        self.form = ReportFilterForm(request.GET, default=ReportFilters.default())
        export = request.GET.get("export")
        if not self.form.is_valid():
            if export:
                errors = "; ".join(
                    str(message) for field in self.form.errors.values() for message in field
                )
                return TemplateResponse(
                    request,
                    "reports/export_error.html",
                    {"errors": errors, "back": request.path},
                    status=400,
                )
            context = self.get_context_data(report=None)
            return self.render_to_response(context, status=400)
        filters = self.form.filters()
        if export in ("csv", "xlsx"):
            kwargs = {"full": True} if self.report == "reach" else {}
            report = services.build_report(self.report, filters, **kwargs)
            return self.export(report, filters, request.GET.get("table", ""), export)
        report = services.build_report(self.report, filters)
        return self.render_to_response(self.get_context_data(report=report, filters=filters))

    def export(self, report, filters: ReportFilters, key: str, kind: str):
        table = report.table(key)
        name = f"{self.report}-{key}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
        header = [column.label for column in table.columns]
        if kind == "csv":
            return csv_response(f"{name}.csv", header, table.export_rows())
        return xlsx_response(f"{name}.xlsx", header, table.export_rows(), sheet_title=table.title)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = kwargs.get("report")
        filters = kwargs.get("filters")
        figures = []
        if report is not None:
            figures = [
                markup.figure(
                    figure,
                    "?" + filters.querystring(export="csv", table=figure.table.key),
                    "?" + filters.querystring(export="xlsx", table=figure.table.key),
                )
                for figure in report.figures
            ]
        context.update(
            form=self.form,
            report=report,
            figures=figures,
            headline=markup.headline(report.headline) if report is not None else "",
            links=report_links(self.report),
            scope=self.form.summary(),
            period=(
                services.fmt.range_label(filters.start, filters.end) if filters is not None else ""
            ),
        )
        return context


# ---------------------------------------------------------------------------
# Donor reports
# ---------------------------------------------------------------------------


class DonorReportForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=DonorReport.Language, widget=LongSelect
    )
    start = forms.DateField(label=gettext_lazy("From"), widget=DateBox(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=DateBox(attrs={"type": "date"}))
    courses = LongMultipleChoiceField(
        label=gettext_lazy("Courses"),
        required=False,
        help_text=gettext_lazy("Leave all unticked for every course, or tick the funded ones."),
    )
    province = LongChoiceField(label=gettext_lazy("Province"), required=False)
    organisation = LongTypedChoiceField(
        label=gettext_lazy("Organisation"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].choices = [(str(k), t) for k, t in queries.course_choices()]
        self.fields["province"].choices = [("", _("All provinces")), *province_choices()]
        self.fields["organisation"].choices = [("", _("All organisations"))] + [
            (str(pk), name) for pk, name in queries.organisation_choices()
        ]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must not be before the start date."))
        return data


class DonorReportIndexView(ReportsPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """Ask for a donor report; see earlier ones and download those that are ready."""

    template_name = "reports/donor_reports.html"
    page_title = gettext_lazy("Donor reports")
    header_icon = "doc-full-inverse"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("reports:learning"), "label": _("Platform reports")},
            {"url": "", "label": self.page_title},
        ]

    def get_form(self, data=None):
        defaults = ReportFilters.default()
        language = (get_language() or "km")[:2]
        initial = {
            "title": _("Report to our donors"),
            "language": language if language in ("km", "en") else "km",
            "start": defaults.start,
            "end": defaults.end,
        }
        return DonorReportForm(data, initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        context.update(
            donor_reports=list(DonorReport.objects.select_related("requested_by")[:50]),
            links=report_links("donor"),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        organisation = None
        if data.get("organisation"):
            from accounts.models import Organisation

            organisation = Organisation.objects.filter(pk=data["organisation"]).first()
        try:
            services.request_donor_report(
                request.user,
                title=data["title"],
                language=data["language"],
                start=data["start"],
                end=data["end"],
                course_keys=data.get("courses") or [],
                province=data.get("province") or "",
                organisation=organisation,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            _(
                "The donor report is being prepared. It appears below, and on the admin "
                "home page when it is ready."
            ),
        )
        return redirect("reports:donor")


class DonorReportDownloadView(ReportsPermissionMixin, View):
    def get(self, request, pk):
        report = services.get_donor_report_for_user(request.user, pk)
        try:
            handle = services.open_donor_report_pdf(report)
        except FileNotFoundError:
            raise Http404 from None
        filename = f"{slugify(report.title) or 'donor-report'}-{report.download_filename}"
        response = FileResponse(
            handle, as_attachment=True, filename=filename, content_type="application/pdf"
        )
        response["Cache-Control"] = "private, no-store"
        return response


def home_panel(request) -> str:
    """The admin home panel (two queries, whatever the data: the figures are cached)."""
    return markup.home_panel(
        [
            (
                figure,
                services.fmt.number(figure.this),
                services.fmt.number(figure.last),
                reverse(f"reports:{figure.report}"),
            )
            for figure in services.month_figures()
        ],
        services.recent_ready_reports(request.user),
        reverse("reports:donor"),
    )
