"""Charts as plain, accessible inline SVG, drawn on the server.

No JavaScript and no chart library: a chart is a string of SVG markup that a
page embeds inline and WeasyPrint draws into the donor PDF. Every chart has a
``<title>`` and a ``<desc>`` that it is labelled by (``role="img"``), and the
page prints the same figures as a table under it. Text is escaped here; the
numbers arrive already formatted for the reader's language (see
``reports.formatting``), so the module knows nothing about languages.

Why not a library: the few Python libraries that emit SVG either pull in a
plotting stack (matplotlib) or add scripts and styles of their own (pygal);
what the reports need is three shapes, which take less code than adapting one.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 340
FONT = 14
SMALL_FONT = 12
BAR_HEIGHT = 14
ROW_HEIGHT = 42  # a label line and a bar line per item
PALETTE = ("#00676a", "#c2410c", "#5b3ea8", "#1d4ed8")
# Dash patterns tell series apart without colour.
DASHES = ("", "6 3", "2 3", "8 3 2 3")
MARKERS = ("circle", "square", "diamond", "triangle")


_FOR_WEASYPRINT = contextvars.ContextVar("reports_charts_for_weasyprint", default=False)


@contextlib.contextmanager
def for_weasyprint():
    """Inside, charts keep their words out of SVG text (see :func:`html_bar_chart`)."""
    token = _FOR_WEASYPRINT.set(True)
    try:
        yield
    finally:
        _FOR_WEASYPRINT.reset(token)


def for_weasyprint_active() -> bool:
    return _FOR_WEASYPRINT.get()


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # the bar's length (0 draws no bar)
    value_label: str  # what is printed after the bar


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def _text(x, y, content, *, size=FONT, anchor="start", weight="normal", fill="#1f2328") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}">{escape(content)}</text>'
    )


def _open(chart_id: str, title: str, description: str, height: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}" '
        f'font-family="inherit">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def bar_chart(chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """Horizontal bars in the order given (rank them before), each labelled above its bar."""
    if _FOR_WEASYPRINT.get():
        return html_bar_chart(chart_id, title, description, bars)
    label_width = WIDTH - 110  # room after the longest bar for its value
    top = 4
    height = top + max(len(bars), 1) * ROW_HEIGHT + 4
    largest = max((bar.value for bar in bars), default=0) or 1
    parts = [_open(chart_id, title, description, height)]
    if not bars:
        parts.append(_text(0, top + 20, description))
    for i, bar in enumerate(bars):
        y = top + i * ROW_HEIGHT
        length = label_width * bar.value / largest if bar.value > 0 else 0
        parts.append(_text(0, y + FONT, bar.label))
        if length:
            parts.append(
                f'<rect x="0" y="{y + FONT + 6:.1f}" width="{max(length, 1):.1f}" '
                f'height="{BAR_HEIGHT}" rx="2" fill="{PALETTE[0]}"/>'
            )
        parts.append(
            _text(length + 6, y + FONT + 6 + BAR_HEIGHT - 2, bar.value_label, weight="bold")
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node is escaped above


def html_bar_chart(chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """The same bars as HTML and CSS, for renderers that draw SVG text letter by letter.

    WeasyPrint shapes HTML text but not SVG text, and Khmer needs shaping
    (stacked consonants, vowels before the letter), so the donor PDF draws
    bars with this; browsers get :func:`bar_chart`.
    """
    largest = max((bar.value for bar in bars), default=0) or 1
    rows = "".join(
        f'<div class="bar-row"><div class="bar-label">{escape(bar.label)}</div>'
        f'<div class="bar-line"><span class="bar" style="width: {70 * bar.value / largest:.1f}%">'
        f'</span><span class="bar-value">{escape(bar.value_label)}</span></div></div>'
        for bar in bars
    )
    return mark_safe(  # noqa: S308 - every text is escaped above
        f'<div class="bar-chart" id="{chart_id}" role="img" '
        f'aria-label="{escape(title)}: {escape(description)}">{rows}</div>'
    )


def nice_ceiling(value: float, steps: int = 4) -> float:
    """An axis maximum at or above ``value`` that splits into ``steps`` round whole numbers.

    Each step is 1, 2 or 5 × 10ⁿ (at least 1), so gridlines read 0, 2, 4, 6, 8
    rather than 0, 1.25, 2.5.
    """
    if value <= 0:
        return steps
    raw = value / steps
    power = 10 ** max(0, math.floor(math.log10(raw)))
    for step in (1, 2, 5, 10):
        if raw <= step * power:
            return step * power * steps
    return 10 * power * steps  # pragma: no cover - the loop always returns


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    if kind == "diamond":
        points = f"{x:.1f},{y - 4:.1f} {x + 4:.1f},{y:.1f} {x:.1f},{y + 4:.1f} {x - 4:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if kind == "triangle":
        points = f"{x:.1f},{y - 4:.1f} {x + 4:.1f},{y + 3:.1f} {x - 4:.1f},{y + 3:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    format_value: Callable[[float], str],
    text_in_svg: bool = True,
) -> SafeString:
    """One line per series over ``labels`` (periods), with a legend and a y axis from zero.

    With ``text_in_svg`` False (for WeasyPrint, see :func:`html_bar_chart`), the
    period labels and the legend are written as HTML under the drawing; the
    axis keeps its numbers, which need no shaping.
    """
    text_in_svg = text_in_svg and not _FOR_WEASYPRINT.get()
    left, right, plot_top = 46, 8, 8
    legend_rows = len(series) if text_in_svg else 0
    plot_height = 150
    axis_y = plot_top + plot_height
    height = axis_y + (24 + legend_rows * 18 + 4 if text_in_svg else 6)
    plot_width = WIDTH - left - right
    largest = nice_ceiling(max((v for s in series for v in s.values), default=0))
    count = len(labels)

    def x_at(i: int) -> float:
        return left + (plot_width * i / (count - 1) if count > 1 else plot_width / 2)

    def y_at(value: float) -> float:
        return axis_y - plot_height * value / largest

    parts = [_open(chart_id, title, description, height)]
    for step in range(5):
        value = largest * step / 4
        y = y_at(value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" '
            f'stroke="#d0d7de" stroke-width="1"/>'
        )
        parts.append(_text(left - 4, y + 4, format_value(value), size=SMALL_FONT, anchor="end"))
    # As many period labels as fit side by side (about 0.6 em a character).
    widest = max((len(label) for label in labels), default=1) * SMALL_FONT * 0.6 + 10
    fits = max(2, int(plot_width // widest))
    every = max(1, math.ceil(count / fits))
    # The first label starts at its point and the second is centred on its own: they need
    # a label and a half between them, or the first runs into the second.
    step = plot_width / (count - 1) if count > 1 else plot_width
    while every < count - 1 and every * step < 1.5 * widest:
        every += 1
    shown = [
        (i, label)
        for i, label in enumerate(labels)
        if i % every == 0 or i == count - 1 and count <= 6
    ]

    def anchor_of(i: int) -> str:
        return "middle" if 0 < i < count - 1 or count == 1 else ("start" if i == 0 else "end")

    for i, label in shown if text_in_svg else []:
        parts.append(_text(x_at(i), axis_y + 16, label, size=SMALL_FONT, anchor=anchor_of(i)))
    for index, line in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in enumerate(line.values))
        dash = DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if count > 1:
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dash_attr}/>'
            )
        if count <= 26:
            marker = MARKERS[index % len(MARKERS)]
            parts.extend(
                _marker(marker, x_at(i), y_at(v), colour) for i, v in enumerate(line.values)
            )
        if not text_in_svg:
            continue
        y = axis_y + 24 + index * 18 + 10
        parts.append(
            f'<line x1="{left}" y1="{y - 4}" x2="{left + 24}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
        )
        parts.append(_marker(MARKERS[index % len(MARKERS)], left + 12, y - 4, colour))
        parts.append(_text(left + 30, y, line.name, size=SMALL_FONT))
    parts.append("</svg>")
    if not text_in_svg:
        # Each label under its own point, as in the drawing (as a share of its width).
        def place(i: int) -> str:
            at = 100 * x_at(i) / WIDTH
            return {
                "start": f"left: {at:.2f}%",
                "end": f"right: {100 - at:.2f}%",
                "middle": f"left: {at:.2f}%; transform: translateX(-50%)",
            }[anchor_of(i)]

        parts.append(
            '<div class="axis-labels">'
            + "".join(f'<span style="{place(i)}">{escape(label)}</span>' for i, label in shown)
            + '</div><ul class="legend">'
            + "".join(
                f'<li><span class="swatch" style="border-color: {PALETTE[i % len(PALETTE)]}; '
                f'border-top-style: {"solid" if not DASHES[i % len(DASHES)] else "dashed"}">'
                f"</span>{escape(line.name)}</li>"
                for i, line in enumerate(series)
            )
            + "</ul>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text node is escaped above
