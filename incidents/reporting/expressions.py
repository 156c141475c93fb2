"""Database helpers for the reports: durations in seconds, medians, and the
conditions that place a call in a period.

Medians: PostgreSQL computes them with ``percentile_cont(0.5)`` in the same grouped
query as the means. SQLite has no percentile aggregate, so one extra query ranks the
durations of each group with window functions (``ROW_NUMBER`` and ``COUNT`` over the
group) and returns only the one or two middle rows of each group, whose average is
the median. Both give the same figures (a test checks the two methods agree).
"""

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from django.db import connections
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.db.models.lookups import GreaterThanOrEqual

from ..models import CallKind, ClosureCode, Incident, Site
from ..models.incident import FAR_FUTURE


class Seconds(Func):
    """A duration (the difference of two datetimes) in seconds, as a float.

    PostgreSQL subtracts to an interval and takes its epoch with ``date_part``, in
    double precision (``EXTRACT`` computes it as a numeric, which over a month's
    calls took as long as reading them); SQLite's Django backend subtracts to whole
    microseconds. Both are exact to the microsecond: ``date_part`` adds the whole
    days' seconds to the time part's, so it may differ from the exact figure in the
    last bit of the double (a few nanoseconds), never in a figure shown.
    """

    output_field = FloatField()
    arity = 1

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "date_part('epoch', %(expressions)s)"
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


def respond_seconds() -> Seconds:
    """Time to respond: from the report to the desk's first action."""
    return seconds_between("created_at", "responded_at")


def resolve_seconds() -> ExpressionWrapper:
    """Time to resolve, less the time the target clock was paused."""
    return ExpressionWrapper(
        seconds_between("created_at", "resolved_at") - F("paused_seconds"),
        output_field=FloatField(),
    )


def _has_percentile(qs: QuerySet) -> bool:
    return connections[qs.db].vendor == "postgresql"


def grouped_timings(
    qs: QuerySet, group: str, seconds, *, timed: str | None = None, **aggregates
) -> dict:
    """Per value of ``group``: how many durations, their mean and median (seconds),
    plus any extra aggregates. One query on PostgreSQL, two on SQLite. ``timed``: a
    field set exactly when there is a duration (its end), counted rather than the
    duration itself, which spares the database working out each duration once more."""
    values = {
        "timed": Count(timed if timed is not None else seconds),
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


# ---------------------------------------------------------------- calls and periods


def _of_schools(qs: QuerySet[Incident], schools: Collection[int] | None) -> QuerySet[Incident]:
    """The calls of these schools, through the school table: for a trust's desk,
    PostgreSQL takes `school_id IN (100 ids)` for 63% of the calls and ANDs the
    school index into every period's count (60-80 ms each at a million calls);
    through a semi-join it sees nearly every call and reads only the period's."""
    if schools is None:
        return qs
    from accounts.models import School

    return qs.filter(school_id__in=School.objects.filter(pk__in=schools).values("pk"))


def incidents_at(site: Site | None, schools: Collection[int] | None = None) -> QuerySet[Incident]:
    """The incidents of these schools (every school when None), or at one site;
    unordered (the reports aggregate). Service requests are counted apart
    (`requests_at`): no incident figure includes one."""
    qs = _of_schools(Incident.objects.order_by().filter(kind=CallKind.INCIDENT), schools)
    return qs.filter(site=site) if site is not None else qs


def calls_at(site: Site | None, schools: Collection[int] | None = None) -> QuerySet[Incident]:
    """Incidents and service requests together, of these schools or at one site;
    unordered: for figures of both kinds from one query, told apart by `kind`."""
    qs = _of_schools(Incident.objects.order_by(), schools)
    return qs.filter(site=site) if site is not None else qs


def requests_at(site: Site | None, schools: Collection[int] | None = None) -> QuerySet[Incident]:
    """The service requests of these schools (every school when None), or at one site;
    unordered."""
    qs = _of_schools(Incident.objects.order_by().filter(kind=CallKind.REQUEST), schools)
    return qs.filter(site=site) if site is not None else qs


def shared_within(schools: Collection[int] | None, prefix: str = "") -> Q:
    """Records of these schools, or shared by their organisations (problems, articles)."""
    if schools is None:
        return Q()
    from accounts.models import School

    organisations = School.objects.filter(pk__in=schools).values("organisation_id")
    return Q(**{f"{prefix}school_id__in": schools}) | Q(
        **{f"{prefix}school__isnull": True, f"{prefix}organisation_id__in": organisations}
    )


# Closed with a fix or a workaround: the calls first-contact resolution is out of
# (`service.FIRST_CONTACT_DEFINITION`).
FIXED_AT_CLOSURE = Q(closure_code__in=[ClosureCode.FIXED, ClosureCode.WORKAROUND])


def within(field_name: str, start: datetime, end: datetime) -> Q:
    """``field_name`` from ``start`` (inclusive) to ``end`` (exclusive)."""
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


# A call not yet closed is open until the end of time. `open_until()` is the key of
# the index `incident_period_open_until` (`Incident.Meta`): the calls still open at
# some moment are one range of it, read from the index alone, where "not closed, or
# closed since" was two ranges of `closed_at` and a visit to every row.
def open_until() -> Coalesce:
    return Coalesce("closed_at", Value(FAR_FUTURE, output_field=DateTimeField()))


def not_closed_before(moment: datetime) -> Q:
    """Not closed before the moment: still open, or closed at or after it."""
    return Q(GreaterThanOrEqual(open_until(), Value(moment, output_field=DateTimeField())))


def open_at(moment: datetime) -> Q:
    """Reported before the moment and not closed by then."""
    return Q(created_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))
