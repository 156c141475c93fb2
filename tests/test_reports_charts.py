"""The report's charts: server-side SVG that a screen reader can name, that the
Content-Security-Policy lets through (no script, no inline style), with every
label escaped and the numbers in a table beside."""

import re
from datetime import date

import pytest

from incidents.reporting import PriorityFigures, Timing, Week, charts
from tests.reports_helpers import build_february

WEEKS = [
    Week(date(2026, 2, 1), date(2026, 2, 1), logged=0, closed=0, backlog=2),
    Week(date(2026, 2, 2), date(2026, 2, 8), logged=2, closed=3, backlog=1),
    Week(date(2026, 2, 9), date(2026, 2, 15), logged=12, closed=2, backlog=11),
]


def every_chart():
    priorities = [
        PriorityFigures(1, "1 – Critical", Timing(), Timing(2, 4 * 3600, 3 * 3600, 1, 2)),
        PriorityFigures(2, '<b>High</b> & "quoted"', Timing(), Timing()),
    ]
    return [
        charts.calls_per_week(WEEKS),
        charts.backlog_over_time(WEEKS, at_start=2),
        charts.resolve_time_by_priority(priorities),
    ]


@pytest.mark.parametrize("chart", every_chart(), ids=lambda c: c.id)
def test_each_chart_is_one_named_image(chart):
    svg = str(chart.svg)
    assert svg.startswith("<svg ")
    assert 'role="img"' in svg
    assert f'aria-labelledby="{chart.id}-title {chart.id}-desc"' in svg
    assert f'<title id="{chart.id}-title">' in svg
    assert f'<desc id="{chart.id}-desc">' in svg
    assert "<script" not in svg
    assert "style=" not in svg
    assert not re.search(r"\son[a-z]+=", svg)


def test_calls_per_week_draws_two_bars_a_week_and_says_what_it_shows():
    chart = charts.calls_per_week(WEEKS)
    assert str(chart.svg).count("<rect") == 2 * len(WEEKS) + 2  # bars and the legend's keys
    assert "14 logged and 5 closed in all" in chart.description
    assert "busiest week was 9 Feb – 15 Feb, with 12 logged" in chart.description
    assert chart.columns == ["Week", "Logged", "Closed"]
    assert chart.rows[2] == ["9 Feb – 15 Feb", "12", "2"]


def test_backlog_starts_at_the_start_and_follows_each_week():
    chart = charts.backlog_over_time(WEEKS, at_start=2)
    assert [row[1] for row in chart.rows] == ["2", "2", "1", "11"]
    assert "2 at the start of the period, 11 at its end" in chart.description
    assert str(chart.svg).count("<circle") == 4


def test_labels_are_escaped_everywhere():
    chart = every_chart()[2]
    svg = str(chart.svg)
    assert "<b>" not in svg
    assert "&lt;b&gt;High&lt;/b&gt; &amp; &quot;quoted&quot;" in svg
    assert chart.rows[1][0] == '<b>High</b> & "quoted"'  # the template escapes the table


def test_time_to_resolve_gives_hours_and_marks_priorities_without_calls():
    chart = every_chart()[2]
    assert chart.rows[0] == ["1 – Critical", "2", "4 h", "3 h"]
    assert chart.rows[1][1:] == ["0", "—", "—"]
    assert "1 – Critical: mean 4 h, median 3 h (2 resolved)" in chart.description
    assert ">none</text>" in str(chart.svg)


def test_charts_cope_with_a_period_without_calls():
    empty = [Week(date(2026, 2, 2), date(2026, 2, 8), 0, 0, 0)]
    for chart in (charts.calls_per_week(empty), charts.backlog_over_time(empty, 0)):
        assert "nan" not in str(chart.svg).lower()


@pytest.mark.parametrize(
    ("highest", "ticks"),
    [(0, [0, 1]), (4, [0, 1, 2, 3, 4]), (7, [0, 2, 4, 6, 8]), (130, [0, 50, 100, 150])],
)
def test_axis_ticks_are_round_numbers(highest, ticks):
    assert charts.nice_ticks(highest) == ticks


def test_report_page_shows_each_chart_with_its_numbers_and_no_inline_script_or_style(
    client_for, admin_user, reporter, desk, technician, site
):
    build_february(reporter=reporter, desk=desk, technician=technician, site=site)
    response = client_for(admin_user).get(
        "/reports/service/", {"start": "2026-02-01", "end": "2026-02-28"}
    )
    page = response.content.decode()
    for chart_id in ("chart-calls-per-week", "chart-backlog", "chart-resolve-time"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in page
        assert f'id="{chart_id}-numbers"' in page
    assert "style=" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))
    assert "Content-Security-Policy" in response.headers
    assert "data-print" in page
    assert "css/reports.css" in page
