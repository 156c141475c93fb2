"""Bulk actions on the queue's ticked calls: each through its own move and call-log entry."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from incidents.models import ClosureCode, EntryKind, Event, Status
from tests.desk_helpers import fresh, last_entry, logged, notifications_for
from tests.factories import UserFactory, file_incident

BULK = reverse("incidents:desk_bulk")


def bulk(client, incidents, action, **fields):
    data = {
        "bulk-ids": [i.pk for i in incidents],
        "bulk-action": action,
        "next": "/desk/?q=printer",
    }
    data.update({f"bulk-{k}": v for k, v in fields.items()})
    response = client.post(BULK, data, follow=True)
    return response, [str(m) for m in response.context["messages"]]


@pytest.fixture
def three(desk, reporter, site):
    return [
        logged(file_incident(reporter, site=site, summary=f"Printer {n}"), desk) for n in range(3)
    ]


def test_bulk_assign_to_a_technician(client_for, desk, technician, three):
    response, said = bulk(client_for(desk), three, "assign", technician=technician.pk)

    assert response.redirect_chain[-1][0] == "/desk/?q=printer"
    for incident in three:
        incident = fresh(incident)
        assert incident.status == Status.ASSIGNED and incident.assignee == technician
        assert last_entry(incident, kind=EntryKind.ASSIGNMENT) is not None
    assert notifications_for(technician, event=Event.TECHNICIAN_REQUESTED).count() == 3
    assert said == [f"Request a technician: 3 of 3 done ({', '.join(i.reference for i in three)})."]


def test_bulk_set_priority(client_for, desk, three):
    bulk(client_for(desk), three, "priority", priority=1)

    for incident in three:
        assert fresh(incident).priority == 1
        assert last_entry(incident).kind == EntryKind.DETAILS


def test_bulk_take_ownership(client_for, desk, reporter, site):
    colleague = UserFactory(username="desk2", roles=[Role.DESK])
    calls = [logged(file_incident(reporter, site=site), colleague) for _ in range(2)]

    bulk(client_for(desk), calls, "take")

    for incident in calls:
        assert fresh(incident).owner == desk
        assert last_entry(incident).kind == EntryKind.OWNERSHIP


def test_bulk_close_as_duplicates(client_for, desk, reporter, site, three):
    original = three[0]

    _response, said = bulk(client_for(desk), three, "duplicate", duplicate_of=original.reference)

    assert fresh(original).status == Status.LOGGED
    for incident in three[1:]:
        incident = fresh(incident)
        assert incident.status == Status.CLOSED
        assert incident.closure_code == ClosureCode.DUPLICATE
        assert incident.duplicate_of == original
        assert last_entry(incident).to_status == Status.CLOSED
    assert notifications_for(reporter, event=Event.CLOSED).count() == 2
    assert said[0].startswith("Close as duplicates of: 2 of 3 done")
    assert said[1] == f"{original.reference} not done: it is the incident the others duplicate."


def test_bulk_reports_which_failed_and_why(client_for, desk, technician, reporter, site, three):
    new_sheet = file_incident(reporter, site=site)  # not logged yet: cannot be assigned

    _, said = bulk(client_for(desk), [*three, new_sheet], "assign", technician="")

    assert said[0].startswith("Request a technician: 3 of 4 done")
    assert (
        said[1]
        == f"{new_sheet.reference} not done: {new_sheet.reference} is submitted: that cannot be done now."
    )
    assert fresh(new_sheet).status == Status.SUBMITTED


def test_bulk_print_goes_to_the_printable_selection(client_for, desk, three):
    response = client_for(desk).post(
        BULK, {"bulk-ids": [i.pk for i in three], "bulk-action": "print"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/desk/print/?ids=" + ",".join(str(i.pk) for i in three)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"bulk-action": "take"}, "Tick the incidents first."),
        ({"bulk-action": "take", "bulk-ids": ["x"]}, "The selection was not understood."),
        ({"bulk-action": "explode", "bulk-ids": ["1"]}, "Select a valid choice."),
        ({"bulk-action": "priority", "bulk-ids": ["1"]}, "Choose the priority."),
        ({"bulk-action": "duplicate", "bulk-ids": ["1"]}, "Say which incident they duplicate."),
        ({"bulk-action": "take", "bulk-ids": [str(n) for n in range(1, 300)]}, "at most 200"),
    ],
)
def test_bulk_refuses_bad_input_with_a_message(client_for, desk, three, data, message):
    response = client_for(desk).post(BULK, data, follow=True)

    said = " ".join(str(m) for m in response.context["messages"])
    assert message in said
    assert all(fresh(i).owner == desk and fresh(i).priority == i.priority for i in three)


def test_bulk_ignores_a_foreign_next_address(client_for, desk, three):
    response = client_for(desk).post(
        BULK, {"bulk-ids": [three[0].pk], "bulk-action": "take", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/desk/"


def test_missing_incidents_are_reported(client_for, desk, three):
    _, said = bulk(client_for(desk), [three[0]], "take")
    response = client_for(desk).post(
        BULK, {"bulk-ids": ["999999"], "bulk-action": "take"}, follow=True
    )
    said = [str(m) for m in response.context["messages"]]
    assert said == ["INC-999999 not done: there is no such incident."]


@pytest.mark.parametrize("who", ["reporter", "technician"])
def test_only_the_desk_may_bulk(request, client_for, desk, three, who):
    response = client_for(request.getfixturevalue(who)).post(
        BULK, {"bulk-ids": [i.pk for i in three], "bulk-action": "priority", "bulk-priority": 1}
    )

    assert response.status_code == 403
    assert all(fresh(i).priority != 1 for i in three)
