"""The SVG module draws well-formed, accessible charts and escapes what people typed."""

import xml.etree.ElementTree as ET  # noqa: S405 - parsing markup this module made

from django.utils import translation

from reports import charts
from reports import formatting as fmt

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup):
    return ET.fromstring(str(markup))  # noqa: S314 - our own markup


def test_bar_chart_escapes_labels_and_labels_itself():
    """A hostile organisation name is text, and the chart is an image named by title and desc."""
    svg = parse(
        charts.bar_chart(
            "c",
            "Learners <by> province",
            "All & more",
            [charts.Bar('<script>alert("x")</script>', 7, "7"), charts.Bar("Kep", 0, "< 5")],
        )
    )
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c-title c-desc"
    assert svg.find(f"{SVG}title").text == "Learners <by> province"
    assert svg.find(f"{SVG}desc").text == "All & more"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ['<script>alert("x")</script>', "7", "Kep", "< 5"]
    assert not list(svg.iter(f"{SVG}script"))
    assert len(list(svg.iter(f"{SVG}rect"))) == 1, "a hidden small cell draws no bar"


def test_line_chart_axis_reads_in_round_numbers_and_marks_series_without_colour():
    """Gridlines at 0, 2, 4, 6, 8 for a top value of 5; each series has its own dash."""
    with translation.override("en"):
        svg = parse(
            charts.line_chart(
                "l",
                "Over time",
                "desc",
                ["Jan", "Feb", "Mar"],
                [charts.Series("A", [1, 5, 2]), charts.Series("B", [0, 1, 1])],
                fmt.number,
            )
        )
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts[:5] == ["0", "2", "4", "6", "8"]
    assert {"Jan", "Mar", "A", "B"} <= set(texts)
    dashes = [p.get("stroke-dasharray") for p in svg.iter(f"{SVG}polyline")]
    assert dashes == [None, "6 3"]


def test_nice_ceiling():
    """Axis maxima split into four whole steps of 1, 2 or 5 × 10ⁿ."""
    assert [charts.nice_ceiling(v) for v in (0, 3, 5, 9, 41, 4_100, 45_860)] == [
        4,
        4,
        8,
        20,
        80,
        8_000,
        80_000,
    ]


def test_numbers_in_khmer_and_english():
    """Khmer digits and separators for Khmer readers; small counts read "< 5"."""
    assert fmt.number(45860, language="en") == "45,860"
    assert fmt.number(45860, language="km") == "៤៥.៨៦០"
    assert fmt.number(28.04, 1, language="km") == "២៨,០"
    assert fmt.percent(33.3, language="km") == "៣៣%"
    assert fmt.small(3, language="en") == "< 5" and fmt.small(5, language="en") == "5"
    assert fmt.small(4, language="km") == "< ៥" and fmt.small(0, language="en") == "0"
    with translation.override("km"):
        assert fmt.number(1200) == "១.២០០"


def test_pdf_period_labels_sit_under_their_points_as_in_the_drawing():
    """In the PDF the period labels are HTML under the drawing (WeasyPrint shapes Khmer
    only there); each is placed at its point's share of the width, not spread evenly."""
    import re

    months = [f"M{i}" for i in range(12)]
    with translation.override("en"), charts.for_weasyprint():
        markup = str(
            charts.line_chart(
                "l", "Over time", "desc", months, [charts.Series("A", list(range(12)))], fmt.number
            )
        )
    svg = parse(markup.split("</svg>", 1)[0] + "</svg>")
    points = [
        float(pair.split(",")[0]) for pair in next(svg.iter(f"{SVG}polyline")).get("points").split()
    ]
    width = float(svg.get("viewBox").split()[2])
    labels = re.findall(r'<span style="([^"]+)">(M\d+)</span>', markup)
    assert len(labels) >= 3
    for style, label in labels:
        share = 100 * points[int(label[1:])] / width
        placed = re.search(r"(left|right): ([\d.]+)%", style)
        at = float(placed[2]) if placed[1] == "left" else 100 - float(placed[2])
        assert abs(at - share) < 0.01, (label, style)


def test_period_labels_leave_room_for_each_other():
    """Twelve months fit three labels on the axis: the first, drawn from its point, does not
    run into the second, centred on its own (as "Jan 2026Apr 2026" once did)."""
    months = [f"{m} 2026" for m in "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()]
    with translation.override("en"):
        svg = parse(
            charts.line_chart(
                "l", "Over time", "desc", months, [charts.Series("A", [1] * 12)], fmt.number
            )
        )
    shown = [t.text for t in svg.iter(f"{SVG}text") if t.text in months]
    assert shown == ["Jan 2026", "May 2026", "Sep 2026"]
