"""The filters every report shares, read from and written to the URL.

A report's address carries its filters (``?start=2025-01-01&end=2025-06-30
&course=<translation key>&province=12&organisation=7&period=month``), so a
report can be bookmarked and shared. Days begin and end in Cambodia's time
zone whatever the server's or the admin user's time zone.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from dataclasses import dataclass
from html import escape as html_escape
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.geo import province_choices, province_name

from . import queries

CAMBODIA = ZoneInfo("Asia/Phnom_Penh")
PERIODS = (("month", _("Month")), ("week", _("Week")))
MAX_WEEKS = 105  # two years of weekly bars still read; longer ranges go by month
MAX_DAYS = 3660


def today() -> datetime.date:
    return timezone.now().astimezone(CAMBODIA).date()


def month_start(day: datetime.date, months_back: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in Phnom Penh, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=CAMBODIA)


@dataclass(frozen=True)
class ReportFilters:
    start: datetime.date
    end: datetime.date  # inclusive
    period: str = "month"
    courses: tuple[uuid.UUID, ...] = ()
    province: str = ""
    organisation: int | None = None

    @classmethod
    def default(cls, on: datetime.date | None = None) -> ReportFilters:
        """The last twelve months, this one included, by month."""
        on = on or today()
        return cls(start=month_start(on, 11), end=on)

    @property
    def since(self) -> datetime.datetime:
        return day_start(self.start)

    @property
    def until(self) -> datetime.datetime:
        """The first moment after the range (exclusive bound)."""
        return day_start(self.end + datetime.timedelta(days=1))

    @property
    def narrows_people(self) -> bool:
        return bool(self.province or self.organisation)

    def params(self) -> dict[str, str]:
        params = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "period": self.period,
        }
        if self.courses:
            params["course"] = [str(key) for key in self.courses]
        if self.province:
            params["province"] = self.province
        if self.organisation:
            params["organisation"] = str(self.organisation)
        return params

    def querystring(self, **extra) -> str:
        return urlencode({**self.params(), **extra}, doseq=True)

    def periods(self) -> list[datetime.date]:
        """The first day of every week (Monday) or month the range touches."""
        if self.period == "week":
            day = self.start - datetime.timedelta(days=self.start.weekday())
            step = datetime.timedelta(days=7)
            result = []
            while day <= self.end:
                result.append(day)
                day += step
            return result
        result, day = [], month_start(self.start)
        while day <= self.end:
            result.append(day)
            day = month_start(datetime.date(day.year, day.month, 28) + datetime.timedelta(days=7))
        return result


def _attrs(attrs: dict) -> str:
    """Widget attributes as Django's templates write them (``True`` alone, ``False`` not)."""
    return "".join(
        f" {key}" if val is True else f' {key}="{html_escape(str(val))}"'
        for key, val in attrs.items()
        if val is not False
    )


class DateBox(forms.DateInput):
    """A date's ``<input>`` written in one pass, as Django's ``input.html`` writes it."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        value = self.format_value(value)
        shown = "" if value is None else f' value="{html_escape(str(value))}"'
        return mark_safe(  # noqa: S308 - the name, value and attributes are escaped
            f'<input type="{html_escape(self.input_type)}" name="{html_escape(name)}"'
            f"{shown}{_attrs(attrs)}>"
        )


class _FlatChoices:
    """Choices kept as the flat ``(key, label)`` pairs given, not normalised one by one."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = list(value)


class LongSelect(_FlatChoices, forms.Select):
    """A ``<select>`` written in one pass: thousands of organisations render in milliseconds.

    Django's widget renders every option through a template, which costs more
    than the whole report once a national platform lists its organisations.
    Keys and labels are escaped as Django's ``escape`` does (the standard
    library's ``html.escape``), without its lazy-string wrapper per call.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        esc = html_escape
        options = _options(tuple((str(key), str(label)) for key, label in self.choices))
        if value is not None and value != "":
            # Keys are unique, so the first option of the value is the one (as Django's).
            plain = f'<option value="{esc(str(value))}">'
            options = options.replace(plain, f"{plain[:-1]} selected>", 1)
        elif options.startswith('<option value="">'):
            options = '<option value="" selected>' + options[len('<option value="">') :]
        return mark_safe(  # noqa: S308 - every key, label and attribute is escaped
            f'<select name="{esc(name)}"{_attrs(attrs)}>{options}</select>'
        )


@functools.lru_cache(maxsize=16)
def _options(choices: tuple[tuple[str, str], ...]) -> str:
    """The ``<option>`` elements of ``choices``, none selected (the same lists every request)."""
    esc = html_escape
    return "".join([f'<option value="{esc(key)}">{esc(label)}</option>' for key, label in choices])


class LongCheckboxes(_FlatChoices, forms.CheckboxSelectMultiple):
    """Checkboxes written in one pass, for the same reason as :class:`LongSelect`."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in (value or [])}
        esc = html_escape
        base, field = esc(str(attrs.get("id", name))), esc(name)
        boxes = "".join(
            [
                f'<div><label for="{base}_{i}"><input type="checkbox" name="{field}" '
                f'value="{esc(key)}" id="{base}_{i}"'
                f"{' checked' if key in chosen else ''}> {esc(str(label))}</label></div>"
                for i, (key, label) in enumerate((str(k), v) for k, v in self.choices)
            ]
        )
        return mark_safe(f'<div id="{base}">{boxes}</div>')  # noqa: S308 - escaped above


class LongChoiceField(forms.ChoiceField):
    """A choice among thousands of flat ``(str key, label)`` pairs, kept as given.

    Django normalises every choice when they are set and searches them one by
    one to validate a value; here they are set as they are (already flat
    strings) and a value is checked against a set of the keys.
    """

    widget = LongSelect

    def _get_choices(self):
        return self._choices

    def _set_choices(self, value):
        self._choices = self.widget.choices = list(value)
        self._keys = frozenset([str(key) for key, _ in self._choices])

    choices = property(_get_choices, _set_choices)

    def valid_value(self, value):
        return str(value) in self._keys

    def label_of(self, value) -> str:
        """The label of the choice ``value`` (as text), or "" if there is none."""
        value = str(value)
        return next((str(label) for key, label in self._choices if str(key) == value), "")


class LongTypedChoiceField(LongChoiceField, forms.TypedChoiceField):
    """:class:`LongChoiceField` with the value coerced (an organisation's id)."""


class LongMultipleChoiceField(LongChoiceField, forms.MultipleChoiceField):
    """Several of many choices (courses), as :class:`LongChoiceField` keeps them."""

    widget = LongCheckboxes


class ReportFilterForm(forms.Form):
    """The filter bar. Choices are read once per request (two queries)."""

    start = forms.DateField(label=_("From"), widget=DateBox(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=DateBox(attrs={"type": "date"}))
    period = forms.ChoiceField(label=_("By"), choices=PERIODS, required=False, widget=LongSelect)
    course = LongChoiceField(label=_("Course"), required=False)
    province = LongChoiceField(label=_("Province"), required=False)
    organisation = LongTypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data=None, *, default: ReportFilters):
        merged = {**default.params(), **{k: v for k, v in (data or {}).items() if v != ""}}
        super().__init__(merged)
        self.fields["course"].choices = [("", _("All courses")), *queries.course_choices()]
        self.fields["province"].choices = [("", _("All provinces")), *province_choices()]
        self.fields["organisation"].choices = [
            ("", _("All organisations")),
            *queries.organisation_choices(),
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end date must not be before the start date."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("start", _("Choose a range of at most ten years."))
            elif data.get("period") == "week" and (end - start).days > MAX_WEEKS * 7:
                self.add_error("period", _("For a range over two years, choose months."))
        return data

    def filters(self) -> ReportFilters:
        """The validated filters (call after ``is_valid()`` returned True)."""
        data = self.cleaned_data
        return ReportFilters(
            start=data["start"],
            end=data["end"],
            period=data.get("period") or "month",
            courses=(uuid.UUID(data["course"]),) if data.get("course") else (),
            province=data.get("province") or "",
            organisation=data.get("organisation"),
        )

    def summary(self) -> list[str]:
        """What the figures are narrowed to, in words (for headings and the PDF)."""
        if not self.is_valid():
            return []
        data, parts = self.cleaned_data, []
        if data.get("course"):
            parts.append(self.fields["course"].label_of(data["course"]))
        if data.get("province"):
            parts.append(province_name(data["province"]))
        if data.get("organisation"):
            parts.append(self.fields["organisation"].label_of(data["organisation"]))
        return parts
