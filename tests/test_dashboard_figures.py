"""The dashboard's figures, from its one grouped query, agree with counting each
call in Python (the target module's rule for one call) over varied calls: every
state, priority, owner and technician, paused clocks, targets past and to come,
reported and closed today, this week and before, incidents and requests apart."""

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string

from incidents import reporting, targets
from incidents.models import (
    INCIDENT_OPEN_STATUSES,
    OPEN_STATUSES,
    WAITING_FOR_TECHNICIAN_STATUSES,
    CallKind,
    Incident,
    Priority,
    Status,
)
from incidents.reporting import Rate, SchoolRow, SideBySide
from incidents.reporting.periods import midnight
from incidents.views import reports
from tests.factories import file_incident, file_request, request_type
from tests.test_reports_dashboard import NOW

DAY_START = midnight(NOW.date())
WEEK_START = midnight(NOW.date() - timedelta(days=NOW.weekday()))


def _fields(n: int, status: Status, desk, technician) -> dict:
    """Call ``n``'s state and timestamps, spread so the grid covers every case."""
    created = NOW - timedelta(hours=[1, 5, 30, 60, 200, 400][n % 6])
    fields = {
        "status": status,
        "priority": n % 5 + 1,
        "created_at": created,
        "owner": desk if n % 3 else None,
        "assignee": technician if n % 4 == 1 else None,
        "response_due_at": created + timedelta(hours=[1, 4, 48][n % 3]) if n % 7 else None,
        "responded_at": created + timedelta(minutes=30) if n % 5 == 2 else None,
        "resolution_due_at": NOW + timedelta(hours=[-3, 1, 2, 30, 300][n % 5]) if n % 11 else None,
        "paused_since": NOW - timedelta(hours=[1, 10][n % 2]) if n % 6 == 4 else None,
    }
    if status in (Status.RESOLVED, Status.CLOSED):
        fields["resolved_at"] = min(created + timedelta(hours=[1, 9][n % 2]), NOW)
    if status == Status.CLOSED:
        fields["closed_at"] = min(created + timedelta(hours=[2, 20, 100][n % 3]), NOW)
    return fields


@pytest.fixture
def calls(reporter, desk, technician, site):
    kind = request_type(name="Software install")
    statuses = [s for s in Status if s != Status.AWAITING_APPROVAL]
    for n in range(3 * len(statuses)):
        incident = file_incident(reporter, site=site)
        fields = _fields(n, statuses[n % len(statuses)], desk, technician)
        Incident.objects.filter(pk=incident.pk).update(**fields)
    for n in range(2 * len(Status)):
        made = file_request(reporter, kind, site=site, values=["x"] * kind.questions.count())
        Incident.objects.filter(pk=made.pk).update(
            **_fields(n + 1, list(Status)[n % len(Status)], desk, technician)
        )
    return list(Incident.objects.all())


def test_every_figure_agrees_with_counting_each_call(calls, site):
    figures = reporting.dashboard(now=NOW, site=site)
    incidents = [c for c in calls if c.kind == CallKind.INCIDENT]
    requests = [c for c in calls if c.kind == CallKind.REQUEST]
    state = {c.pk: targets.target_state(c, NOW) for c in calls}

    def count(of, test) -> int:
        return sum(1 for c in of if test(c))

    assert figures.breached == count(incidents, lambda c: state[c.pk] == targets.BREACHED)
    assert figures.at_risk == count(incidents, lambda c: state[c.pk] == targets.AT_RISK)
    assert figures.unassigned == count(
        incidents, lambda c: c.status in WAITING_FOR_TECHNICIAN_STATUSES and c.assignee is None
    )
    assert figures.unowned == count(
        incidents, lambda c: c.status in OPEN_STATUSES and c.owner is None
    )
    assert figures.new_today == count(incidents, lambda c: c.created_at >= DAY_START)
    assert figures.new_this_week == count(incidents, lambda c: c.created_at >= WEEK_START)
    assert figures.closed_today == count(
        incidents, lambda c: c.closed_at is not None and c.closed_at >= DAY_START
    )
    assert figures.closed_this_week == count(
        incidents, lambda c: c.closed_at is not None and c.closed_at >= WEEK_START
    )
    assert figures.breached_by_priority == [
        sum(1 for c in incidents if state[c.pk] == targets.BREACHED and c.priority == p.value)
        for p in Priority
    ]
    assert {row.status: row.counts for row in figures.states} == {
        status: [
            sum(1 for c in incidents if c.status == status and c.priority == p.value)
            for p in Priority
        ]
        for status in INCIDENT_OPEN_STATUSES
    }
    assert figures.open_total == count(incidents, lambda c: c.status in OPEN_STATUSES)
    assert figures.requests == reporting.requests.RequestsNow(
        open=count(requests, lambda c: c.status in OPEN_STATUSES),
        awaiting_approval=count(requests, lambda c: c.status == Status.AWAITING_APPROVAL),
        breached=count(requests, lambda c: state[c.pk] == targets.BREACHED),
        new_this_week=count(requests, lambda c: c.created_at >= WEEK_START),
        closed_this_week=count(
            requests, lambda c: c.closed_at is not None and c.closed_at >= WEEK_START
        ),
    )
    # The grid reaches every figure (none of them is trivially zero).
    assert figures.breached and figures.at_risk and figures.unassigned and figures.unowned
    assert figures.closed_today and figures.requests.breached and figures.requests.open
    assert figures.requests.awaiting_approval and figures.requests.closed_this_week


def _between_tags(markup: str) -> str:
    return re.sub(r">\s+<", "><", " ".join(markup.split()))


def test_the_schools_rows_are_the_shared_templates_compact_rows():
    """The dashboard writes its hundred school rows in Python: the same markup as
    `reports/schools.html` in its compact form, names escaped the same way."""
    rows = [
        SchoolRow('St Mary\'s & <b>All</b> "Saints"', 7, 3, 1, Rate(2, 3), 9, 40),
        SchoolRow("Ash", 8, 0, 0, Rate(0, 0), 0, 0),
        SchoolRow("Birch", 9, 12, 4, Rate(1, 1), 5, 7),
    ]
    total = SchoolRow("All these schools", None, 15, 5, Rate(3, 4), 14, 47)
    side = SideBySide(rows=rows, total=total, live=True)
    template = render_to_string("incidents/reports/schools.html", {"side": side, "compact": True})
    expected = template.split("<tbody>")[1].split("</tbody>")[0]
    assert "&lt;b&gt;All&lt;/b&gt;" in expected
    assert _between_tags(reports._school_rows(rows)) == _between_tags(expected)
