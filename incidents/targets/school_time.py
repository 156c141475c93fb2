"""Counting time the way a target counts it: school hours, or all hours.

`SchoolTime` knows when one site is open. It adds an amount of school time to a
moment (`add`) and measures the school time between two moments (`measure`), by
walking over days and their one opening interval — never minute by minute — so a
call costs one step per calendar day crossed, with a bound on the walk.

A site without a calendar gets `DEFAULT_OPENING`: Monday to Friday 08:00–17:00,
closed on England's bank holidays. Bank holidays always come from the `holidays`
package (`holidays.UK(subdiv=...)`), never from a list kept here.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from helpdesk import cache as shared

from ..models import BankHolidayRegion, SchoolCalendar

DEFAULT_OPENING = {weekday: (time(8), time(17)) for weekday in range(5)}
DEFAULT_REGION = BankHolidayRegion.ENGLAND
# A walk that finds no open day in this many days gives up and counts all hours
# (a calendar with every weekday closed, or closed for years on end).
MAX_DAYS = 3 * 366
ZERO = timedelta(0)
# Calendars change by the version; an unused one leaves the cache after a day.
CLOCKS_TIMEOUT = 24 * 60 * 60


class AllHours:
    """Every hour counts: the wall clock."""

    counts_school_hours = False

    def add(self, start: datetime, amount: timedelta) -> datetime:
        return start + amount

    def measure(self, start: datetime, end: datetime) -> timedelta:
        return max(end - start, ZERO)


@lru_cache(maxsize=64)
def bank_holidays(region: str, year: int) -> frozenset[date]:
    """The bank holidays of one part of the UK in one year."""
    if not region:
        return frozenset()
    return frozenset(holidays.UK(subdiv=region, years=year).keys())


@dataclass(frozen=True)
class SchoolTime:
    """When one site is open: hours per weekday (0 = Monday), closed days, bank holidays."""

    opening: dict[int, tuple[time, time]] = field(default_factory=lambda: dict(DEFAULT_OPENING))
    closures: tuple[tuple[date, date], ...] = ()
    region: str = DEFAULT_REGION

    counts_school_hours = True

    def is_open_on(self, day: date) -> bool:
        if day.weekday() not in self.opening:
            return False
        if day in bank_holidays(self.region, day.year):
            return False
        return not any(first <= day <= last for first, last in self.closures)

    def opening_interval(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's opening hours as UTC moments, or None when the site is closed."""
        if not self.is_open_on(day):
            return None
        opens, closes = self.opening[day.weekday()]
        zone = timezone.get_default_timezone()
        return (
            datetime.combine(day, opens, tzinfo=zone).astimezone(UTC),
            datetime.combine(day, closes, tzinfo=zone).astimezone(UTC),
        )

    def _days_from(self, moment: datetime) -> Iterable[date]:
        first = timezone.localdate(moment)
        for offset in range(MAX_DAYS):
            yield first + timedelta(days=offset)

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The earliest moment by which `amount` of school time has passed since `start`."""
        start = start.astimezone(UTC)
        if amount <= ZERO:
            return start
        remaining = amount
        for day in self._days_from(start):
            interval = self.opening_interval(day)
            if interval is None:
                continue
            begins, ends = max(interval[0], start), interval[1]
            if begins >= ends:
                continue
            if remaining <= ends - begins:
                return begins + remaining
            remaining -= ends - begins
        return start + amount  # no school time within reach: count all hours

    def school_days_after(self, start: datetime, now: datetime) -> int:
        """How many school days have begun after the day of `start`, up to `now`'s day."""
        day, last = timezone.localdate(start), timezone.localdate(now)
        count = 0
        while day < last:
            day += timedelta(days=1)
            count += self.is_open_on(day)
        return count

    def measure(self, start: datetime, end: datetime) -> timedelta:
        """How much school time lies between `start` and `end` (zero if end is earlier)."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        total = ZERO
        if end <= start:
            return total
        day, last = timezone.localdate(start), timezone.localdate(end)
        while day <= last:
            interval = self.opening_interval(day)
            if interval is not None:
                overlap = min(interval[1], end) - max(interval[0], start)
                if overlap > ZERO:
                    total += overlap
            day += timedelta(days=1)
        return total


def school_time_of(calendar: SchoolCalendar | None) -> SchoolTime:
    """A site's school time from its calendar; the default when it has none."""
    if calendar is None:
        return SchoolTime()
    return SchoolTime(
        opening={h.weekday: (h.opens, h.closes) for h in calendar.opening_hours.all()},
        closures=tuple((c.first_day, c.last_day) for c in calendar.closures.all()),
        region=calendar.bank_holidays,
    )


def school_time_for_site(site_id: int | None) -> SchoolTime:
    """One site's calendar as a `SchoolTime`: three queries at most, none while the
    shared cache keeps it (`incidents.caching.TARGET_CLOCKS`: any write to a
    calendar, its opening hours or its closures moves it)."""
    if site_id is None:
        return SchoolTime()
    return kept_for_clocks(f"site-{int(site_id)}", lambda: _read_school_time(site_id))


def _read_school_time(site_id: int) -> SchoolTime:
    calendar = (
        SchoolCalendar.objects.using(DEFAULT_DB_ALIAS)
        .prefetch_related("opening_hours", "closures")
        .filter(site_id=site_id)
        .first()
    )
    return school_time_of(calendar)


def kept_for_clocks[T](part: str, build: Callable[[], T]) -> T:
    """What the target clocks are counted by, from the shared cache when there is one
    (every server process reads the same, so a change is seen by all); else read."""
    from incidents.caching import TARGET_CLOCKS

    if not shared.is_shared():
        return build()
    return shared.cached(TARGET_CLOCKS, part, build, CLOCKS_TIMEOUT)
