"""Report pages show the seeded platform's known figures, filtered by the URL."""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own test responses

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.reports.conftest import RANGE, build_world

BASE = "/admin/reports/platform"
SVG = "{http://www.w3.org/2000/svg}"


def page(client, slug, query=RANGE):
    response = client.get(f"{BASE}/{slug}/?{query}")
    assert response.status_code == 200, response.content[:2000]
    return response.content.decode()


def table(html, key):
    """The rows of the figure table ``key`` as lists of cell texts."""
    section = html.split(f'id="figure-{key}"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        rows.append(
            [
                re.sub(r"<[^>]+>", "", c).strip()
                for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            ]
        )
    return rows


def headline(html):
    values = re.findall(r'report-headline__value">([^<]*)<', html)
    labels = re.findall(r'report-headline__label">([^<]*)<', html)
    return dict(zip(labels, values, strict=True))


def charts(html):
    """Every inline chart, parsed by the standard library's XML parser."""
    return [
        ET.fromstring(svg)  # noqa: S314 - our own markup
        for svg in re.findall(r"<svg .*?</svg>", html, re.S)
        if "report-chart" in svg
    ]


def test_learning_report_counts_the_cohort_in_cambodian_days(admin_client, world):
    """Enrolments, completions and certificates by month in Phnom Penh time; the funnel per
    course with the median days to complete; a revoked certificate does not count."""
    html = page(admin_client, "learning")
    assert headline(html) == {
        "Enrolments": "12",
        "Completions": "3",
        "Certificates": "2",
        "Completion rate": "25%",
        "Median days to complete": "10.0",
    }
    # K1 enrolled at 17:30 UTC on 31 January: 1 February in Phnom Penh. S1 at 23:30 on
    # 31 March there counts; N1 at 00:30 on 1 April there does not.
    assert table(html, "over-time") == [
        ["Jan 2025", "5", "2", "1"],
        ["Feb 2025", "4", "1", "1"],
        ["Mar 2025", "3", "0", "0"],
    ]
    assert table(html, "funnel") == [
        ["Digital security", "6", "1", "1", "1", "1", "17%", "3.0"],
        ["Financial management", "6", "4", "3", "2", "1", "33%", "15.0"],
    ]


def test_charts_are_accessible_svg_with_the_tables_figures(admin_client, world):
    """Each chart is an image with a title and a description; the funnel's bars carry the
    same totals as the table under it."""
    html = page(admin_client, "learning")
    parsed = charts(html)
    assert len(parsed) == 2
    for svg in parsed:
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title.text and desc.text
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    funnel_texts = [t.text for t in parsed[1].iter(f"{SVG}text")]
    assert funnel_texts[:2] == ["Enrolled", "12 · 100%"]
    assert "Certified" in funnel_texts and "2 · 17%" in funnel_texts
    assert "<script" not in html.split('class="report"', 1)[1]


def test_wide_tables_scroll_in_a_named_region_a_keyboard_can_reach(admin_client, world):
    """On a phone a wide table scrolls sideways inside its box, not the page: the box is a
    region named by the table's heading and takes focus, so it scrolls with the arrow keys."""
    for slug in ("learning", "reach", "workshops", "mentoring"):
        html = page(admin_client, slug)
        keys = re.findall(r'<section class="report-figure" aria-labelledby="figure-([^"]+)"', html)
        boxes = re.findall(r'<div class="report-table-box"([^>]*)>', html)
        assert keys and len(boxes) == len(keys), slug
        for key, attributes in zip(keys, boxes, strict=True):
            assert 'role="region"' in attributes and 'tabindex="0"' in attributes
            assert f'aria-labelledby="figure-{key}"' in attributes


def test_reach_ranks_provinces_and_counts_focus_areas_and_languages(admin_client, world):
    """Learners by their organisation's province, organisation, focus area and language."""
    html = page(admin_client, "reach")
    assert headline(html) == {
        "Learners": "12",
        "Organisations": "3",
        "Provinces": "3",
        "Learners with an organisation": "92%",
    }
    assert table(html, "provinces") == [
        ["Phnom Penh", "7", "1"],
        ["Kampong Cham", "3", "1"],
        ["Siemreap", "1", "1"],
    ]
    assert table(html, "organisations") == [
        ["Phnom Penh Legal Aid", "Phnom Penh", "7"],
        ["Kampong Cham Women", "Kampong Cham", "3"],
        ["Siem Reap Youth", "Siemreap", "1"],
    ]
    assert table(html, "focus-areas") == [
        ["Human rights", "7", "1"],
        ["Legal aid", "7", "1"],
        ["Gender equality", "3", "1"],
    ]
    assert table(html, "languages") == [["Khmer", "9"], ["English", "3"]]
    bars = [t.text for t in charts(html)[0].iter(f"{SVG}text")]
    assert bars == ["Phnom Penh", "7", "Kampong Cham", "3", "Siemreap", "1"]


def test_workshops_report_attendance_per_host_and_course(admin_client, world):
    """Scheduled, held, registered, attended, the attendance rate of registered people, and
    minutes, per period, host and course."""
    html = page(admin_client, "workshops")
    assert headline(html) == {
        "Scheduled": "3",
        "Held": "2",
        "Attended": "4",
        "Attendance rate": "43%",
        "Minutes per attendee": "49",
    }
    assert table(html, "hosts") == [
        ["Host One", "2", "2", "6", "4", "50%", "195"],
        ["Host Two", "1", "0", "1", "0", "0%", "0"],
    ]
    assert table(html, "courses") == [
        ["Financial management", "1", "1", "4", "3", "50%", "165"],
        ["No course", "1", "1", "2", "1", "50%", "30"],
        ["Digital security", "1", "0", "1", "0", "0%", "0"],
    ]


def test_mentoring_report_rounds_pairs_risk_and_feedback(admin_client, world):
    """Round outcomes, pair states, pairs silent for 30 days, and feedback scores."""
    html = page(admin_client, "mentoring")
    rounds = table(html, "rounds")
    assert [row[0] for row in rounds] == ["Round one"]
    assert rounds[0][3:] == ["3", "2", "1", "0", "2"]
    assert table(html, "pairs") == [
        ["Active now", "2"],
        ["At risk now", "1"],
        ["Started in the period", "2"],
        ["Completed in the period", "1"],
        ["Ended early in the period", "0"],
    ]
    at_risk = table(html, "at-risk")
    assert [row[:2] for row in at_risk] == [["Phnom Penh Legal Aid", "Kampong Cham Women"]]
    assert table(html, "feedback")[:2] == [["5 / 5", "1", "0"], ["4 / 5", "0", "1"]]
    assert headline(html)["Average rating"] == "4.5"


def test_filters_in_the_url_narrow_every_report(admin_client, world):
    """Province, organisation and course filters narrow the figures and stay in the links."""
    html = page(admin_client, "learning", RANGE + "&province=03")
    assert headline(html)["Enrolments"] == "3"  # K1, K2, K3
    assert 'value="03" selected' in html
    assert "export=csv" in html and "province=03" in html
    course = world.courses["B"].translation_key
    html = page(admin_client, "learning", RANGE + f"&course={course}")
    assert table(html, "funnel") == [["Digital security", "6", "1", "1", "1", "1", "17%", "3.0"]]
    organisation = world.organisations["pp"].pk
    html = page(admin_client, "reach", RANGE + f"&organisation={organisation}")
    assert table(html, "provinces") == [["Phnom Penh", "7", "1"]]
    html = page(admin_client, "learning", "start=2025-02-01&end=2025-02-28&period=week")
    assert headline(html)["Enrolments"] == "4"
    assert [row[0] for row in table(html, "over-time")] == [
        "27 Jan",
        "3 Feb",
        "10 Feb",
        "17 Feb",
        "24 Feb",
    ]


def test_bad_filters_are_explained_and_show_nothing(admin_client, world):
    """An end before the start, or a date that is not one, is a clear error (400)."""
    response = admin_client.get(f"{BASE}/learning/?start=2025-03-01&end=2025-01-01")
    assert response.status_code == 400
    assert "The end date must not be before the start date." in response.content.decode()
    response = admin_client.get(f"{BASE}/reach/?start=yesterday")
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    response = admin_client.get(f"{BASE}/reach/?start=yesterday&export=csv&table=provinces")
    assert response.status_code == 400


def test_khmer_admin_reads_khmer_numerals(khmer_admin_client, world):
    """With the admin in Khmer, figures and chart labels use Khmer digits."""
    html = page(khmer_admin_client, "reach")
    assert table(html, "provinces")[0] == ["រាជធានីភ្នំពេញ", "៧", "១"]
    assert "ការឈានដល់" in html
    bars = [t.text for t in charts(html)[0].iter(f"{SVG}text")]
    assert bars[:2] == ["រាជធានីភ្នំពេញ", "៧"]


def test_admin_home_shows_this_month_against_last_month(admin_client, world):
    """The home panel counts active mentoring pairs this month and last, and links the report."""
    html = admin_client.get("/admin/").content.decode()
    panel = html.split('id="report-home-title"', 1)[1].split("</section>", 1)[0]
    assert "This month on the platform" in html
    assert f'href="{BASE}/mentoring/"' in panel
    pairs = panel.split("Active mentoring pairs", 1)
    assert re.search(r'report-headline__value">2<', pairs[0].rsplit("<li>", 1)[1])
    assert "Last month: 2 (0)" in pairs[1]


def _queries(client, url) -> int:
    """The queries of a request that computes the figures (none read from the cache)."""
    client.get(url)  # warm per-process caches (site, menus)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_query_counts_do_not_grow_with_the_data(admin_client, world):
    """Every report and the admin home make as many queries with twice the data."""
    urls = [f"{BASE}/{slug}/?{RANGE}" for slug in ("learning", "reach", "workshops", "mentoring")]
    urls.append("/admin/")
    small = [_queries(admin_client, url) for url in urls]
    build_world(" two")
    large = [_queries(admin_client, url) for url in urls]
    assert small == large
