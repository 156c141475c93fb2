"""The building blocks of a report: the period it covers, its weeks, and the rates
and timings it shows."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import School

from ..models import Site
from ..targets import format_duration

# The longest period a report covers: two school years and a bit.
MAX_PERIOD_DAYS = 800


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def midnight(day: date) -> datetime:
    """The start of a day in the school's local time."""
    return timezone.make_aware(datetime.combine(day, time.min))


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
        return format_duration(self.mean)

    @property
    def median_display(self) -> str:
        return format_duration(self.median)

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


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end`` (both whole days, inclusive), at one site or all
    sites of ``schools`` (ids; None: every school). ``school`` names the one school
    reported on, when it is one."""

    start: date
    end: date
    site: Site | None = None
    schools: frozenset[int] | None = None
    school: School | None = None

    @classmethod
    def last_month(cls, today: date, site: Site | None = None, **scope: Any) -> "Period":
        end = today.replace(day=1) - timedelta(days=1)
        return cls(start=end.replace(day=1), end=end, site=site, **scope)

    @classmethod
    def this_month(cls, today: date, site: Site | None = None, **scope: Any) -> "Period":
        return cls(start=today.replace(day=1), end=today, site=site, **scope)

    @classmethod
    def school_year(cls, today: date, site: Site | None = None, **scope: Any) -> "Period":
        """From 1 September to today: the school year so far."""
        year = today.year if today.month >= 9 else today.year - 1
        return cls(start=date(year, 9, 1), end=today, site=site, **scope)

    @property
    def starts_at(self) -> datetime:
        return midnight(self.start)

    @property
    def ends_at(self) -> datetime:
        """The first moment after the period (exclusive)."""
        return midnight(self.end + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def site_name(self) -> str:
        if self.site:
            return self.site.name
        return f"All sites of {self.school.name}" if self.school else "All sites"

    def __str__(self) -> str:
        return f"{long_date(self.start)} – {long_date(self.end)}, {self.site_name}"


@dataclass(frozen=True)
class Week:
    """One bucket of the weekly charts, clipped to the period."""

    start: date
    end: date
    logged: int
    closed: int
    backlog: int  # open at the end of the week


def mondays_of(period: Period) -> list[tuple[date, datetime, datetime]]:
    """The period's (Monday-starting, local) weeks: each Monday with the moments the
    week starts and ends (exclusive), clipped to the period."""
    weeks = []
    monday = period.start - timedelta(days=period.start.weekday())
    while monday <= period.end:
        starts = max(midnight(monday), period.starts_at)
        ends = min(midnight(monday + timedelta(days=7)), period.ends_at)
        weeks.append((monday, starts, ends))
        monday += timedelta(days=7)
    return weeks


def weeks_of(period: Period, logged: dict, closed: dict, backlog: int) -> list[Week]:
    """The period's (Monday-starting) weeks, clipped to it, with the backlog carried
    week to week from the calls logged and closed in each."""
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
