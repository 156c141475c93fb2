"""The visiting technician's rota: a regular visit to each school where they are a
technician (every Tuesday at the first, alternate Thursdays at the second, Friday
afternoons at a third), and two changes: a visit cancelled for a training course and
an extra visit the day after instead; extra visits today and tomorrow when the rota
has none, for the demo's calls booked then."""

from datetime import date, time, timedelta

from accounts import roles
from accounts.models import School
from incidents import rota
from incidents.models import RotaEntry, VisitChange, VisitChangeKind, Weekday

from .clock import DemoClock

# Weekday, every so many weeks, arrives, leaves: one a school, in the schools' order.
PATTERNS = [
    (Weekday.TUESDAY, 1, time(8, 30), time(15, 30)),
    (Weekday.THURSDAY, 2, time(9), time(12, 30)),
    (Weekday.FRIDAY, 1, time(13), time(16)),
]
TECHNICIAN = "tech"


def load_rota(people: dict, clock: DemoClock) -> None:
    """Create what is missing; what exists already is left as it is."""
    technician = people[TECHNICIAN]
    today = clock.today
    # The term the demo describes began before its first story.
    starts = today - timedelta(days=today.weekday(), weeks=8)
    schools = School.objects.filter(
        pk__in=roles.schools_where(technician, roles.Role.TECHNICIAN)
    ).order_by("pk")
    for school, (weekday, every, arrives, leaves) in zip(schools, PATTERNS, strict=False):
        RotaEntry.objects.get_or_create(
            technician=technician,
            school=school,
            weekday=weekday,
            defaults={
                "every_weeks": every,
                "starts_on": starts,
                "arrives": arrives,
                "leaves": leaves,
            },
        )
    first = schools.first()
    if first is None:
        return
    # The demo's calls are booked for visits today and tomorrow at the first school.
    for day in (today, today + timedelta(days=1)):
        if not rota.is_scheduled(day, school=first, technician=technician):
            VisitChange.objects.get_or_create(
                technician=technician,
                school=first,
                day=day,
                defaults={
                    "kind": VisitChangeKind.EXTRA,
                    "reason": "Extra visit for the calls booked",
                    "made_by": people.get("desk"),
                },
            )
    # A week on: Tuesday's visit moves to the Wednesday (a training course).
    tuesday = _next_weekday(today + timedelta(weeks=1), Weekday.TUESDAY)
    for day, kind, reason in (
        (tuesday, VisitChangeKind.CANCELLED, "Technician on a training course"),
        (tuesday + timedelta(days=1), VisitChangeKind.EXTRA, "Moved from Tuesday (training)"),
    ):
        VisitChange.objects.get_or_create(
            technician=technician,
            school=first,
            day=day,
            defaults={"kind": kind, "reason": reason, "made_by": people.get("desk")},
        )


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)
