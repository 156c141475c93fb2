"""The next scheduled visits the incident page offers, kept per school and day in the
shared cache: read once, and never stale after a change to the rota, a visit change,
a calendar, a closure, or the people who are the school's technicians."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from helpdesk.cache import topic_version
from incidents.caching import ROTA_VISITS
from incidents.models import (
    Closure,
    ClosureKind,
    OpeningHours,
    RotaEntry,
    VisitChange,
    VisitChangeKind,
)
from tests.desk_helpers import logged
from tests.html import parse
from tests.rota_helpers import in_days, open_every_day, weekly_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar(site):
    return open_every_day(site)


@pytest.fixture
def booked(desk, technician, incident, calendar, shared_cache):
    """A logged call at a school the technician visits weekly from tomorrow."""
    weekly_from(technician, site_school(incident), 1)
    return logged(incident, desk)


def site_school(incident):
    return incident.site.school


def offered(client, incident) -> list[str]:
    page = client.get(incident.get_absolute_url()).text
    select = parse(page).find("select", attrs={"name": "technician-scheduled_visit"})
    return [option.text.strip() for option in select.find_all("option") if option.attrs["value"]]


def visits(*days: int, name: str = "Tom Tech") -> list[str]:
    return [f"{in_days(day):%A %d %B} · {name}" for day in days]


WEEKLY = (1, 8, 15, 22, 29, 36)


def test_the_visits_are_read_once_then_kept(client_for, desk, booked):
    client = client_for(desk)
    assert offered(client, booked) == visits(*WEEKLY)
    with CaptureQueriesContext(connection) as again:
        assert offered(client, booked) == visits(*WEEKLY)
    read = " ".join(query["sql"] for query in again.captured_queries)
    assert "incidents_rotaentry" not in read
    assert "incidents_visitchange" not in read
    assert "incidents_closure" not in read


def test_without_a_shared_cache_each_page_reads_the_rota(client_for, desk, booked, settings):
    settings.CACHE_SHARED = False
    client = client_for(desk)
    offered(client, booked)
    with CaptureQueriesContext(connection) as again:
        assert offered(client, booked) == visits(*WEEKLY)
    assert "incidents_rotaentry" in " ".join(q["sql"] for q in again.captured_queries)


def test_a_new_rota_entry_is_offered_on_the_next_page(client_for, desk, technician, booked):
    client = client_for(desk)
    offered(client, booked)
    weekly_from(technician, site_school(booked), 3)
    assert offered(client, booked) == visits(1, 3, 8, 10, 15, 17)


def test_an_ended_rota_entry_is_gone_on_the_next_page(client_for, desk, booked):
    client = client_for(desk)
    offered(client, booked)
    entry = RotaEntry.objects.get()
    entry.ends_on = in_days(10)
    entry.save()
    assert offered(client, booked) == visits(1, 8)


def test_a_cancelled_visit_is_gone_on_the_next_page(client_for, desk, technician, booked):
    client = client_for(desk)
    offered(client, booked)
    change = VisitChange.objects.create(
        technician=technician,
        school=site_school(booked),
        day=in_days(8),
        kind=VisitChangeKind.CANCELLED,
        reason="Training course",
    )
    assert offered(client, booked) == visits(1, 15, 22, 29, 36, 43)
    change.delete()
    assert offered(client, booked) == visits(*WEEKLY)


def test_a_closure_or_closed_weekday_is_taken_into_account_on_the_next_page(
    client_for, desk, booked, calendar
):
    client = client_for(desk)
    offered(client, booked)
    Closure.objects.create(
        calendar=calendar,
        kind=ClosureKind.INSET,
        name="INSET day",
        first_day=in_days(8),
        last_day=in_days(15),
    )
    assert offered(client, booked) == visits(1, 22, 29, 36, 43, 50)
    OpeningHours.objects.filter(calendar=calendar, weekday=in_days(1).weekday()).delete()
    assert offered(client, booked) == []


def test_a_technician_who_leaves_or_is_renamed_shows_on_the_next_page(
    client_for, desk, technician, booked
):
    client = client_for(desk)
    offered(client, booked)
    technician.first_name = "Tim"
    technician.save()
    assert offered(client, booked) == visits(*WEEKLY, name="Tim Tech")
    Membership.objects.filter(person=technician).delete()
    assert offered(client, booked) == []


def test_a_sign_in_keeps_the_visits(client_for, desk, technician, booked):
    client = client_for(desk)
    offered(client, booked)
    version = topic_version(ROTA_VISITS)
    technician.last_login = booked.created_at
    technician.save(update_fields=["last_login"])
    assert topic_version(ROTA_VISITS) == version
