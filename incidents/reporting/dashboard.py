"""The dashboard: what the desk looks at first thing — the open calls by state and
priority, the targets breached or at risk, and what needs doing now."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q, Window
from django.utils import timezone

from .. import targets
from ..models import (
    INCIDENT_OPEN_STATUSES,
    OPEN_STATUSES,
    STAFF_STATUS_LABELS,
    WAITING_FOR_TECHNICIAN_STATUSES,
    CallKind,
    Consultation,
    ConsultationStatus,
    Incident,
    Priority,
    Site,
)
from .charts import Chart, backlog_over_time, breaches_by_priority
from .expressions import calls_at, incidents_at, not_closed_before, open_at
from .periods import Week, midnight
from .requests import RequestsNow, requests_now
from .schools import SideBySide, schools_side_by_side, shows_side_by_side

OLDEST_N = 10
PERSON_NAME = ("first_name", "last_name", "username")
CHASE_N = 10
CHART_WEEKS = 8
# What the page shows of the oldest open calls (the rest of their columns and of
# their people's is not read).
OLDEST_FIELDS = (
    "summary",
    "kind",
    "status",
    "priority",
    "created_at",
    "paused_since",
    "site__name",
    *(f"{person}__{name}" for person in ("owner", "assignee") for name in PERSON_NAME),
)
# What the page shows of the consultations to chase.
CHASE_FIELDS = ("contacted_at", "case_reference", "chase_on", "group__name", "incident__kind")
# The figures that are the sum of every group of incidents (`counts_now`).
SUMMED_COUNTS = (
    "breached",
    "at_risk",
    "new_today",
    "closed_today",
    "new_this_week",
    "closed_this_week",
)


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
    breached_by_priority: list[int]  # open calls breached now, one per priority
    open_weeks: list[Week]  # the last weeks; each one's backlog is open at its end
    open_at_start: int  # open when the first of those weeks began
    requests: RequestsNow  # service requests, counted apart from every figure above
    # Schools side by side (open and breached now, this week's calls), when more than one.
    schools: SideBySide | None = None
    priorities: list[tuple[int, str]] = field(
        default_factory=lambda: [(p.value, p.label) for p in Priority]
    )

    @property
    def charts(self) -> list[Chart]:
        """The page's charts, in the order it shows them."""
        return [
            backlog_over_time(self.open_weeks, self.open_at_start),
            breaches_by_priority(
                [
                    (label, n)
                    for (_v, label), n in zip(
                        self.priorities, self.breached_by_priority, strict=True
                    )
                ]
            ),
        ]


def dashboard(
    *,
    now: datetime | None = None,
    site: Site | None = None,
    schools: Collection[int] | None = None,
) -> Dashboard:
    """What the desk looks at first thing: the open calls and what needs doing now,
    for these schools (ids; None: every school) or one site."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day_start = midnight(today)
    week_start = midnight(today - timedelta(days=today.weekday()))
    incidents = incidents_at(site, schools)

    groups = counts_now(calls_at(site, schools), now, day_start, week_start)
    of_incidents = [group for group in groups if group["kind"] == CallKind.INCIDENT]
    open_groups = [group for group in of_incidents if group["status"] in OPEN_STATUSES]
    counts = {name: sum(group[name] for group in of_incidents) for name in SUMMED_COUNTS}
    counts["unassigned"] = sum(
        group["no_technician"]
        for group in of_incidents
        if group["status"] in WAITING_FOR_TECHNICIAN_STATUSES
    )
    counts["unowned"] = sum(group["no_owner"] for group in open_groups)
    breached_by_priority = [
        sum(group["breached"] for group in of_incidents if group["priority"] == p.value)
        for p in Priority
    ]
    open_weeks, open_at_start = _open_by_week(incidents, now, today)

    by_state: defaultdict[str, dict] = defaultdict(dict)
    for group in open_groups:
        by_state[group["status"]][group["priority"]] = group["calls"]
    states = []
    for status in INCIDENT_OPEN_STATUSES:
        row = [by_state[status].get(p.value, 0) for p in Priority]
        states.append(
            StateRow(
                status=status,
                label=STAFF_STATUS_LABELS[status],
                counts=row,
                total=sum(row),
            )
        )
    priority_totals = [sum(row.counts[i] for row in states) for i in range(len(Priority))]

    oldest = list(
        incidents.filter(status__in=OPEN_STATUSES)
        .select_related("site", "owner", "assignee")
        .only(*OLDEST_FIELDS)
        .order_by("created_at", "pk")[:OLDEST_N]
    )
    for incident in oldest:
        incident.age = now - incident.created_at  # type: ignore[attr-defined]

    chase = Consultation.objects.filter(
        status=ConsultationStatus.OPEN, chase_on__lte=today, incident__kind=CallKind.INCIDENT
    )
    if schools is not None:
        chase = chase.filter(incident__school_id__in=schools)
    if site is not None:
        chase = chase.filter(incident__site=site)
    # The longest waiting, each carrying how many there are in all (a window over
    # every one to chase, counted before the limit): no query for the count.
    chase_list: list[Consultation] = list(
        chase.select_related("incident", "group")
        .only(*CHASE_FIELDS)
        .annotate(chase_count=Window(Count("pk")))
        .order_by("chase_on", "contacted_at")[:CHASE_N]
    )
    to_chase = chase_list[0].chase_count if chase_list else 0  # type: ignore[attr-defined]

    return Dashboard(
        now=now,
        site=site,
        states=states,
        priority_totals=priority_totals,
        open_total=sum(priority_totals),
        to_chase=to_chase,
        oldest=oldest,
        chase_list=chase_list,
        breached_by_priority=breached_by_priority,
        open_weeks=open_weeks,
        open_at_start=open_at_start,
        requests=requests_now(groups),
        schools=(
            schools_side_by_side(schools, week_start, now, now=now, live=True)
            if schools is not None and shows_side_by_side(schools, site)
            else None
        ),
        **counts,
    )


def counts_now(calls, now: datetime, day_start: datetime, week_start: datetime) -> list[dict]:
    """The open calls and this week's, counted by kind, state and priority: how many,
    how many breached or at risk now (the target module's conditions, the same calls
    as its state), with no technician or no owner, new and closed today and this
    week. One query; the figures add these groups up (a group's state says whether
    it is open, or waiting for a technician)."""
    # Every counter is about open calls or this week's: reading only those rows
    # keeps the dashboard fast however long the history grows. They are the calls
    # not closed before the week began: a call's `closed_at` is set when it is
    # closed, and a closed call is never reopened (only a resolved one is). One
    # range of the covering index `incident_period_open_until`, read from the index
    # alone, where "open, or reported or closed this week" ORed three indexes and
    # visited every row (and took longer to plan than to run).
    return list(
        calls.filter(not_closed_before(week_start))
        .values("kind", "status", "priority")
        .annotate(
            calls=Count("pk"),
            breached=Count("pk", filter=targets.breached_q(now)),
            at_risk=Count("pk", filter=targets.at_risk_q(now)),
            no_technician=Count("pk", filter=Q(assignee__isnull=True)),
            no_owner=Count("pk", filter=Q(owner__isnull=True)),
            new_today=Count("pk", filter=Q(created_at__gte=day_start)),
            closed_today=Count("pk", filter=Q(closed_at__gte=day_start)),
            new_this_week=Count("pk", filter=Q(created_at__gte=week_start)),
            closed_this_week=Count("pk", filter=Q(closed_at__gte=week_start)),
        )
        .order_by()
    )


def _open_by_week(incidents, now: datetime, today) -> tuple[list[Week], int]:
    """The calls open at the end of each of the last weeks (this week: now), and at
    the start of the first, counted as the service report counts its backlog. One
    query: a count per moment, over only the calls open at some point since."""
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=n) for n in range(CHART_WEEKS - 1, -1, -1)]
    first = midnight(mondays[0])
    ends = [midnight(monday + timedelta(days=7)) for monday in mondays[:-1]] + [now]
    moments = [first, *ends]
    found = (
        incidents.filter(created_at__lt=now)
        .filter(not_closed_before(first))
        .aggregate(**{f"open_{i}": Count("pk", filter=open_at(m)) for i, m in enumerate(moments)})
    )
    weeks = [
        Week(
            start=monday,
            end=min(monday + timedelta(days=6), today),
            logged=0,
            closed=0,
            backlog=found[f"open_{i + 1}"],
        )
        for i, monday in enumerate(mondays)
    ]
    return weeks, found["open_0"]
