"""Report pages written in Python read as the templates wrote them, escaped, and cheaply.

The filter bar's long lists, the figure tables and the headline are built as
strings (``reports.filters``, ``reports.markup``) rather than through the
template engine; these check what a reader and a browser get from them.
"""

import datetime
import re

from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.factories import OrganisationFactory
from reports import formatting as fmt
from reports import markup
from reports.filters import LongCheckboxes, LongSelect
from reports.services import COUNT, TEXT, Column, Figure, Table
from tests.reports.conftest import RANGE
from tests.reports.test_report_pages import BASE, page, table

CHOICES = [("", "All"), ("1", "A & <b>"), ("2", 'Q"uote'), ("3", "Three")]


def _squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s*\n\s*", "\n", html)).replace("\n", " ")


def test_long_select_writes_what_djangos_select_writes():
    """Same options, escaping and selected option as Django's own widget, for any value."""
    for value in (None, "", "2", 3, "missing"):
        expected = forms.Select(choices=CHOICES).render("org", value, attrs={"id": "id_org"})
        ours = LongSelect(choices=CHOICES).render("org", value, attrs={"id": "id_org"})
        assert _squeeze(ours) == _squeeze(expected), value
    # Asked again (the options come from a remembered list), the choice still follows the value.
    assert 'value="1" selected' in LongSelect(choices=CHOICES).render("org", "1")
    assert "selected" not in LongSelect(choices=CHOICES).render("org", "missing")


def test_long_checkboxes_write_what_djangos_checkboxes_write():
    expected = forms.CheckboxSelectMultiple(choices=CHOICES[1:]).render(
        "c", ["2", "3"], attrs={"id": "id_c"}
    )
    ours = LongCheckboxes(choices=CHOICES[1:]).render("c", ["2", "3"], attrs={"id": "id_c"})
    assert _squeeze(ours) == _squeeze(expected)


def _select(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)


def test_filter_bar_marks_the_chosen_organisation_and_escapes_names(admin_client, world):
    """An organisation whose name holds markup is listed as text; the chosen one is selected,
    alone; an organisation that does not exist is an error, not an empty report."""
    odd = OrganisationFactory(name_en="<Legal & Aid>", province="12")
    html = page(admin_client, "reach", RANGE + f"&organisation={odd.pk}")
    organisations = _select(html, "organisation")
    assert f'<option value="{odd.pk}" selected>&lt;Legal &amp; Aid&gt;</option>' in organisations
    assert organisations.count(" selected") == 1
    assert "<Legal" not in html
    courses = _select(html, "course")
    assert '<option value="" selected>All courses</option>' in courses
    assert courses.count(" selected") == 1
    response = admin_client.get(f"{BASE}/reach/?{RANGE}&organisation=999999")
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()


def test_figure_escapes_text_and_marks_numbers():
    """Cells are escaped as a template would; numeric columns carry the numeric class."""
    figure = Figure(
        Table(
            "orgs",
            "Organisations <top>",
            [Column("Name", TEXT), Column("Learners", COUNT)],
            [["<script>alert(1)</script>", 1200], ["Plain & simple", 3]],
            note='Notes "quoted"',
        )
    )
    with translation.override("en"):
        html = markup.figure(figure, "?a=1&export=csv", "?a=1&export=xlsx")
    assert "<script>" not in html
    assert '<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt;</th>' in html
    assert '<td class="report-num">1,200</td>' in html
    assert '<th scope="col" class="report-num">Learners</th>' in html
    assert '<h2 class="w-h2" id="figure-orgs">Organisations &lt;top&gt;</h2>' in html
    assert 'href="?a=1&amp;export=csv" download' in html
    assert "Notes &quot;quoted&quot;" in html


def test_empty_figure_says_so_across_the_table():
    figure = Figure(Table("none", "None", [Column("Month", TEXT), Column("Count")], []))
    with translation.override("en"):
        html = markup.figure(figure, "?csv", "?xlsx")
    assert '<tr><td colspan="2">Nothing in this period.</td></tr>' in html


def test_rows_left_for_the_downloads_are_counted_in_the_readers_digits():
    rows = [[f"Row {i}", i] for i in range(30)]
    figure = Figure(Table("long", "Long", [Column("Row", TEXT), Column("N")], rows, shown=25))
    with translation.override("en"):
        assert "5 more rows in the downloads." in markup.figure(figure, "?", "?")
    with translation.override("km"):
        html = markup.figure(figure, "?", "?")
    assert '<p class="report-note">មានជួរ ៥ ទៀតក្នុងឯកសារទាញយក។</p>' in html
    assert html.count("<tr>") == 25 + 1  # the shown rows and the header


def test_a_report_page_reads_the_data_version_once(admin_client, world):
    """Filter choices and figures come from one version of the data: one query for it."""
    url = f"{BASE}/learning/?{RANGE}"
    admin_client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert admin_client.get(url).status_code == 200
    versions = [q for q in captured.captured_queries if "reports_data_version" in q["sql"]]
    assert len(versions) == 1
    assert table(admin_client.get(url).content.decode(), "over-time")[0][0] == "Jan 2025"


def test_dates_follow_the_active_language_after_a_switch():
    """Date labels are remembered per language: switching the admin's language switches them."""
    day = datetime.date(2025, 3, 1)
    with translation.override("en"):
        english = fmt.period_label(day, "month")
        assert fmt.date_label(day, "km").translate(str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")) == (
            fmt.date_label(day)
        )
    with translation.override("km"):
        khmer = fmt.period_label(day, "month")
    with translation.override("en"):
        assert fmt.period_label(day, "month") == english == "Mar 2025"
    assert khmer != english and "២០២៥" in khmer


def test_the_period_line_names_the_chosen_course_and_organisation(admin_client, world):
    """The line over the figures says what they are narrowed to, in words, as chosen."""
    course = world.courses["B"]
    organisation = world.organisations["pp"]
    query = RANGE + f"&course={course.translation_key}&organisation={organisation.pk}"
    html = page(admin_client, "reach", query)
    period = re.search(r'<p class="report-period">([^<]*)</p>', html).group(1)
    assert period.endswith(f" · {course.title} · {organisation.name_en}")
    assert f'<option value="{course.translation_key}" selected>' in _select(html, "course")
    start = re.search(r'<input type="date" name="start"[^>]*>', html).group(0)
    assert 'value="2025-01-01"' in start and 'id="id_start"' in start


def test_home_panel_offers_a_ready_donor_report_by_its_escaped_title(
    admin_client, world, report_admin
):
    from django.utils import timezone

    from reports.models import DonorReport

    report = DonorReport.objects.create(
        title="<Q1 & Q2>",
        language="en",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 3, 31),
        requested_by=report_admin,
        state=DonorReport.State.READY,
        rendered_at=timezone.now(),
    )
    html = admin_client.get("/admin/").content.decode()
    panel = html.split('<section class="w-panel report-home"', 1)[1].split("</section>", 1)[0]
    assert (
        '<p class="report-ready">Your donor report is ready: '
        f'<a href="{BASE}/donor/{report.pk}/download/">&lt;Q1 &amp; Q2&gt;</a></p>'
    ) in panel
    assert f'<a href="{BASE}/learning/">All platform reports</a> · ' in panel
    assert "Last month: " in panel
