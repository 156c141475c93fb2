"""Response and resolution targets: from the priority, paused while waiting, breached flagged."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import workflow
from incidents.models import Incident, PriorityTarget, TargetHours
from incidents.targets import target_clocks, with_target_states
from tests.desk_helpers import fresh, logged
from tests.factories import file_incident

QUEUE = reverse("incidents:desk_queue")


def sql_state(incident, now=None) -> str:
    """The call's target state as the lists' filters and the reports read it, in SQL."""
    return with_target_states(Incident.objects.filter(pk=incident.pk), now).get().target_state


@pytest.fixture
def all_hours(db):
    """Targets on the wall clock (the days of the old defaults), so these tests read the
    state rules without the calendar; tests/test_targets_school_time.py covers school time."""
    for priority, response, resolution in [(3, 4 * 60, 3 * 24 * 60), (4, 24 * 60, 5 * 24 * 60)]:
        PriorityTarget.objects.create(
            priority=priority,
            response_minutes=response,
            resolution_minutes=resolution,
            hours=TargetHours.ALL,
        )


def test_targets_come_from_the_priority(desk, reporter, site):
    incident = logged(file_incident(reporter, site=site), desk, impact=1, urgency=1)

    assert incident.priority == 1
    assert incident.response_due_at == incident.created_at + timedelta(minutes=30)
    assert incident.resolution_due_at == incident.created_at + timedelta(hours=4)


def test_the_admins_targets_win_over_the_defaults(desk, reporter, site):
    PriorityTarget.objects.create(
        priority=3, response_minutes=15, resolution_minutes=120, hours=TargetHours.ALL
    )

    incident = logged(file_incident(reporter, site=site), desk, impact=2, urgency=2)

    assert incident.priority == 3
    assert incident.resolution_due_at == incident.created_at + timedelta(minutes=120)


def test_page_shows_the_time_left(client_for, desk, reporter, site):
    incident = logged(file_incident(reporter, site=site), desk, impact=1, urgency=1)

    page = client_for(desk).get(incident.get_absolute_url()).text

    assert "Resolution target:" in page
    assert 'data-target-state="ok">4 h left' in page  # P1 counts all hours
    assert "left</span>" in page
    assert 'data-target-state="met">met' in page  # the response target: the desk responded


def test_clock_pauses_while_waiting_for_the_user_and_resumes(desk, reporter, site, all_hours):
    incident = file_incident(reporter, site=site)
    due = incident.resolution_due_at
    incident = workflow.incident_return_to_user(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        question="Which room?",
    )
    assert incident.paused_since is not None

    paused_since = timezone.now() - timedelta(hours=2)
    Incident.objects.filter(pk=incident.pk).update(paused_since=paused_since)
    incident = workflow.incident_answer(
        version=workflow.current_version(fresh(incident)),
        incident=fresh(incident),
        by=reporter,
        answer="Room 12",
    )

    assert incident.paused_since is None
    assert incident.paused_seconds >= 2 * 3600
    assert incident.resolution_due_at - due >= timedelta(hours=2)


def test_paused_call_is_not_breached_while_paused(client_for, desk, reporter, site):
    incident = file_incident(reporter, site=site)
    workflow.incident_return_to_user(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        question="Which printer?",
    )
    now = timezone.now()
    # Paused a day ago with half a day left: the due time has passed since.
    Incident.objects.filter(pk=incident.pk).update(
        created_at=now - timedelta(days=2),
        paused_since=now - timedelta(days=1),
        response_due_at=now - timedelta(days=1, hours=12),
        responded_at=now - timedelta(days=1),
        resolution_due_at=now - timedelta(hours=12),
    )

    clocks = {c.name: c for c in target_clocks(fresh(incident))}
    page = client_for(desk).get(QUEUE, {"target": "attention"}).text

    assert sql_state(incident) == "paused"
    assert clocks["Resolution"].state == "paused"
    assert clocks["Resolution"].text == "paused (12 h left)"
    assert incident.reference not in page


def test_breached_call_is_flagged_on_the_queue_and_its_page(client_for, desk, reporter, site):
    incident = logged(file_incident(reporter, site=site), desk)
    Incident.objects.filter(pk=incident.pk).update(
        resolution_due_at=timezone.now() - timedelta(hours=3)
    )
    client = client_for(desk)

    queue = client.get(QUEUE).text
    page = client.get(incident.get_absolute_url()).text

    assert (
        f'class="row-breached" data-testid="queue-row" data-reference="{incident.reference}"'
        in queue
    )
    assert '<span class="badge text-bg-danger">breached</span>' in queue
    assert 'data-target-state="breached">breached 3' in page


def test_unanswered_call_breaches_its_response_target(desk, reporter, site, all_hours):
    incident = file_incident(reporter, site=site)  # priority 4: respond within a day
    later = incident.created_at + timedelta(days=1, minutes=1)

    assert sql_state(incident, later) == "breached"
    assert sql_state(incident, incident.created_at) == "ok"


@pytest.mark.parametrize(
    ("elapsed_hours", "state"),
    [(0, "ok"), (50, "ok"), (89, "ok"), (91, "at_risk"), (119, "at_risk"), (121, "breached")],
)
def test_at_risk_in_the_last_quarter(desk, reporter, site, elapsed_hours, state, all_hours):
    incident = logged(file_incident(reporter, site=site), desk, impact=3, urgency=2)
    assert incident.resolution_due_at - incident.created_at == timedelta(days=5)  # priority 4
    moment = incident.created_at + timedelta(hours=elapsed_hours)

    assert sql_state(incident, moment) == state
    python_state = {c.name: c.state for c in target_clocks(incident, moment)}["Resolution"]
    assert python_state == state


def test_resolved_and_closed_calls_are_not_flagged(desk, technician, reporter, site):
    incident = logged(file_incident(reporter, site=site), desk)
    workflow.incident_resolve(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        resolution="Restarted the spooler",
    )
    later = timezone.now() + timedelta(days=30)

    assert sql_state(incident, later) == "met"
    clocks = {c.name: c for c in target_clocks(fresh(incident), later)}
    assert clocks["Resolution"].state == "met"
