"""Schools side by side: one row per school a report covers, plus their total, for
a central desk or a trust admin looking at more than one school.

Four queries whatever the number of schools: the calls' figures grouped by school,
the active equipment grouped by school (kept in the shared cache: `incidents.caching`),
the calls per school and category, and the schools' names (the service report
counts the first and the third in its own queries and passes them in). Incidents
only: service requests are counted apart.

- **open calls**: calls reported before the moment and not closed by then (the
  report's backlog at the end; on the dashboard, now).
- **breaches**: of the resolution target. In the service report, the calls resolved
  in the period after their resolution due time (the target module's *missed*); on
  the dashboard, the calls not yet resolved whose resolution target is *breached* now.
- **first-contact resolution**: the service report's own definition
  (`service.FIRST_CONTACT_DEFINITION`), over the calls closed in the period.
- **calls** and **calls per 100 devices**: calls reported in the period, per hundred
  pieces of active equipment at the school's sites.
- **top category**: the category with the most calls reported in the period (ties:
  by name).
"""

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from accounts.models import School

from .. import targets
from ..caching import devices_per_school
from .expressions import FIXED_AT_CLOSURE, incidents_at, not_closed_before, open_at, within
from .periods import Rate


@dataclass(frozen=True)
class SchoolRow:
    """One school's figures (``school_id`` None: the total of the schools)."""

    name: str
    school_id: int | None
    open_calls: int
    breaches: int
    first_contact: Rate
    calls: int
    devices: int
    top_category: str = ""
    top_category_calls: int = 0

    @property
    def per_100_devices(self) -> float | None:
        return round(100 * self.calls / self.devices, 1) if self.devices else None

    @property
    def per_100_devices_display(self) -> str:
        value = self.per_100_devices
        return "—" if value is None else f"{value:g}"


@dataclass(frozen=True)
class SideBySide:
    rows: list[SchoolRow]
    total: SchoolRow
    live: bool  # the dashboard's (breaches now) rather than a period's

    @property
    def breaches_label(self) -> str:
        return "Breached now" if self.live else "Resolution target missed"


def shows_side_by_side(schools: Collection[int] | None, site) -> bool:
    """A report on more than one school (none chosen) and no one site."""
    return site is None and schools is not None and len(schools) > 1


def school_aggregates(
    start: datetime, end: datetime, *, now: datetime, live: bool = False
) -> dict[str, Count]:
    """A school's figures, as aggregates over its calls reported before ``end`` and
    not closed before ``start`` (the service report groups its own first pass by
    school with these)."""
    closed_in = within("closed_at", start, end)
    # The resolution target's state (`incidents.targets`) by its cheaper equivalent.
    if live:
        breaches = Count(
            "pk", filter=targets.target_breached_q("resolution_due_at", "resolved_at", now)
        )
    else:
        breaches = Count(
            "pk",
            filter=within("resolved_at", start, end)
            & targets.missed_q("resolution_due_at", "resolved_at"),
        )
    return {
        "open_calls": Count("pk", filter=open_at(end)),
        "breaches": breaches,
        "calls": Count("pk", filter=within("created_at", start, end)),
        "fix_closed": Count("pk", filter=closed_in & FIXED_AT_CLOSURE),
        "first_contact": Count(
            "pk", filter=closed_in & FIXED_AT_CLOSURE & Q(assigned_at__isnull=True)
        ),
    }


def schools_side_by_side(
    schools: Collection[int],
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    live: bool = False,
    figures: dict[int, dict] | None = None,
    categories: list[tuple[int, str, int]] | None = None,
) -> SideBySide:
    """Each school's figures from ``start`` to ``end`` (exclusive), open calls at
    ``end``. ``live``: the dashboard (``end`` is now; breaches are those standing now).
    ``figures`` (by school, `school_aggregates`) and ``categories`` (school, category
    name, calls reported) when the caller has counted them already."""
    incidents = incidents_at(None, schools)
    if figures is None:
        figures = {
            row["school_id"]: dict(row)
            for row in incidents.filter(created_at__lt=end)
            .filter(not_closed_before(start))
            .values("school_id")
            .annotate(**school_aggregates(start, end, now=now, live=live))
        }
    devices = devices_per_school(schools)
    if categories is None:
        categories = list(
            incidents.filter(within("created_at", start, end), category__isnull=False)
            .values_list("school_id", "category__name")
            .annotate(n=Count("pk"))
        )
    by_category: defaultdict[int, Counter] = defaultdict(Counter)
    for school_id, name, n in categories:
        by_category[school_id][name] += n
    names = School.objects.filter(pk__in=schools).order_by("name").values_list("pk", "name")

    rows = [
        _row(name, school_id, figures.get(school_id, {}), devices.get(school_id, 0), by_category)
        for school_id, name in names
    ]
    every_category: Counter = Counter()
    for counts in by_category.values():
        every_category.update(counts)
    top, top_calls = _top(every_category)
    total = SchoolRow(
        name="All these schools",
        school_id=None,
        open_calls=sum(row.open_calls for row in rows),
        breaches=sum(row.breaches for row in rows),
        first_contact=Rate(
            sum(row.first_contact.count for row in rows),
            sum(row.first_contact.total for row in rows),
        ),
        calls=sum(row.calls for row in rows),
        devices=sum(row.devices for row in rows),
        top_category=top,
        top_category_calls=top_calls,
    )
    return SideBySide(rows=rows, total=total, live=live)


def _top(counts: Counter) -> tuple[str, int]:
    if not counts:
        return "", 0
    name, n = min(counts.items(), key=lambda item: (-item[1], item[0]))
    return name, n


def _row(name: str, school_id: int, found: dict, devices: int, by_category) -> SchoolRow:
    top, top_calls = _top(by_category.get(school_id, Counter()))
    return SchoolRow(
        name=name,
        school_id=school_id,
        open_calls=found.get("open_calls", 0),
        breaches=found.get("breaches", 0),
        first_contact=Rate(found.get("first_contact", 0), found.get("fix_closed", 0)),
        calls=found.get("calls", 0),
        devices=devices,
        top_category=top,
        top_category_calls=top_calls,
    )
