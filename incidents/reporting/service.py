"""The service report: every figure for one period and site (what each means is in
the package's docstring), in about a dozen queries whatever the number of calls."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connections
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from .. import targets
from ..models import (
    ArticleKind,
    CallKind,
    Category,
    ClosureCode,
    Consultation,
    ConsultationStatus,
    Equipment,
    KnowledgeArticle,
    Priority,
    Problem,
    ResolutionKind,
    Room,
    Site,
)
from .expressions import (
    FIXED_AT_CLOSURE,
    grouped_timings,
    incidents_at,
    not_closed_before,
    open_at,
    resolve_seconds,
    respond_seconds,
    seconds_between,
    shared_within,
    within,
)
from .periods import Period, Rate, Timing, Week, mondays_of, weeks_of
from .requests import RequestFigures, request_figures
from .schools import SideBySide, school_aggregates, schools_side_by_side, shows_side_by_side

TOP_N = 10
# The most weeks counted in the report's first pass (`service_report`).
WEEKS_IN_FIRST_PASS = 10

# Age of the backlog at the period's end: (label, lower bound, upper bound).
BACKLOG_BUCKETS = [
    ("Under 1 day", timedelta(0), timedelta(days=1)),
    ("1–3 days", timedelta(days=1), timedelta(days=3)),
    ("3–7 days", timedelta(days=3), timedelta(days=7)),
    ("1–2 weeks", timedelta(days=7), timedelta(days=14)),
    ("2–4 weeks", timedelta(days=14), timedelta(days=28)),
    ("Over 4 weeks", timedelta(days=28), None),
]


@dataclass(frozen=True)
class PriorityFigures:
    priority: int
    label: str
    respond: Timing
    resolve: Timing


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


# First-contact resolution, in one place: the page shows these words beside the figure.
FIRST_CONTACT_DEFINITION = (
    "Calls the service desk closed itself, never passed to a technician, with a fix or "
    "a known fix (workaround) applied, out of all calls closed with a fix or a workaround. "
    'Duplicates, "not an incident", "no fault found" and "resolved itself" are left out.'
)


@dataclass
class ServiceReport:
    period: Period
    logged: int  # accepted and logged by the desk in the period
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
    reported: int = 0  # incident sheets received in the period, logged or not
    first_contact_definition: str = FIRST_CONTACT_DEFINITION
    # Service requests, counted apart: none of the figures above includes one.
    requests: RequestFigures = field(default_factory=lambda: RequestFigures([]))
    # Schools side by side, when the report covers more than one (`schools`).
    schools: SideBySide | None = None

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


def service_report(period: Period, *, now: datetime | None = None) -> ServiceReport:
    """Every figure of the service report for one period and site (about 10 queries;
    beside the schools, two more: their devices, from the shared cache, and names)."""
    now = now or timezone.now()
    start, end = period.starts_at, period.ends_at
    incidents = incidents_at(period.site, period.schools)

    # 1. Counts and rates, in one pass over the calls that touch the period; the
    # calls reported and closed in each week too (every one of them is in the pass).
    closed_in = within("closed_at", start, end)
    resolved_in = within("resolved_at", start, end)
    buckets = {}
    for index, (_label, low, high) in enumerate(BACKLOG_BUCKETS):
        condition = open_at(end) & Q(created_at__lte=end - low)
        if high is not None:
            condition &= Q(created_at__gt=end - high)
        buckets[f"bucket_{index}"] = Count("pk", filter=condition)
    # Up to `WEEKS_IN_FIRST_PASS` weeks (a month, a half term), two counts each in the
    # first pass; a longer period's weeks are two grouped queries, where hundreds of
    # counts per call over a year's calls would cost more than the scans they spare.
    mondays = mondays_of(period)
    weeks_in_pass = len(mondays) <= WEEKS_IN_FIRST_PASS
    for index, (_monday, week_starts, week_ends) in enumerate(mondays if weeks_in_pass else []):
        buckets[f"logged_{index}"] = Count(
            "pk", filter=within("created_at", week_starts, week_ends)
        )
        buckets[f"closed_{index}"] = Count("pk", filter=within("closed_at", week_starts, week_ends))
    figures = dict(
        reported=Count("pk", filter=within("created_at", start, end)),
        logged=Count("pk", filter=within("logged_at", start, end)),
        resolved=Count("pk", filter=resolved_in),
        closed=Count("pk", filter=closed_in),
        fix_closed=Count("pk", filter=closed_in & FIXED_AT_CLOSURE),
        first_contact=Count(
            "pk", filter=closed_in & FIXED_AT_CLOSURE & Q(assigned_at__isnull=True)
        ),
        resolved_itself=Count("pk", filter=closed_in & Q(closure_code=ClosureCode.RESOLVED_ITSELF)),
        reopened=Count("pk", filter=closed_in & Q(reopen_count__gt=0)),
        by_fix=Count("pk", filter=resolved_in & Q(resolution_kind=ResolutionKind.FIX)),
        by_workaround=Count(
            "pk", filter=resolved_in & Q(resolution_kind=ResolutionKind.WORKAROUND)
        ),
        backlog_at_start=Count("pk", filter=open_at(start)),
        backlog_at_end=Count("pk", filter=open_at(end)),
        **buckets,
    )
    in_pass = incidents.filter(created_at__lt=end).filter(not_closed_before(start))
    # With the schools side by side, the pass is grouped by school, with each
    # school's own figures (every figure above is a count, so the report's are
    # their sums): one scan of the period's calls for both.
    side_by_side = period.schools is not None and shows_side_by_side(period.schools, period.site)
    per_school: dict[int, dict] | None = None
    if side_by_side:
        per_school = {
            row["school_id"]: dict(row)
            for row in in_pass.values("school_id").annotate(
                **{**figures, **school_aggregates(start, end, now=now)}
            )
        }
        totals = {name: sum(row[name] for row in per_school.values()) for name in figures}
    else:
        totals = in_pass.aggregate(**figures)

    # 2. Time to respond and to resolve, with target compliance, by priority.
    logged = incidents.filter(within("created_at", start, end))
    # "Met" is the target module's state; "measured" adds the calls whose response
    # is overdue now, so an unanswered call counts against the target.
    # "Met" by `targets.met_q`: the target state's CASE, only cheaper over a month.
    respond = grouped_timings(
        logged,
        "priority",
        respond_seconds(),
        timed="responded_at",
        met=Count("pk", filter=targets.met_q("response_due_at", "responded_at")),
        measured=Count("pk", filter=Q(responded_at__isnull=False) | Q(response_due_at__lt=now)),
    )
    resolve = grouped_timings(
        incidents.filter(resolved_in),
        "priority",
        resolve_seconds(),
        timed="resolved_at",
        met=Count("pk", filter=targets.met_q("resolution_due_at", "resolved_at")),
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

    # 3. The top lists (and, beside the schools, each school's calls per category).
    tops = _top_lists(logged, per_school_categories=side_by_side)
    schools: SideBySide | None = None
    if side_by_side and period.schools is not None:
        schools = schools_side_by_side(
            period.schools,
            start,
            end,
            now=now,
            figures=per_school,
            categories=tops.pop("school_categories"),
        )

    # 4. Calls per week, logged and closed (from the first pass); the backlog
    # follows from them.
    if weeks_in_pass:
        logged_by_week = {monday: totals[f"logged_{i}"] for i, (monday, *_) in enumerate(mondays)}
        closed_by_week = {monday: totals[f"closed_{i}"] for i, (monday, *_) in enumerate(mondays)}
    else:
        logged_by_week = _by_week(logged, "created_at")
        closed_by_week = _by_week(incidents.filter(closed_in), "closed_at")
    weeks = weeks_of(period, logged_by_week, closed_by_week, totals["backlog_at_start"])

    return ServiceReport(
        period=period,
        logged=totals["logged"],
        reported=totals["reported"],
        resolved=totals["resolved"],
        closed=totals["closed"],
        first_contact=Rate(totals["first_contact"], totals["fix_closed"]),
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
        **tops,
        **_problem_counts(period),
        consultations=_consultations(period),
        requests=request_figures(period, now=now),
        schools=schools,
    )


def _by_week(qs: QuerySet, field_name: str) -> dict[date, int]:
    """Calls per (local, Monday-starting) week of ``field_name``."""
    rows = qs.annotate(week=TruncWeek(field_name)).values_list("week").annotate(n=Count("pk"))
    return {timezone.localtime(week).date(): n for week, n in rows}


# The top lists, in one query: each list counted by id over the calls reported,
# the ids ranked by count (RANK keeps every id tied with the tenth), and only those
# joined to their names, then ordered as the page lists them (ties by name, in the
# database's collation). Counting before joining spares joining every call to the
# trust's 45,000 pieces of equipment and 3,000 rooms. Beside the schools, the same
# query counts each school's calls per category (all of them: a school's top
# category is picked in Python, `schools._top`).
_LISTS = ("category", "equipment", "room", "school_categories")
_TOP_LISTS_SQL = """
WITH logged (category_id, equipment_id, room_id, school_id) AS ({logged}),
counted (list, id, n) AS (
    SELECT 0, category_id, COUNT(*) FROM logged
    WHERE category_id IS NOT NULL GROUP BY category_id
    UNION ALL
    SELECT 1, equipment_id, COUNT(*) FROM logged
    WHERE equipment_id IS NOT NULL GROUP BY equipment_id
    UNION ALL
    SELECT 2, room_id, COUNT(*) FROM logged
    WHERE room_id IS NOT NULL GROUP BY room_id
),
ranked (list, id, n) AS (
    SELECT list, id, n FROM (
        SELECT list, id, n, RANK() OVER (PARTITION BY list ORDER BY n DESC) AS place
        FROM counted
    ) AS places
    WHERE place <= {top_n}
)
SELECT ranked.list, ranked.id, ranked.n, category.name, NULL
FROM ranked JOIN {category} category ON ranked.list = 0 AND category.id = ranked.id
UNION ALL
SELECT ranked.list, ranked.id, ranked.n, equipment.asset_tag, equipment.name
FROM ranked JOIN {equipment} equipment ON ranked.list = 1 AND equipment.id = ranked.id
UNION ALL
SELECT ranked.list, ranked.id, ranked.n, site.name, room.name
FROM ranked JOIN {room} room ON ranked.list = 2 AND room.id = ranked.id
JOIN {site} site ON site.id = room.site_id{per_school}
ORDER BY 1, 3 DESC, 4, 5, 2
"""
_PER_SCHOOL_SQL = """
UNION ALL
SELECT 3, by_school.school_id, by_school.n, category.name, NULL
FROM (
    SELECT school_id, category_id, COUNT(*) AS n FROM logged
    WHERE category_id IS NOT NULL GROUP BY school_id, category_id
) AS by_school
JOIN {category} category ON category.id = by_school.category_id"""


def _top_lists(logged: QuerySet, *, per_school_categories: bool = False) -> dict:
    """The ten categories, pieces of equipment and rooms with the most calls reported
    (ties: by name; equipment by asset tag; rooms by site, then name); with
    ``per_school_categories``, also (school, category name, calls) for every pair."""
    base = logged.order_by().values_list("category_id", "equipment_id", "room_id", "school_id")
    connection = connections[base.db]
    base_sql, params = base.query.get_compiler(using=base.db).as_sql()
    quote = connection.ops.quote_name
    category = quote(Category._meta.db_table)
    sql = _TOP_LISTS_SQL.format(
        logged=base_sql,
        top_n=int(TOP_N),
        category=category,
        equipment=quote(Equipment._meta.db_table),
        room=quote(Room._meta.db_table),
        site=quote(Site._meta.db_table),
        per_school=_PER_SCHOOL_SQL.format(category=category) if per_school_categories else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: dict[str, list[Ranked]] = {name: [] for name in _LISTS[:3]}
    school_categories: list[tuple[int, str, int]] = []
    for list_index, pk, n, first, second in rows:
        if list_index == 3:
            school_categories.append((pk, first, n))
            continue
        ranked = found[_LISTS[list_index]]
        if len(ranked) == TOP_N:
            continue
        if list_index == 0:
            ranked.append(Ranked(label=first, count=n, pk=pk))
        elif list_index == 1:
            ranked.append(Ranked(label=first, detail=second, count=n, pk=pk))
        else:
            ranked.append(Ranked(label=second, detail=first, count=n, pk=pk))
    tops: dict = {
        "top_categories": found["category"],
        "top_equipment": found["equipment"],
        "top_rooms": found["room"],
    }
    if per_school_categories:
        tops["school_categories"] = school_categories
    return tops


def _problem_counts(period: Period) -> dict:
    start, end = period.starts_at, period.ends_at
    problems = Problem.objects.order_by().filter(
        within("created_at", start, end), shared_within(period.schools)
    )
    articles = KnowledgeArticle.objects.order_by().filter(
        within("created_at", start, end),
        shared_within(period.schools),
        kind=ArticleKind.KNOWN_ERROR,
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
        within("contacted_at", period.starts_at, period.ends_at), incident__kind=CallKind.INCIDENT
    )
    if period.schools is not None:
        consultations = consultations.filter(incident__school_id__in=period.schools)
    if period.site is not None:
        consultations = consultations.filter(incident__site=period.site)
    rows = grouped_timings(
        consultations,
        "group_id",
        seconds_between("contacted_at", "answered_at"),
        timed="answered_at",
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
