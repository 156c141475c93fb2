"""Rota test helpers: a school open every day (so tests do not depend on today's
weekday or on bank holidays), rota entries from today, and a second school."""

from datetime import time, timedelta

from django.utils import timezone

from accounts.models import School, default_organisation
from incidents.models import OpeningHours, RotaEntry, SchoolCalendar
from tests.factories import SiteFactory


def open_every_day(site) -> SchoolCalendar:
    calendar = SchoolCalendar.objects.create(site=site, bank_holidays="")
    for weekday in range(7):
        OpeningHours.objects.create(
            calendar=calendar, weekday=weekday, opens=time(8), closes=time(17)
        )
    return calendar


def other_school(name="Hillside Secondary", code="HSS", site_code="HILL") -> School:
    school = School.objects.create(organisation=default_organisation(), name=name, code=code)
    open_every_day(SiteFactory(school=school, name=f"{name} main", code=site_code))
    return school


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def weekly_from(technician, school, days: int, *, every: int = 1, **extra) -> RotaEntry:
    """A visit every `every` weeks on the weekday `days` days from today, the first one
    that day."""
    day = in_days(days)
    return RotaEntry.objects.create(
        technician=technician,
        school=school,
        weekday=day.weekday(),
        every_weeks=every,
        starts_on=day,
        **extra,
    )
