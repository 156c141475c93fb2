"""Which visits happen: the technicians' rota worked out into dated visits.

A rota entry says "this technician visits this school on this weekday, every N weeks,
counting from the week of the start date, until the end date". A visit change on a
date cancels the technician's visit to the school that day, or adds one (an extra or
moved visit). A visit on a day the school is closed does not happen: the school is
closed when every one of its active sites is closed by its calendar (see
`incidents.targets.school_time`; a school without sites keeps the default calendar).

`plan` does the working out on plain records (ids and dates, no database), so it can
be tested on its own; `visits_between`, `next_visits` and `is_scheduled` load the
records and the calendars and call it.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any, Protocol

from django.db.models import Q

from .models import Closure, RotaEntry, Site, VisitChange, VisitChangeKind
from .targets.school_time import SchoolTime

# How far ahead `next_visits` looks: a whole school year with its holidays.
HORIZON_DAYS = 400


class EntryLike(Protocol):
    technician_id: Any
    school_id: Any
    weekday: int
    every_weeks: int
    starts_on: date
    ends_on: date | None
    arrives: time | None
    leaves: time | None


class ChangeLike(Protocol):
    technician_id: Any
    school_id: Any
    day: date
    kind: str
    reason: str
    arrives: time | None
    leaves: time | None


@dataclass(frozen=True)
class Visit:
    """One technician at one school on one day."""

    day: date
    school_id: int
    technician_id: int
    arrives: time | None = None
    leaves: time | None = None
    extra: bool = False
    reason: str = ""
    school: Any = field(default=None, compare=False, repr=False)
    technician: Any = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> tuple[date, int, int]:
        return (self.day, self.school_id, self.technician_id)

    @property
    def hours(self) -> str:
        """ "09:00–12:30", "from 09:00", or "" when no times are kept."""
        if self.arrives and self.leaves:
            return f"{self.arrives:%H:%M}–{self.leaves:%H:%M}"
        if self.arrives:
            return f"from {self.arrives:%H:%M}"
        if self.leaves:
            return f"until {self.leaves:%H:%M}"
        return ""


def _sort_key(visit: Visit) -> tuple:
    return (visit.day, visit.arrives or time.min, visit.school_id, visit.technician_id)


def occurrences(entry: EntryLike, first: date, last: date) -> Iterator[date]:
    """The days of a rota entry from `first` to `last` inclusive (before exceptions)."""
    step = timedelta(weeks=entry.every_weeks)
    start_week = entry.starts_on - timedelta(days=entry.starts_on.weekday())
    anchor = start_week + timedelta(days=entry.weekday)
    begin = max(first, entry.starts_on)
    end = last if entry.ends_on is None else min(last, entry.ends_on)
    if begin > end:
        return
    # Skip whole periods up to `begin`, then walk.
    periods = max(0, (begin - anchor).days // step.days)
    day = anchor + periods * step
    while day <= end:
        if day >= begin:
            yield day
        day += step


def plan(
    entries: Iterable[EntryLike],
    changes: Iterable[ChangeLike],
    first: date,
    last: date,
    is_closed: Callable[[int, date], bool],
) -> list[Visit]:
    """The visits from `first` to `last` inclusive, in order of day and time: the
    entries' days, less the cancelled ones, plus the extra ones, less the days the
    school is closed (`is_closed(school_id, day)`)."""
    visits: dict[tuple, Visit] = {}
    for entry in entries:
        for day in occurrences(entry, first, last):
            visit = Visit(day, entry.school_id, entry.technician_id, entry.arrives, entry.leaves)
            visits.setdefault(visit.key, visit)
    for change in changes:
        if not first <= change.day <= last:
            continue
        key = (change.day, change.school_id, change.technician_id)
        if change.kind == VisitChangeKind.CANCELLED:
            visits.pop(key, None)
        else:
            visits[key] = Visit(
                change.day,
                change.school_id,
                change.technician_id,
                change.arrives,
                change.leaves,
                extra=True,
                reason=change.reason,
            )
    kept = [visit for visit in visits.values() if not is_closed(visit.school_id, visit.day)]
    return sorted(kept, key=_sort_key)


# ---------------------------------------------------------------- the database


def _id(obj: Any) -> int | None:
    if obj is None:
        return None
    return obj if isinstance(obj, int) else obj.pk


def closed_days(
    school_ids: Iterable[int], first: date | None = None, last: date | None = None
) -> Callable[[int, date], bool]:
    """Whether a school is closed on a day: every active site closed by its calendar.

    Two plain queries for all the schools: the active sites with their calendars'
    opening hours, and the closures (only those reaching into `first`–`last` when
    given: the answer is then for those days alone)."""
    wanted = set(school_ids)
    opening: dict[int, dict[int, tuple[time, time]]] = {}
    region: dict[int, str] = {}
    school_of: dict[int, int] = {}
    rows = (
        Site.objects.filter(school_id__in=wanted, is_active=True)
        .order_by()
        .values_list(
            "pk",
            "school_id",
            "calendar__pk",
            "calendar__bank_holidays",
            "calendar__opening_hours__weekday",
            "calendar__opening_hours__opens",
            "calendar__opening_hours__closes",
        )
    )
    for site_id, school_id, calendar_id, holidays, weekday, opens, closes in rows:
        school_of[site_id] = school_id
        if calendar_id is None:
            continue  # no calendar: the default school time
        region[site_id] = holidays
        hours = opening.setdefault(site_id, {})
        if weekday is not None:
            hours[weekday] = (opens, closes)
    closures: dict[int, list[tuple[date, date]]] = {}
    if region:
        kept = Closure.objects.filter(calendar__site_id__in=list(region))
        if first is not None:
            kept = kept.filter(last_day__gte=first)
        if last is not None:
            kept = kept.filter(first_day__lte=last)
        for site_id, first_day, last_day in kept.order_by().values_list(
            "calendar__site_id", "first_day", "last_day"
        ):
            closures.setdefault(site_id, []).append((first_day, last_day))
    times: dict[Any, list[SchoolTime]] = {}
    for site_id, school_id in school_of.items():
        if site_id in region:
            each = SchoolTime(
                opening=opening[site_id],
                closures=tuple(sorted(closures.get(site_id, ()))),
                region=region[site_id],
            )
        else:
            each = SchoolTime()
        times.setdefault(school_id, []).append(each)
    default = [SchoolTime()]

    def is_closed(school_id: int, day: date) -> bool:
        return not any(each.is_open_on(day) for each in times.get(school_id, default))

    return is_closed


def _records(technician: Any, school: Any, schools: Iterable[int] | None, first: date, last: date):
    wanted = Q()
    if technician is not None:
        wanted &= Q(technician_id=_id(technician))
    if school is not None:
        wanted &= Q(school_id=_id(school))
    if schools is not None:
        wanted &= Q(school_id__in=list(schools))
    entries = list(
        RotaEntry.objects.filter(wanted)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first), starts_on__lte=last)
        .select_related("school", "technician")
    )
    changes = list(
        VisitChange.objects.filter(wanted, day__gte=first, day__lte=last).select_related(
            "school", "technician"
        )
    )
    return entries, changes


def visits_between(
    first: date,
    last: date,
    *,
    technician: Any = None,
    school: Any = None,
    schools: Iterable[int] | None = None,
) -> list[Visit]:
    """The visits from `first` to `last` inclusive, of one technician and/or at one
    school (or any of `schools`), with their school and technician records."""
    entries, changes = _records(technician, school, schools, first, last)
    if not entries and not changes:
        return []
    records = [*entries, *changes]
    school_of = {record.school_id: record.school for record in records}
    person_of = {record.technician_id: record.technician for record in records}
    visits = plan(entries, changes, first, last, closed_days(school_of, first, last))
    return [
        Visit(
            visit.day,
            visit.school_id,
            visit.technician_id,
            visit.arrives,
            visit.leaves,
            visit.extra,
            visit.reason,
            school=school_of[visit.school_id],
            technician=person_of[visit.technician_id],
        )
        for visit in visits
    ]


def next_visits(
    on_or_after: date,
    *,
    technician: Any = None,
    school: Any = None,
    schools: Iterable[int] | None = None,
    limit: int = 5,
    horizon_days: int = HORIZON_DAYS,
) -> list[Visit]:
    """The next scheduled visits on or after a date (of a technician, at a school)."""
    last = on_or_after + timedelta(days=horizon_days)
    visits = visits_between(
        on_or_after, last, technician=technician, school=school, schools=schools
    )
    return visits[:limit]


def is_scheduled(day: date, *, school: Any, technician: Any = None) -> bool:
    """Whether a visit to the school happens that day (by that technician, or by any)."""
    return bool(visits_between(day, day, technician=technician, school=school))


def visits_on(day: date, *, schools: Iterable[int], technician: Any = None) -> list[Visit]:
    """The day's visits at these schools (of one technician when given)."""
    return visits_between(day, day, technician=technician, schools=schools)
