"""The queue runs the same number of queries for 10 calls and for 200: no query per row."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from incidents.models import CallLogEntry, Incident, Status
from tests.desk_helpers import many_incidents
from tests.factories import CategoryFactory, EquipmentFactory, RoomFactory, UserFactory

QUEUE = reverse("incidents:desk_queue")

# Session and user, roles, the page's ids, its rows by id (each row's people and
# place joined in), their latest entries (one query for the page), the counts per
# state (which give the list's length when it holds open calls only), and the
# choices of the filter and bulk forms (categories, sites, rooms, owners,
# technicians ×2: one plain query each, no server-side cursor), plus the
# unread-notification badge. With a shared cache the six lists are not read at
# all (tests/test_choice_lists.py: 8).
QUERIES_UNFILTERED = 14
# Filtering by category, site and room reads each chosen object once more.
QUERIES_FILTERED = 17

# (A search's queries are counted in test_desk_search.py.)
FILTERS = {
    "state": ["submitted", "logged", "assigned"],
    "target": "attention",
    "sort": "-priority",
    "owner": "",
    "unowned": "on",
    "created_after": "2000-01-01",
}


@pytest.fixture
def world(db, desk, technician, reporter, site):
    category = CategoryFactory(name="Printers")
    room = RoomFactory(site=site, name="Library")
    equipment = EquipmentFactory(asset_tag="PRN-1", site=site, room=room)
    colleague = UserFactory(username="desk2", roles=[Role.DESK])
    return {
        "category": category,
        "room": room,
        "equipment": equipment,
        "colleague": colleague,
        "fields": {
            "category": category,
            "room": room,
            "equipment": equipment,
            "status": Status.ASSIGNED,
            "assignee": technician,
        },
    }


def _make(count, world, reporter, site):
    made = many_incidents(count, reporter=reporter, site=site, **world["fields"])
    CallLogEntry.objects.bulk_create(
        CallLogEntry(incident=incident, kind="note", text=f"Note {incident.pk}")
        for incident in made
    )
    return made


@pytest.mark.parametrize("count", [10, 200])
def test_default_queue_queries_do_not_grow(
    client_for, desk, reporter, site, world, count, django_assert_num_queries
):
    _make(count, world, reporter, site)
    client = client_for(desk)
    client.get(QUEUE)  # warm the session

    with django_assert_num_queries(QUERIES_UNFILTERED):
        response = client.get(QUEUE)

    assert response.content.count(b'data-testid="queue-row"') == min(count, 50)


@pytest.mark.parametrize("count", [10, 200])
def test_filtered_queue_queries_do_not_grow(
    client_for, desk, reporter, site, world, count, django_assert_num_queries
):
    made = _make(count, world, reporter, site)
    client = client_for(desk)
    client.get(QUEUE)
    params = {
        **FILTERS,
        "category": world["category"].pk,
        "site": site.pk,
        "room": world["room"].pk,
        "equipment": "PRN-1",
        "reporter": "rita",
        "target": "",
        "priority": made[0].priority,
    }

    with django_assert_num_queries(QUERIES_FILTERED):
        response = client.get(QUEUE, params)

    assert response.status_code == 200
    assert response.content.count(b'data-testid="queue-row"') == min(count, 50)


@pytest.mark.parametrize("count", [10, 200])
def test_htmx_table_queries_do_not_grow(
    client_for, desk, reporter, site, world, count, django_assert_num_queries
):
    _make(count, world, reporter, site)
    client = client_for(desk)
    client.get(QUEUE)

    with django_assert_num_queries(QUERIES_UNFILTERED - 6):
        response = client.get(
            QUEUE, {"state": "open"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-table"
        )

    assert response.content.count(b'data-testid="queue-row"') == min(count, 50)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, 7),  # the open calls
        ({"state": "logged"}, 2),
        ({"state": ["logged", "assigned"], "priority": "2"}, 1),
        ({"state": "closed"}, 1),
        ({"state": "all"}, 8),
        ({"state": "open", "target": "breached"}, 1),
    ],
)
def test_the_list_says_how_many_calls_it_holds(client_for, desk, reporter, site, query, expected):
    """For open states the length comes from the counts per state; it must be the
    list's own length all the same."""
    states = [Status.SUBMITTED] * 3 + [Status.LOGGED] * 2 + [Status.ASSIGNED] * 2
    made = [many_incidents(1, reporter=reporter, site=site, status=s)[0] for s in states]
    many_incidents(1, reporter=reporter, site=site, status=Status.CLOSED)
    Incident.objects.filter(pk=made[3].pk).update(priority=2)
    Incident.objects.filter(pk=made[0].pk).update(
        response_due_at=timezone.now() - timedelta(hours=1)
    )

    page = client_for(desk).get(QUEUE, query).text

    shown = re.search(r'data-testid="result-count">([^<]*)<', page).group(1).split()
    assert shown[0] == str(expected)
    assert page.count('data-testid="queue-row"') == expected
