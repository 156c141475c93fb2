"""Charts for the service report and the dashboard, drawn on the server as SVG.

No chart library and no script: each chart is plain SVG markup built with
``format_html`` (so every label is escaped) and coloured with presentation
attributes (``fill=``, ``stroke=``), which the Content-Security-Policy allows where
inline ``style`` would not be. Each chart carries a ``<title>`` and a ``<desc>``
that say what it shows, is exposed as one image (``role="img"``) labelled by them,
and comes with its numbers as a table for the page to show beside it.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .periods import Week, hours
from .service import PriorityFigures, ServiceReport

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 16, 64
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
MAX_X_LABELS = 10

# Blue and orange stay apart for the common kinds of colour blindness.
BLUE = "#1f5fbf"
ORANGE = "#c25e00"
PURPLE = "#6f42c1"
INK = "#212529"
MUTED = "#6c757d"
GRID = "#dee2e6"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


@dataclass(frozen=True)
class Chart:
    """An SVG picture and the same numbers as a table."""

    id: str
    title: str
    description: str
    svg: SafeString
    columns: list[str]
    rows: list[list[str]]


def _join(parts: Iterable[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _number(value: float) -> str:
    """Coordinates and values for the markup: short, with no exponent."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def short_date(day) -> str:
    return f"{day.day} {day:%b}"


def nice_ticks(highest: float, most: int = 5) -> list[float]:
    """Round axis steps (1, 2 or 5 × a power of ten) from 0 to at least ``highest``."""
    if highest <= 0:
        return [0, 1]
    rough = highest / most
    power = 10 ** math.floor(math.log10(rough))
    step = next(n * power for n in (1, 2, 5, 10) if n * power >= rough)
    count = math.ceil(highest / step - 1e-9)
    return [step * i for i in range(count + 1)]


def _svg(chart_id: str, title: str, description: str, body: Sequence[SafeString]) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'role="img" aria-labelledby="{id}-title {id}-desc" class="chart-svg" '
        'font-family="{font}" font-size="14" fill="{ink}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        font=FONT,
        ink=INK,
        title=title,
        desc=description,
        body=_join(body),
    )


def _y_axis(ticks: list[float], unit: str = "") -> list[SafeString]:
    """Horizontal grid lines with their values, from the bottom of the plot up."""
    top = ticks[-1] or 1
    parts = []
    for tick in ticks:
        y = TOP + PLOT_HEIGHT - tick / top * PLOT_HEIGHT
        parts.append(
            format_html(
                '<line x1="{x1}" x2="{x2}" y1="{y}" y2="{y}" stroke="{grid}" stroke-width="1"/>'
                '<text x="{tx}" y="{ty}" text-anchor="end" fill="{muted}" font-size="13">'
                "{label}</text>",
                x1=LEFT,
                x2=WIDTH - RIGHT,
                y=_number(y),
                grid=GRID,
                tx=LEFT - 6,
                ty=_number(y + 4),
                muted=MUTED,
                label=_number(tick) + unit,
            )
        )
    return parts


def _x_labels(labels: Sequence[str], slot: float) -> list[SafeString]:
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    return [
        format_html(
            '<text x="{x}" y="{y}" text-anchor="middle" fill="{muted}" font-size="13">{label}</text>',
            x=_number(LEFT + slot * (index + 0.5)),
            y=TOP + PLOT_HEIGHT + 16,
            muted=MUTED,
            label=label,
        )
        for index, label in enumerate(labels)
        if index % every == 0
    ]


def _legend(entries: Sequence[tuple[str, str]]) -> list[SafeString]:
    parts = []
    x: float = LEFT
    y = HEIGHT - 18
    for colour, label in entries:
        parts.append(
            format_html(
                '<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>'
                '<text x="{tx}" y="{ty}">{label}</text>',
                x=x,
                y=y - 10,
                colour=colour,
                tx=x + 18,
                ty=y,
                label=label,
            )
        )
        x += 32 + 8.5 * len(label)
    return parts


def _bar(x: float, width: float, value: float, top: float, colour: str, tip: str) -> SafeString:
    height = value / top * PLOT_HEIGHT if top else 0
    return format_html(
        '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{colour}"><title>{tip}</title></rect>',
        x=_number(x),
        y=_number(TOP + PLOT_HEIGHT - height),
        w=_number(width),
        h=_number(height),
        colour=colour,
        tip=tip,
    )


def _value_label(x: float, value: float, top: float, text: str) -> SafeString:
    """The value written just above its bar, so short bars can still be read."""
    y = TOP + PLOT_HEIGHT - (value / top * PLOT_HEIGHT if top else 0) - 4
    return format_html(
        '<text x="{x}" y="{y}" text-anchor="middle" font-size="12">{text}</text>',
        x=_number(x),
        y=_number(max(y, TOP + 8)),
        text=text,
    )


def _week_label(week: Week) -> str:
    return f"{short_date(week.start)} – {short_date(week.end)}"


def calls_per_week(weeks: Sequence[Week]) -> Chart:
    """Grouped bars: calls logged and calls closed in each week of the period."""
    chart_id = "chart-calls-per-week"
    title = "Calls logged and closed per week"
    logged, closed = sum(w.logged for w in weeks), sum(w.closed for w in weeks)
    busiest = max(weeks, key=lambda w: w.logged) if weeks else None
    description = (
        f"Bar chart of the calls logged and closed in each of {len(weeks)} weeks, "
        f"from {short_date(weeks[0].start)} to {short_date(weeks[-1].end)}: "
        f"{logged} logged and {closed} closed in all."
        if weeks
        else "No weeks in the period."
    )
    if busiest and busiest.logged:
        description += (
            f" The busiest week was {_week_label(busiest)}, with {busiest.logged} logged."
        )
    ticks = nice_ticks(max([w.logged for w in weeks] + [w.closed for w in weeks] + [0]))
    slot = PLOT_WIDTH / max(len(weeks), 1)
    bar = slot * 0.38
    body = _y_axis(ticks)
    for index, week in enumerate(weeks):
        x = LEFT + slot * index + slot * 0.12
        label = _week_label(week)
        body.append(_bar(x, bar, week.logged, ticks[-1], BLUE, f"{label}: {week.logged} logged"))
        body.append(
            _bar(x + bar, bar, week.closed, ticks[-1], ORANGE, f"{label}: {week.closed} closed")
        )
    body += _x_labels([short_date(w.start) for w in weeks], slot)
    body += _legend([(BLUE, "Logged"), (ORANGE, "Closed")])
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=_svg(chart_id, title, description, body),
        columns=["Week", "Logged", "Closed"],
        rows=[[_week_label(w), str(w.logged), str(w.closed)] for w in weeks],
    )


def backlog_over_time(weeks: Sequence[Week], at_start: int) -> Chart:
    """A line: the calls still open at the start and at the end of each week."""
    chart_id = "chart-backlog"
    title = "Backlog: calls open at the end of each week"
    points = [(f"Start ({short_date(weeks[0].start)})" if weeks else "Start", at_start)]
    points += [(f"End of {_week_label(w)}", w.backlog) for w in weeks]
    highest = max(points, key=lambda point: point[1])
    description = (
        f"Line chart of the open calls: {at_start} at the start of the period, "
        f"{points[-1][1]} at its end; the most was {highest[1]} ({highest[0].lower()})."
    )
    ticks = nice_ticks(highest[1])
    step = PLOT_WIDTH / max(len(points) - 1, 1)
    coordinates = [
        (LEFT + step * index, TOP + PLOT_HEIGHT - value / ticks[-1] * PLOT_HEIGHT)
        for index, (_label, value) in enumerate(points)
    ]
    body = _y_axis(ticks)
    body.append(
        format_html(
            '<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5" '
            'stroke-linejoin="round"/>',
            points=" ".join(f"{_number(x)},{_number(y)}" for x, y in coordinates),
            colour=PURPLE,
        )
    )
    for (x, y), (label, value) in zip(coordinates, points, strict=True):
        body.append(
            format_html(
                '<circle cx="{x}" cy="{y}" r="3.5" fill="{colour}"><title>{tip}</title></circle>',
                x=_number(x),
                y=_number(y),
                colour=PURPLE,
                tip=f"{label}: {value} open",
            )
        )
    every = max(1, math.ceil(len(points) / MAX_X_LABELS))
    labels = [short_date(weeks[0].start)] if weeks else ["Start"]
    labels += [short_date(w.end) for w in weeks]
    shown = None
    for index, label in enumerate(labels):
        if label != shown and (index % every == 0 or index == len(labels) - 1):
            shown = label
            first, last = index == 0, index == len(labels) - 1
            body.append(
                format_html(
                    '<text x="{x}" y="{y}" text-anchor="{anchor}" fill="{muted}" font-size="13">'
                    "{label}</text>",
                    anchor="start" if first else "end" if last else "middle",
                    x=_number(coordinates[index][0]),
                    y=TOP + PLOT_HEIGHT + 16,
                    muted=MUTED,
                    label=label,
                )
            )
    body += _legend([(PURPLE, "Open calls")])
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=_svg(chart_id, title, description, body),
        columns=["When", "Open calls"],
        rows=[[label, str(value)] for label, value in points],
    )


def _hours_text(value: float | None) -> str:
    return "—" if value is None else f"{_number(value)} h"


def resolve_time_by_priority(priorities: Sequence[PriorityFigures]) -> Chart:
    """Side-by-side bars: mean and median hours to resolve, for each priority."""
    chart_id = "chart-resolve-time"
    title = "Time to resolve by priority (hours)"
    figures = [
        (p.label, hours(p.resolve.mean), hours(p.resolve.median), p.resolve.timed)
        for p in priorities
    ]
    said = [
        f"{label}: mean {_hours_text(mean)}, median {_hours_text(median)} ({count} resolved)"
        for label, mean, median, count in figures
        if count
    ]
    description = "Bar chart of the mean and median hours to resolve, by priority. " + (
        "; ".join(said) + "." if said else "No calls were resolved in the period."
    )
    ticks = nice_ticks(max([0.0] + [v or 0 for _l, *pair, _c in figures for v in pair]))
    slot = PLOT_WIDTH / max(len(figures), 1)
    bar = slot * 0.34
    body = _y_axis(ticks, " h")
    for index, (label, mean, median, count) in enumerate(figures):
        x = LEFT + slot * index + slot * 0.16
        if not count or mean is None or median is None:
            body.append(
                format_html(
                    '<text x="{x}" y="{y}" text-anchor="middle" fill="{muted}" font-size="13">'
                    "none</text>",
                    x=_number(x + bar),
                    y=TOP + PLOT_HEIGHT - 6,
                    muted=MUTED,
                )
            )
            continue
        for offset, value, colour, name in (
            (0, mean, BLUE, "mean"),
            (bar, median, ORANGE, "median"),
        ):
            text = _hours_text(value)
            body.append(_bar(x + offset, bar, value, ticks[-1], colour, f"{label}: {name} {text}"))
            body.append(_value_label(x + offset + bar / 2, value, ticks[-1], text))
    body += _x_labels([label for label, *_rest in figures], slot)
    body += _legend([(BLUE, "Mean"), (ORANGE, "Median")])
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=_svg(chart_id, title, description, body),
        columns=["Priority", "Resolved", "Mean", "Median"],
        rows=[
            [label, str(count), _hours_text(mean), _hours_text(median)]
            for label, mean, median, count in figures
        ],
    )


def breaches_by_priority(counts: Sequence[tuple[str, int]]) -> Chart:
    """Bars: the open calls past a target now, for each priority."""
    chart_id = "chart-breaches"
    title = "Open calls past a target, by priority"
    total = sum(n for _label, n in counts)
    said = [f"{label}: {n}" for label, n in counts if n]
    description = f"Bar chart of the {total} open calls past a target now, by priority" + (
        ". " + "; ".join(said) + "." if said else ": none."
    )
    ticks = nice_ticks(max([n for _label, n in counts] + [0]))
    slot = PLOT_WIDTH / max(len(counts), 1)
    bar = slot * 0.5
    body = _y_axis(ticks)
    for index, (label, n) in enumerate(counts):
        x = LEFT + slot * index + slot * 0.25
        body.append(_bar(x, bar, n, ticks[-1], ORANGE, f"{label}: {n} past a target"))
        body.append(_value_label(x + bar / 2, n, ticks[-1], str(n)))
    body += _x_labels([label for label, _n in counts], slot)
    body += _legend([(ORANGE, "Past a target")])
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=_svg(chart_id, title, description, body),
        columns=["Priority", "Past a target"],
        rows=[[label, str(n)] for label, n in counts],
    )


def for_report(report: ServiceReport) -> list[Chart]:
    """The report page's charts, in the order the page shows them."""
    return [
        calls_per_week(report.weeks),
        backlog_over_time(report.weeks, report.backlog_at_start),
        resolve_time_by_priority(report.priorities),
    ]
