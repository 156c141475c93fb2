"""Management information: the desk's dashboard and the service report.

Every figure is computed by the database with aggregations; Python only lays the
results out. Each function runs a fixed number of queries whatever the number of
incidents in the period (the report page's query count is a test).

What each figure means (a "call" is an incident; times are the school's local time):

- **logged** in the period: reported (``created_at``) within it, whatever became of it.
- **resolved** / **closed**: ``resolved_at`` / ``closed_at`` within the period. A reopened
  call loses its ``resolved_at`` and counts when it is resolved again.
- **time to respond**: ``responded_at - created_at``, for the calls logged in the period
  that have had a response. Response target met: ``responded_at <= response_due_at``;
  a call with no response whose due time has passed counts as missed.
- **time to resolve**: ``resolved_at - created_at - paused_seconds`` (the target clock
  stops while the desk waits for the user or a third party), for the calls resolved in
  the period. Resolution target met: ``resolved_at <= resolution_due_at`` (the due time
  already moved on by every pause).
- **first-contact resolution**, **"resolved itself"** and **reopen** rates: shares of
  the calls closed in the period that never went to a technician (``assigned_at`` empty),
  that were closed as resolved itself, and that were reopened at least once.
- **backlog at period end**: calls reported before the end and not closed by then
  (resolved but not yet closed counts as open), bucketed by their age at the end.
- **backlog over time**: the same count at the end of each week, from the backlog at
  the start plus the calls logged less the calls closed week by week.
- **problems** opened in the period, reactive or proactive, and **known errors**
  published (known-error articles written in the period). With a site chosen, a
  problem counts when its equipment or one of its incidents is at that site.
- **consultations** started (``contacted_at``) in the period, by support group, with
  their turnaround ``answered_at - contacted_at``.

Medians: PostgreSQL computes them with ``percentile_cont(0.5)`` in the same grouped
query as the means. SQLite has no percentile aggregate, so one extra query ranks the
durations of each group with window functions (``ROW_NUMBER`` and ``COUNT`` over the
group) and returns only the one or two middle rows of each group, whose average is
the median. Both give the same figures (a test checks the two methods agree).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connections
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber, TruncWeek
from django.utils import timezone

from .models import (
    ACTIVE_STATUSES,
    DEFAULT_TARGETS,
    OPEN_STATUSES,
    ArticleKind,
    ClosureCode,
    Consultation,
    ConsultationStatus,
    Incident,
    KnowledgeArticle,
    Priority,
    PriorityTarget,
    Problem,
    ResolutionKind,
    Site,
    Status,
)

TOP_N = 10
OLDEST_N = 10
CHASE_N = 10
# A call is "at risk" when less than this share of its resolution target remains.
AT_RISK_SHARE = 0.25
# The longest period a report covers: two school years and a bit.
MAX_PERIOD_DAYS = 800

# Age of the backlog at the period's end: (label, lower bound, upper bound).
BACKLOG_BUCKETS = [
    ("Under 1 day", timedelta(0), timedelta(days=1)),
    ("1–3 days", timedelta(days=1), timedelta(days=3)),
    ("3–7 days", timedelta(days=3), timedelta(days=7)),
    ("1–2 weeks", timedelta(days=7), timedelta(days=14)),
    ("2–4 weeks", timedelta(days=14), timedelta(days=28)),
    ("Over 4 weeks", timedelta(days=28), None),
]


# ---------------------------------------------------------------- database helpers


class Seconds(Func):
    """A duration (the difference of two datetimes) in seconds, as a float.

    PostgreSQL subtracts to an interval and takes its epoch; SQLite's Django
    backend subtracts to whole microseconds. Both are exact to the microsecond.
    """

    output_field = FloatField()
    arity = 1

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS double precision)"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "(%(expressions)s / 1000000.0)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


class Median(Aggregate):
    """The median of a group: PostgreSQL's ordered-set aggregate ``percentile_cont``."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def seconds_between(start: str, end: str) -> Seconds:
    return Seconds(F(end) - F(start))


def _respond_seconds():
    return seconds_between("created_at", "responded_at")


def _resolve_seconds():
    """Time to resolve, less the time the target clock was paused."""
    return ExpressionWrapper(
        seconds_between("created_at", "resolved_at") - F("paused_seconds"),
        output_field=FloatField(),
    )


def _has_percentile(qs: QuerySet) -> bool:
    return connections[qs.db].vendor == "postgresql"


def grouped_timings(qs: QuerySet, group: str, seconds, **aggregates) -> dict:
    """Per value of ``group``: how many durations, their mean and median (seconds),
    plus any extra aggregates. One query on PostgreSQL, two on SQLite."""
    values = {
        "timed": Count(seconds),
        "mean": Avg(seconds),
        **aggregates,
    }
    if _has_percentile(qs):
        values["median"] = Median(seconds)
    rows = {row[group]: row for row in qs.order_by().values(group).annotate(**values)}
    if not _has_percentile(qs):
        medians = window_medians(qs, group, seconds)
        for key, row in rows.items():
            row["median"] = medians.get(key)
    return rows


def window_medians(qs: QuerySet, group: str, seconds) -> dict:
    """Medians per group with window functions, for databases without percentile_cont.

    Each group's durations are numbered in order; only the middle one (odd count) or
    two (even count) rows come back, so the rows fetched do not grow with the data.
    """
    middle = (
        qs.order_by()
        .annotate(_seconds=seconds)
        .filter(_seconds__isnull=False)
        .annotate(
            _rank=Window(RowNumber(), partition_by=[F(group)], order_by=[F("_seconds").asc()]),
            _size=Window(Count("pk"), partition_by=[F(group)]),
        )
        .filter(_rank__gte=(F("_size") + 1) / 2, _rank__lte=(F("_size") + 2) / 2)
        .values_list(group, "_seconds")
    )
    found = defaultdict(list)
    for key, value in middle:
        found[key].append(value)
    return {key: sum(values) / len(values) for key, values in found.items()}


# ---------------------------------------------------------------- presentation helpers


def human_duration(seconds: float | None) -> str:
    """Seconds → "45 min", "3 h 20 min", "2 d 4 h"; "—" when there is nothing to show."""
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    whole_hours, minutes = divmod(minutes, 60)
    if whole_hours < 24:
        return f"{whole_hours} h {minutes} min" if minutes else f"{whole_hours} h"
    days, whole_hours = divmod(whole_hours, 24)
    return f"{days} d {whole_hours} h" if whole_hours else f"{days} d"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


@dataclass(frozen=True)
class Rate:
    """``count`` out of ``total``, shown as "2 of 5 (40%)"."""

    count: int
    total: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.count / self.total, 1) if self.total else None

    def __str__(self) -> str:
        if not self.total:
            return "—"
        return f"{self.count} of {self.total} ({self.percent:g}%)"


@dataclass(frozen=True)
class Timing:
    """Durations of one group: how many, mean, median (seconds) and the target met."""

    timed: int = 0
    mean: float | None = None
    median: float | None = None
    met: int = 0
    measured: int = 0

    @property
    def compliance(self) -> Rate:
        return Rate(self.met, self.measured)

    @property
    def mean_display(self) -> str:
        return human_duration(self.mean)

    @property
    def median_display(self) -> str:
        return human_duration(self.median)

    @classmethod
    def from_row(cls, row: dict | None) -> "Timing":
        if not row:
            return cls()
        return cls(
            timed=row["timed"],
            mean=row["mean"],
            median=row["median"],
            met=row.get("met", 0),
            measured=row.get("measured", 0),
        )


# ---------------------------------------------------------------- the period


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end`` (both whole days, inclusive), at one site or all."""

    start: date
    end: date
    site: Site | None = None

    @classmethod
    def last_month(cls, today: date, site: Site | None = None) -> "Period":
        end = today.replace(day=1) - timedelta(days=1)
        return cls(start=end.replace(day=1), end=end, site=site)

    @classmethod
    def this_month(cls, today: date, site: Site | None = None) -> "Period":
        return cls(start=today.replace(day=1), end=today, site=site)

    @classmethod
    def school_year(cls, today: date, site: Site | None = None) -> "Period":
        """From 1 September to today: the school year so far."""
        year = today.year if today.month >= 9 else today.year - 1
        return cls(start=date(year, 9, 1), end=today, site=site)

    @property
    def starts_at(self) -> datetime:
        return _midnight(self.start)

    @property
    def ends_at(self) -> datetime:
        """The first moment after the period (exclusive)."""
        return _midnight(self.end + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def site_name(self) -> str:
        return self.site.name if self.site else "All sites"

    def __str__(self) -> str:
        return f"{long_date(self.start)} – {long_date(self.end)}, {self.site_name}"


# ---------------------------------------------------------------- the service report


@dataclass(frozen=True)
class PriorityFigures:
    priority: int
    label: str
    respond: Timing
    resolve: Timing


@dataclass(frozen=True)
class Week:
    """One bucket of the weekly charts, clipped to the period."""

    start: date
    end: date
    logged: int
    closed: int
    backlog: int  # open at the end of the week


@dataclass(frozen=True)
class Ranked:
    label: str
    count: int
    detail: str = ""
    pk: int | None = None


@dataclass(frozen=True)
class GroupTurnaround:
    group_id: int
    name: str
    consulted: int
    answered: int
    waiting: int
    turnaround: Timing


@dataclass
class ServiceReport:
    period: Period
    logged: int
    resolved: int
    closed: int
    first_contact: Rate
    resolved_itself: Rate
    reopened: Rate
    resolved_by_fix: int
    resolved_by_workaround: int
    resolved_without_kind: int
    backlog_at_start: int
    backlog_at_end: int
    backlog_buckets: list[tuple[str, int]]
    priorities: list[PriorityFigures]
    weeks: list[Week]
    top_categories: list[Ranked]
    top_equipment: list[Ranked]
    top_rooms: list[Ranked]
    problems_reactive: int
    problems_proactive: int
    known_errors: int
    consultations: list[GroupTurnaround] = field(default_factory=list)

    @property
    def problems_opened(self) -> int:
        return self.problems_reactive + self.problems_proactive

    @property
    def respond_overall(self) -> Rate:
        return Rate(
            sum(p.respond.met for p in self.priorities),
            sum(p.respond.measured for p in self.priorities),
        )

    @property
    def resolve_overall(self) -> Rate:
        return Rate(
            sum(p.resolve.met for p in self.priorities),
            sum(p.resolve.measured for p in self.priorities),
        )


def _incidents(site: Site | None) -> QuerySet[Incident]:
    qs = Incident.objects.order_by()
    return qs.filter(site=site) if site is not None else qs


def _within(field_name: str, start: datetime, end: datetime) -> Q:
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def _open_at(moment: datetime) -> Q:
    """Reported before the moment and not closed by then."""
    return Q(created_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


def service_report(period: Period, *, now: datetime | None = None) -> ServiceReport:
    """Every figure of the service report for one period and site (about 12 queries)."""
    now = now or timezone.now()
    start, end = period.starts_at, period.ends_at
    incidents = _incidents(period.site)

    # 1. Counts and rates, in one pass over the calls that touch the period.
    closed_in = _within("closed_at", start, end)
    resolved_in = _within("resolved_at", start, end)
    buckets = {}
    for index, (_label, low, high) in enumerate(BACKLOG_BUCKETS):
        condition = _open_at(end) & Q(created_at__lte=end - low)
        if high is not None:
            condition &= Q(created_at__gt=end - high)
        buckets[f"bucket_{index}"] = Count("pk", filter=condition)
    totals = (
        incidents.filter(created_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .aggregate(
            logged=Count("pk", filter=_within("created_at", start, end)),
            resolved=Count("pk", filter=resolved_in),
            closed=Count("pk", filter=closed_in),
            first_contact=Count("pk", filter=closed_in & Q(assigned_at__isnull=True)),
            resolved_itself=Count(
                "pk", filter=closed_in & Q(closure_code=ClosureCode.RESOLVED_ITSELF)
            ),
            reopened=Count("pk", filter=closed_in & Q(reopen_count__gt=0)),
            by_fix=Count("pk", filter=resolved_in & Q(resolution_kind=ResolutionKind.FIX)),
            by_workaround=Count(
                "pk", filter=resolved_in & Q(resolution_kind=ResolutionKind.WORKAROUND)
            ),
            backlog_at_start=Count("pk", filter=_open_at(start)),
            backlog_at_end=Count("pk", filter=_open_at(end)),
            **buckets,
        )
    )

    # 2. Time to respond and to resolve, with target compliance, by priority.
    logged = incidents.filter(_within("created_at", start, end))
    respond = grouped_timings(
        logged,
        "priority",
        _respond_seconds(),
        met=Count("pk", filter=Q(responded_at__lte=F("response_due_at"))),
        measured=Count("pk", filter=Q(responded_at__isnull=False) | Q(response_due_at__lt=now)),
    )
    resolve = grouped_timings(
        incidents.filter(resolved_in),
        "priority",
        _resolve_seconds(),
        met=Count("pk", filter=Q(resolved_at__lte=F("resolution_due_at"))),
        measured=Count("pk"),
    )
    priorities = [
        PriorityFigures(
            priority=priority.value,
            label=priority.label,
            respond=Timing.from_row(respond.get(priority.value)),
            resolve=Timing.from_row(resolve.get(priority.value)),
        )
        for priority in Priority
    ]

    # 3. Calls per week, logged and closed; the backlog follows from them.
    logged_by_week = _by_week(logged, "created_at")
    closed_by_week = _by_week(incidents.filter(closed_in), "closed_at")
    weeks = _weeks(period, logged_by_week, closed_by_week, totals["backlog_at_start"])

    return ServiceReport(
        period=period,
        logged=totals["logged"],
        resolved=totals["resolved"],
        closed=totals["closed"],
        first_contact=Rate(totals["first_contact"], totals["closed"]),
        resolved_itself=Rate(totals["resolved_itself"], totals["closed"]),
        reopened=Rate(totals["reopened"], totals["closed"]),
        resolved_by_fix=totals["by_fix"],
        resolved_by_workaround=totals["by_workaround"],
        resolved_without_kind=totals["resolved"] - totals["by_fix"] - totals["by_workaround"],
        backlog_at_start=totals["backlog_at_start"],
        backlog_at_end=totals["backlog_at_end"],
        backlog_buckets=[
            (label, totals[f"bucket_{index}"])
            for index, (label, _low, _high) in enumerate(BACKLOG_BUCKETS)
        ],
        priorities=priorities,
        weeks=weeks,
        **_top_lists(logged),
        **_problem_counts(period),
        consultations=_consultations(period),
    )


def _by_week(qs: QuerySet, field_name: str) -> dict[date, int]:
    """Calls per (local, Monday-starting) week of ``field_name``."""
    rows = qs.annotate(week=TruncWeek(field_name)).values_list("week").annotate(n=Count("pk"))
    return {timezone.localtime(week).date(): n for week, n in rows}


def _weeks(period: Period, logged: dict, closed: dict, backlog: int) -> list[Week]:
    """The period's weeks, clipped to it, with the backlog carried week to week."""
    weeks = []
    monday = period.start - timedelta(days=period.start.weekday())
    while monday <= period.end:
        in_week_logged, in_week_closed = logged.get(monday, 0), closed.get(monday, 0)
        backlog += in_week_logged - in_week_closed
        weeks.append(
            Week(
                start=max(monday, period.start),
                end=min(monday + timedelta(days=6), period.end),
                logged=in_week_logged,
                closed=in_week_closed,
                backlog=backlog,
            )
        )
        monday += timedelta(days=7)
    return weeks


def _top_lists(logged: QuerySet) -> dict:
    categories = (
        logged.filter(category__isnull=False)
        .values("category_id", "category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__name")[:TOP_N]
    )
    equipment = (
        logged.filter(equipment__isnull=False)
        .values("equipment_id", "equipment__asset_tag", "equipment__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "equipment__asset_tag")[:TOP_N]
    )
    rooms = (
        logged.filter(room__isnull=False)
        .values("room_id", "room__name", "room__site__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "room__site__name", "room__name")[:TOP_N]
    )
    return {
        "top_categories": [
            Ranked(label=row["category__name"], count=row["n"], pk=row["category_id"])
            for row in categories
        ],
        "top_equipment": [
            Ranked(
                label=row["equipment__asset_tag"],
                detail=row["equipment__name"],
                count=row["n"],
                pk=row["equipment_id"],
            )
            for row in equipment
        ],
        "top_rooms": [
            Ranked(
                label=row["room__name"],
                detail=row["room__site__name"],
                count=row["n"],
                pk=row["room_id"],
            )
            for row in rooms
        ],
    }


def _problem_counts(period: Period) -> dict:
    start, end = period.starts_at, period.ends_at
    problems = Problem.objects.order_by().filter(_within("created_at", start, end))
    articles = KnowledgeArticle.objects.order_by().filter(
        _within("created_at", start, end), kind=ArticleKind.KNOWN_ERROR
    )
    if period.site is not None:
        problems = problems.filter(Q(equipment__site=period.site) | Q(incidents__site=period.site))
        articles = articles.filter(
            Q(problem__equipment__site=period.site) | Q(problem__incidents__site=period.site)
        )
    counts = problems.aggregate(
        n_proactive=Count("pk", distinct=True, filter=Q(proactive=True)),
        n_reactive=Count("pk", distinct=True, filter=Q(proactive=False)),
    )
    return {
        "problems_reactive": counts["n_reactive"],
        "problems_proactive": counts["n_proactive"],
        "known_errors": articles.aggregate(n=Count("pk", distinct=True))["n"],
    }


def _consultations(period: Period) -> list[GroupTurnaround]:
    consultations = Consultation.objects.filter(
        _within("contacted_at", period.starts_at, period.ends_at)
    )
    if period.site is not None:
        consultations = consultations.filter(incident__site=period.site)
    rows = grouped_timings(
        consultations,
        "group_id",
        seconds_between("contacted_at", "answered_at"),
        group_name=F("group__name"),
        consulted=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        waiting=Count("pk", filter=Q(status=ConsultationStatus.OPEN)),
    )
    groups = [
        GroupTurnaround(
            group_id=key,
            name=row["group_name"],
            consulted=row["consulted"],
            answered=row["answered"],
            waiting=row["waiting"],
            turnaround=Timing.from_row(row),
        )
        for key, row in rows.items()
    ]
    return sorted(groups, key=lambda group: (-group.consulted, group.name))


# ---------------------------------------------------------------- the dashboard


# The desk's words for a state, where the user's differ.
STATE_LABELS: dict[str, str] = {Status.AWAITING_USER: "Waiting for the user"}


@dataclass(frozen=True)
class StateRow:
    status: str
    label: str
    counts: list[int]  # one per priority, in Priority order
    total: int


@dataclass
class Dashboard:
    now: datetime
    site: Site | None
    states: list[StateRow]
    priority_totals: list[int]
    open_total: int
    breached: int
    at_risk: int
    unassigned: int
    unowned: int
    to_chase: int
    new_today: int
    closed_today: int
    new_this_week: int
    closed_this_week: int
    oldest: list[Incident]
    chase_list: list[Consultation]
    priorities: list[tuple[int, str]] = field(
        default_factory=lambda: [(p.value, p.label) for p in Priority]
    )


def resolution_targets() -> dict[int, int]:
    """Resolution target in minutes per priority: the admin's, else the defaults."""
    targets = {int(priority): minutes for priority, (_r, minutes) in DEFAULT_TARGETS.items()}
    targets.update(PriorityTarget.objects.values_list("priority", "resolution_minutes"))
    return targets


def at_risk_condition(now: datetime, targets: dict[int, int]) -> Q:
    """Still in time, but less than AT_RISK_SHARE of the resolution target remains."""
    condition = Q()
    for priority, minutes in targets.items():
        window = timedelta(minutes=minutes * AT_RISK_SHARE)
        condition |= Q(priority=priority, resolution_due_at__lt=now + window)
    return Q(resolution_due_at__gte=now) & condition


def dashboard(*, now: datetime | None = None, site: Site | None = None) -> Dashboard:
    """What the desk looks at first thing: the open calls and what needs doing now."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day_start = _midnight(today)
    week_start = _midnight(today - timedelta(days=today.weekday()))
    incidents = _incidents(site)
    running = Q(status__in=ACTIVE_STATUSES, paused_since__isnull=True)

    # Every counter is about open calls or this week's: reading only those rows
    # keeps the dashboard fast however long the history grows.
    recent_or_open = (
        Q(status__in=OPEN_STATUSES) | Q(created_at__gte=week_start) | Q(closed_at__gte=week_start)
    )
    counts = incidents.filter(recent_or_open).aggregate(
        breached=Count("pk", filter=running & Q(resolution_due_at__lt=now)),
        at_risk=Count("pk", filter=running & at_risk_condition(now, resolution_targets())),
        unassigned=Count(
            "pk",
            filter=Q(status__in=[Status.LOGGED, Status.ASSIGNED], assignee__isnull=True),
        ),
        unowned=Count("pk", filter=Q(status__in=OPEN_STATUSES, owner__isnull=True)),
        new_today=Count("pk", filter=Q(created_at__gte=day_start)),
        closed_today=Count("pk", filter=Q(closed_at__gte=day_start)),
        new_this_week=Count("pk", filter=Q(created_at__gte=week_start)),
        closed_this_week=Count("pk", filter=Q(closed_at__gte=week_start)),
    )

    by_state: defaultdict[str, dict[int, int]] = defaultdict(dict)
    for status, priority, n in (
        incidents.filter(status__in=OPEN_STATUSES)
        .values_list("status", "priority")
        .annotate(n=Count("pk"))
    ):
        by_state[status][priority] = n
    states = []
    for status in OPEN_STATUSES:
        row = [by_state[status].get(p.value, 0) for p in Priority]
        states.append(
            StateRow(
                status=status,
                label=STATE_LABELS.get(status, Status(status).label),
                counts=row,
                total=sum(row),
            )
        )
    priority_totals = [sum(row.counts[i] for row in states) for i in range(len(Priority))]

    oldest = list(
        incidents.filter(status__in=OPEN_STATUSES)
        .select_related("site", "owner", "assignee")
        .order_by("created_at", "pk")[:OLDEST_N]
    )

    chase = Consultation.objects.filter(status=ConsultationStatus.OPEN, chase_on__lte=today)
    if site is not None:
        chase = chase.filter(incident__site=site)
    chase_list = list(
        chase.select_related("incident", "group").order_by("chase_on", "contacted_at")[:CHASE_N]
    )
    to_chase = chase.count()

    return Dashboard(
        now=now,
        site=site,
        states=states,
        priority_totals=priority_totals,
        open_total=sum(priority_totals),
        to_chase=to_chase,
        oldest=oldest,
        chase_list=chase_list,
        **counts,
    )


# ---------------------------------------------------------------- the report as rows


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


def report_rows(report: ServiceReport) -> list[tuple]:
    """The whole report as (section, item, measure, value) rows, for the CSV export."""
    period = report.period
    rows = [
        ("Period", "From", "date", period.start.isoformat()),
        ("Period", "To", "date", period.end.isoformat()),
        ("Period", "Site", "name", period.site_name),
        ("Calls", "Logged", "count", report.logged),
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
    return rows
