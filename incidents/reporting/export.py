"""The service report as rows for a spreadsheet: (section, item, measure, value),
durations in hours, rates in percent, every cell safe to open."""

from helpdesk.spreadsheet import formula_safe

from .periods import Rate, Timing, hours
from .schools import SchoolRow
from .service import ServiceReport

HEADER = ("section", "item", "measure", "value")


def _percent(rate: Rate):
    return "" if rate.percent is None else rate.percent


def _timing_rows(section: str, label: str, timing: Timing) -> list[tuple]:
    return [
        (section, label, "calls timed", timing.timed),
        (section, label, "mean hours", "" if timing.mean is None else hours(timing.mean)),
        (section, label, "median hours", "" if timing.median is None else hours(timing.median)),
        (section, label, "within target", timing.met),
        (section, label, "measured against target", timing.measured),
        (section, label, "within target %", _percent(timing.compliance)),
    ]


def _school_rows(school: SchoolRow) -> list[tuple]:
    section = "Schools side by side"
    return [
        (section, school.name, "open at the end", school.open_calls),
        (section, school.name, "resolution target missed", school.breaches),
        (section, school.name, "first-contact resolution", school.first_contact.count),
        (section, school.name, "first-contact resolution %", _percent(school.first_contact)),
        (section, school.name, "calls reported", school.calls),
        (section, school.name, "active devices", school.devices),
        (
            section,
            school.name,
            "calls per 100 devices",
            "" if school.per_100_devices is None else school.per_100_devices,
        ),
        (section, school.name, "top category", school.top_category),
        (section, school.name, "top category calls", school.top_category_calls),
    ]


def report_rows(report: ServiceReport) -> list[tuple]:
    """The whole report as (section, item, measure, value) rows, for the CSV export."""
    period = report.period
    rows = [
        ("Period", "From", "date", period.start.isoformat()),
        ("Period", "To", "date", period.end.isoformat()),
        ("Period", "Site", "name", period.site_name),
        ("Calls", "Reported", "count", report.reported),
        ("Calls", "Logged by the desk", "count", report.logged),
        ("Calls", "Resolved", "count", report.resolved),
        ("Calls", "Closed", "count", report.closed),
        ("Calls", "Open at the start", "count", report.backlog_at_start),
        ("Calls", "Open at the end", "count", report.backlog_at_end),
    ]
    for label, rate in [
        ("First-contact resolution", report.first_contact),
        ("Resolved itself", report.resolved_itself),
        ("Reopened", report.reopened),
    ]:
        rows += [
            ("Closed calls", label, "count", rate.count),
            ("Closed calls", label, "% of closed", _percent(rate)),
        ]
    rows += [
        ("Resolved calls", "By a fix", "count", report.resolved_by_fix),
        ("Resolved calls", "By a workaround", "count", report.resolved_by_workaround),
        ("Resolved calls", "Closed without either", "count", report.resolved_without_kind),
    ]
    for figures in report.priorities:
        rows += _timing_rows("Time to respond", figures.label, figures.respond)
    for figures in report.priorities:
        rows += _timing_rows("Time to resolve", figures.label, figures.resolve)
    rows += [("Backlog age at the end", label, "count", n) for label, n in report.backlog_buckets]
    rows += [
        ("Calls per week", f"{week.start.isoformat()} to {week.end.isoformat()}", measure, value)
        for week in report.weeks
        for measure, value in (
            ("logged", week.logged),
            ("closed", week.closed),
            ("open at the end", week.backlog),
        )
    ]
    rows += [
        ("Top categories", item.label, "calls logged", item.count) for item in report.top_categories
    ]
    rows += [
        ("Top equipment", f"{item.label} {item.detail}", "calls logged", item.count)
        for item in report.top_equipment
    ]
    rows += [
        ("Top rooms", f"{item.label} ({item.detail})", "calls logged", item.count)
        for item in report.top_rooms
    ]
    rows += [
        (
            "Problem management",
            "Problems opened after incidents",
            "count",
            report.problems_reactive,
        ),
        ("Problem management", "Problems opened proactively", "count", report.problems_proactive),
        ("Problem management", "Known errors published", "count", report.known_errors),
    ]
    for group in report.consultations:
        rows += [
            ("Consultations", group.name, "consulted", group.consulted),
            ("Consultations", group.name, "answered", group.answered),
            ("Consultations", group.name, "still waiting", group.waiting),
            ("Consultations", group.name, "mean turnaround hours", hours(group.turnaround.mean)),
            (
                "Consultations",
                group.name,
                "median turnaround hours",
                hours(group.turnaround.median),
            ),
        ]
    if report.schools is not None:
        for school in [*report.schools.rows, report.schools.total]:
            rows += _school_rows(school)
    # Service requests, apart from every incident figure above.
    for row in [*report.requests.rows, report.requests.total]:
        rows += [
            ("Service requests", row.name, "asked for", row.received),
            ("Service requests", row.name, "approved", row.approved),
            ("Service requests", row.name, "declined", row.declined),
            ("Service requests", row.name, "fulfilled", row.fulfilled),
            ("Service requests", row.name, "fulfilled within target", row.met),
            ("Service requests", row.name, "% within target", _percent(row.on_time)),
            ("Service requests", row.name, "closed", row.closed),
            ("Service requests", row.name, "open at the end", row.open_at_end),
        ]
    return rows


def cell(value) -> str:
    """One cell as the CSV writes it: numbers as they are, text through the one
    formula escaper, so a name someone typed never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return formula_safe(value)


def csv_rows(report: ServiceReport) -> list[list[str]]:
    """The header and every row of the report, each cell ready to write."""
    return [list(HEADER)] + [[cell(value) for value in row] for row in report_rows(report)]
