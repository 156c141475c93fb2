"""Management information: the desk's dashboard, the service report, its CSV and
its charts.

Every figure is computed by the database with aggregations; Python only lays the
results out. Each function runs a fixed number of queries whatever the number of
incidents in the period (the report page's query count is a test). Target states
(breached, at risk, met) are those of `incidents.targets`, never worked out here;
the sets of states are those of `incidents.models.states`; durations are written by
`incidents.targets.format_duration` (the ``duration`` template filter).

- `periods`: the period, its weeks, rates and timings;
- `expressions`: durations in seconds, medians, a call's place in a period;
- `service`: the service report; `dashboard`: the dashboard;
- `export`: the report as CSV rows; `charts`: the report's SVG charts;
- `schools`: the schools side by side, when a report covers more than one.

What each figure means (a "call" is an incident; times are the school's local time).

The service report, for a period and a site or all sites:

- **logged** in the period: accepted and logged by the service desk (``logged_at``) within
  it; **reported**: sheets received (``created_at``) within it, logged or not. The
  per-week series, the top lists and the response times count the calls reported.
- **resolved** / **closed**: ``resolved_at`` / ``closed_at`` within the period. A reopened
  call loses its ``resolved_at`` and counts when it is resolved again.
- **time to respond**: ``responded_at - created_at``, for the calls logged in the period
  that have had a response. Response target met: the target module's *met*
  (``responded_at <= response_due_at``); measured against the target: the calls
  answered, plus those with no response whose due time has passed (counted as missed).
- **time to resolve**: ``resolved_at - created_at - paused_seconds`` (the target clock
  stops while the desk waits for the user or a third party), for the calls resolved in
  the period. Resolution target met: the target module's *met* (``resolved_at <=
  resolution_due_at``, the due time already moved on by every pause), out of every
  call resolved in the period.
- **first-contact resolution**: of the calls closed in the period with a fix or a
  workaround (closure codes *fixed* and *workaround in place*), those never passed to a
  technician (``assigned_at`` empty): duplicates, "not an incident", "no fault found" and
  "resolved itself" are not counted either way (`service.FIRST_CONTACT_DEFINITION`,
  shown beside the figure).
- **"resolved itself"** and **reopen** rates: shares of the calls closed in the period
  that were closed as resolved itself, and that were reopened at least once.
- **resolved by a fix / a workaround / neither**: the calls resolved in the period by
  their resolution kind.
- **backlog at period start / end**: calls reported before that moment and not closed by
  then (resolved but not yet closed counts as open); the end's backlog is bucketed by
  the calls' age at the end.
- **backlog over time**: the same count at the end of each week, from the backlog at
  the start plus the calls logged less the calls closed week by week.
- **top categories, equipment, rooms**: the ten with the most calls logged in the period.
- **problems** opened in the period, reactive or proactive, and **known errors**
  published (known-error articles written in the period). With a site chosen, a
  problem counts when its equipment or one of its incidents is at that site.
- **consultations** started (``contacted_at``) in the period, by support group, with
  their turnaround ``answered_at - contacted_at`` and those still waiting.

Schools side by side (the service report, its CSV and the dashboard), when the report
covers more than one school and no school or site is chosen: a row per school and
their total, with open calls, resolution breaches, first-contact resolution (the
definition above), calls per 100 active devices and the top category; what each
means is in `schools`. A school's own desk never sees the table.

Medians: ``percentile_cont(0.5)`` on PostgreSQL, window functions on SQLite (see
`expressions`); both give the same figures.

The dashboard, now, for a site or all sites:

- **open calls** by state and priority: every state but closed.
- **breached** / **at risk**: calls not yet resolved whose call state in
  `incidents.targets` is breached / at risk.
- **unassigned**: logged or technician requested, with no technician.
- **unowned**: open calls nobody on the desk owns.
- **to chase**: open consultations whose chase date is today or earlier.
- **new / closed today, this week**: reported / closed since local midnight, since
  Monday's.
- **oldest**: the ten open calls reported longest ago, with their age.
"""

from .dashboard import Dashboard, StateRow, dashboard
from .export import csv_rows, report_rows
from .expressions import Median, Seconds, grouped_timings, seconds_between, window_medians
from .periods import MAX_PERIOD_DAYS, Period, Rate, Timing, Week, hours, long_date
from .schools import SchoolRow, SideBySide, schools_side_by_side
from .service import (
    BACKLOG_BUCKETS,
    GroupTurnaround,
    PriorityFigures,
    Ranked,
    ServiceReport,
    service_report,
)

__all__ = [
    "BACKLOG_BUCKETS",
    "MAX_PERIOD_DAYS",
    "Dashboard",
    "GroupTurnaround",
    "Median",
    "Period",
    "PriorityFigures",
    "Ranked",
    "Rate",
    "SchoolRow",
    "Seconds",
    "ServiceReport",
    "SideBySide",
    "StateRow",
    "Timing",
    "Week",
    "csv_rows",
    "dashboard",
    "grouped_timings",
    "hours",
    "long_date",
    "report_rows",
    "schools_side_by_side",
    "seconds_between",
    "service_report",
    "window_medians",
]
