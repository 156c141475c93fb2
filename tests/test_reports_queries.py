"""The dashboard, the report and its CSV run a fixed number of queries, whatever
the number of incidents, categories, rooms, equipment or support groups."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import Consultation, Incident, Problem, Status
from incidents.reporting import Period
from tests.factories import (
    CategoryFactory,
    EquipmentFactory,
    RoomFactory,
    SupportGroupFactory,
    file_incident,
)

MOST_QUERIES = 25


def seed(count, *, reporter, desk, technician, site):
    """``count`` incidents spread over last month, each with its own category, room,
    equipment, consultation and state, so every list in the report grows with it."""
    period = Period.last_month(timezone.localdate())
    start = period.starts_at + timedelta(hours=8)
    for n in range(count):
        room = RoomFactory(site=site)
        incident = file_incident(
            reporter, site=site, room=room, equipment=EquipmentFactory(site=site, room=room)
        )
        created = start + timedelta(hours=7 * n % (24 * 27))
        fields = {
            "created_at": created,
            "category": CategoryFactory(),
            "priority": n % 5 + 1,
            "owner": desk if n % 4 else None,
            "responded_at": created + timedelta(minutes=20 + n),
            "resolution_due_at": created + timedelta(days=2),
        }
        if n % 3 == 0:
            fields |= {
                "status": Status.CLOSED,
                "resolved_at": created + timedelta(hours=5 + n),
                "closed_at": created + timedelta(hours=6 + n),
                "resolution_kind": "fix" if n % 2 else "workaround",
                "closure_code": "fixed",
                "reopen_count": n % 2,
            }
        elif n % 3 == 1:
            fields |= {"status": Status.ASSIGNED, "assignee": technician, "assigned_at": created}
        Incident.objects.filter(pk=incident.pk).update(**fields)
        Consultation.objects.create(
            incident=incident,
            group=SupportGroupFactory(),
            reason="Help",
            contacted_at=created + timedelta(hours=1),
            answered_at=created + timedelta(hours=3) if n % 2 else None,
            chase_on=period.start,
            opened_by=technician,
        )
        Problem.objects.create(
            title=f"Problem {n}",
            description="…",
            proactive=bool(n % 2),
            opened_by=technician,
            created_at=created,
        )
    return period


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def counts(client_for, admin_user, reporter, desk, technician, site):
    """Query counts of each report page with 5 incidents, then with 60."""
    client = client_for(admin_user)
    pages = [
        ("/reports/", {}),
        ("/reports/", {"site": site.pk}),
        ("/reports/service/", {}),
        ("/reports/service/", {"site": site.pk}),
        ("/reports/service.csv", {}),
    ]
    people = {"reporter": reporter, "desk": desk, "technician": technician, "site": site}
    seed(5, **people)
    few = [queries_for(client, url, params) for url, params in pages]
    seed(55, **people)
    many = [queries_for(client, url, params) for url, params in pages]
    assert Incident.objects.count() == 60
    return few, many


def test_report_pages_run_the_same_queries_for_5_and_60_incidents(counts):
    few, many = counts
    assert few == many
    assert max(many) <= MOST_QUERIES


def test_report_page_query_count_is_fixed(
    client_for, desk, reporter, technician, site, django_assert_num_queries
):
    client = client_for(desk)
    people = {"reporter": reporter, "desk": desk, "technician": technician, "site": site}
    seed(5, **people)
    expected = queries_for(client, "/reports/service/")
    seed(55, **people)
    with django_assert_num_queries(expected):
        response = client.get("/reports/service/")
    assert response.context["report"].reported == 60
