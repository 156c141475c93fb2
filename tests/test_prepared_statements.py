"""Statements compiled once per process (`incidents.prepared`): the call log's counts
per state are compiled on the first request and run again with each request's time,
never kept as results."""

from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from incidents import prepared, selectors
from incidents.filters import QueueFilter
from incidents.models import Incident
from incidents.views.desk.queue import CountedPaginator, _count_from_states, _state_counts
from incidents.views.desk.rows import queue_rows
from tests.desk_helpers import assigned, logged, many_incidents
from tests.factories import EquipmentFactory, RoomFactory, file_incident

ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _no_statements_kept():
    prepared.forget()
    yield
    prepared.forget()


def filter_at(desk, moment, params) -> QueueFilter:
    """The call log's filter set as the desk person's request at `moment` builds it."""
    request = RequestFactory().get("/desk/")
    request.user = desk
    filterset = QueueFilter(
        QueryDict(params),
        queryset=selectors.staff_incidents_for(desk),
        request=request,
        now=moment,
    )
    assert filterset.is_valid()
    return filterset


def counts_at(desk, moment, params="state=open") -> dict:
    return _state_counts(filter_at(desk, moment, params), desk)


def kept_statements() -> list:
    return list(prepared._statements.values())


def test_the_counts_move_with_the_time_they_are_asked_at(desk, reporter, site):
    now = timezone.now()
    calls = [logged(file_incident(reporter, site=site), desk) for _ in range(3)]
    # Resolution due in 1, 3 and 5 hours, each call's clock started 10 hours ago.
    for call, hours in zip(calls, (1, 3, 5), strict=True):
        Incident.objects.filter(pk=call.pk).update(
            created_at=now - timedelta(hours=10),
            responded_at=now - timedelta(hours=9),
            resolution_due_at=now + timedelta(hours=hours),
        )

    moments = [now + timedelta(hours=hours) for hours in (0, 2, 4, 6)]
    seen = [(c["breached"], c["at_risk"]) for c in (counts_at(desk, m) for m in moments)]

    # At risk in the last quarter of each call's time (11, 13 and 15 hours).
    assert seen == [(0, 2), (1, 2), (2, 1), (3, 0)]
    if ON_POSTGRESQL:  # one statement, compiled once, run with every moment
        assert len(kept_statements()) == 1 and kept_statements()[0] is not None


def test_a_change_shows_in_the_next_counts(desk, reporter, site):
    first = logged(file_incident(reporter, site=site), desk)
    logged(file_incident(reporter, site=site), desk)
    now = timezone.now()
    before = {state["value"]: state["n"] for state in counts_at(desk, now)["states"]}

    Incident.objects.filter(pk=first.pk).update(status="on_hold")
    after = {state["value"]: state["n"] for state in counts_at(desk, now)["states"]}

    assert before["logged"] == 2 and before["on_hold"] == 0
    assert after["logged"] == 1 and after["on_hold"] == 1


def test_each_filter_gets_its_own_statement(desk, reporter, site):
    logged(file_incident(reporter, site=site), desk, impact=1, urgency=1)
    logged(file_incident(reporter, site=site), desk, impact=3, urgency=3)
    now = timezone.now()

    every = counts_at(desk, now)["open"]
    urgent = counts_at(desk, now, "state=open&priority=1")["open"]

    assert (every, urgent) == (2, 1)
    if ON_POSTGRESQL:
        assert len(kept_statements()) == 2


def test_a_moment_worked_out_from_the_time_is_never_compiled_in(reporter, site):
    call = file_incident(reporter, site=site)
    Incident.objects.filter(pk=call.pk).update(created_at=timezone.now() - timedelta(hours=2))

    def within_an_hour(now):
        return Incident.objects.filter(created_at__gte=now - timedelta(hours=1)).values_list("pk")

    now = timezone.now()
    found = [
        prepared.rows("recent", within_an_hour, now=moment)
        for moment in (now, now - timedelta(hours=1.5))
    ]

    assert found == [[], [(call.pk,)]]
    assert kept_statements() == [None]  # refused: evaluated through the ORM each time


def test_the_rows_from_kept_statements_are_the_orms(desk, technician, reporter, site, monkeypatch):
    room = RoomFactory(site=site)
    printer = EquipmentFactory(site=site, room=room)
    calls = [
        file_incident(reporter, site=site),
        logged(file_incident(reporter, site=site, room=room, equipment=printer), desk),
        assigned(file_incident(reporter, site=site), desk, technician),
    ]
    ids = [call.pk for call in reversed(calls)]
    now = timezone.now()

    def page():
        return queue_rows(
            ids,
            among=selectors.staff_incidents_for(desk),
            scope=("test",),
            now=now,
            several_schools=True,
        )

    kept = page()
    statements = kept_statements()
    prepared.forget()
    monkeypatch.setattr(prepared, "_compile", lambda queryset, moving: None)
    through_the_orm = page()

    assert kept == through_the_orm
    assert [call.reference in kept for call in calls] == [True, True, True]
    assert printer.asset_tag in kept and technician.first_name in kept
    if ON_POSTGRESQL:  # the rows and their latest entries, each one statement for any ids
        assert len(statements) == 2 and None not in statements


def page_of(desk, moment, params, number=1) -> list[int]:
    filterset = filter_at(desk, moment, params)
    count = _count_from_states(filterset, _state_counts(filterset, desk))
    return list(CountedPaginator(filterset, desk, 50, count=count).page(number).object_list)


def test_a_page_of_ids_is_read_again_each_time(desk, reporter, site):
    made = many_incidents(60, reporter=reporter, site=site)
    now = timezone.now()

    second = page_of(desk, now, "state=open", 2)
    newer = many_incidents(5, reporter=reporter, site=site, created_at=now + timedelta(minutes=1))
    later = page_of(desk, now, "state=open", 2)
    first = page_of(desk, now, "state=open", 1)

    assert second == [call.pk for call in made[50:]]
    assert later == [call.pk for call in made[45:]]
    assert first[:5] == sorted((call.pk for call in newer), reverse=True)


def test_the_breached_calls_page_moves_with_the_time(desk, reporter, site):
    now = timezone.now()
    calls = [logged(file_incident(reporter, site=site), desk) for _ in range(3)]
    for call, hours in zip(calls, (1, 3, 5), strict=True):
        Incident.objects.filter(pk=call.pk).update(
            created_at=now - timedelta(hours=10 - hours),
            responded_at=now - timedelta(hours=9),
            resolution_due_at=now + timedelta(hours=hours),
        )

    seen = [
        page_of(desk, now + timedelta(hours=hours), "state=open&target=breached")
        for hours in (0, 2, 4, 6)
    ]

    first, second, third = (call.pk for call in calls)
    assert seen == [[], [first], [second, first], [third, second, first]]
    if ON_POSTGRESQL:  # the page's ids: one statement, run with every moment
        pages = [key for key in prepared._statements if key[0] == "queue-ids"]
        assert len(pages) == 1 and prepared._statements[pages[0]].positions["now"]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="prepared statements are PostgreSQL's")
def test_the_kept_statements_are_prepared_on_the_connection(client_for, desk, reporter, site):
    many_incidents(3, reporter=reporter, site=site)

    for _ in range(7):
        listed = (
            client_for(desk)
            .get(reverse("incidents:desk_queue"))
            .text.count('data-testid="queue-row"')
        )

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert listed == 3
    # The counts per state, the page's ids, its rows and their latest entries.
    assert (
        sum("incidents_incident" in text or "incidents_calllogentry" in text for text in statements)
        == 4
    )
