"""The target state is defined once: the Python answer for one call and the
database's answer for a list agree over a grid of calls, and every page says the same."""

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import reporting, targets, workflow
from incidents.models import HoldReason, Incident, Status
from incidents.views.technician.home import time_to_target
from tests.desk_helpers import fresh
from tests.factories import file_incident
from tests.technician_helpers import passed_incident

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)

# Moments of the clock relative to the due times: (response due, resolution due)
# measured from "now", in hours; 0 is exactly on the due time.
DUE_TIMES = [(5, 20), (0, 10), (-1, 3), (-4, -2), (-6, 0), (-8, 30)]


def grid(reporter, site, now):
    base = file_incident(reporter, site=site)
    fields = [f.attname for f in Incident._meta.concrete_fields if not f.primary_key]
    rows = []
    cases = itertools.product(
        Status.values, (None, 2, -1), (None, -3, 1), (None, -1), DUE_TIMES, (1, 3)
    )
    for status, paused_h, responded_h, resolved_h, (resp_h, res_h), priority in cases:
        values = {name: getattr(base, name) for name in fields}
        values.update(
            submission_token=None,
            status=status,
            priority=priority,
            created_at=now - timedelta(hours=10),
            response_due_at=now + resp_h * H,
            resolution_due_at=None if res_h == 30 else now + res_h * H,
            paused_since=None if paused_h is None else now - paused_h * H,
            responded_at=None if responded_h is None else now + responded_h * H,
            resolved_at=None if resolved_h is None else now + resolved_h * H,
        )
        rows.append(Incident(**values))
    Incident.objects.bulk_create(rows)
    return Incident.objects.exclude(pk=base.pk)


def test_python_and_database_agree_over_a_grid_of_calls(reporter, site):
    now = timezone.now().replace(microsecond=0)
    incidents = grid(reporter, site, now)
    annotated = targets.with_target_states(incidents, now)
    breached = set(incidents.filter(targets.breached_q(now)).values_list("pk", flat=True))
    at_risk = set(incidents.filter(targets.at_risk_q(now)).values_list("pk", flat=True))

    seen, disagreements = set(), []
    for incident in annotated:
        response, resolution = targets.target_clocks(incident, now)
        state = targets.call_state([response, resolution], incident)
        python = (response.state, resolution.state, state)
        database = (incident.response_state, incident.resolution_state, incident.target_state)
        if python != database:
            disagreements.append((incident.status, incident.paused_since, python, database))
        if (incident.pk in breached) != (state == targets.BREACHED):
            disagreements.append(("breached_q", incident.pk, state))
        if (incident.pk in at_risk) != (state == targets.AT_RISK):
            disagreements.append(("at_risk_q", incident.pk, state))
        seen.add(state)

    assert len(annotated) > 1000
    assert disagreements == []
    assert seen == {"none", "met", "missed", "breached", "paused", "at_risk", "ok"}


def test_the_reports_cheaper_conditions_pick_the_same_calls_as_the_target_states(reporter, site):
    """`met_q`, `missed_q` and `target_breached_q` (what the reports count over a
    month of calls) select exactly the calls whose target state is met, missed or
    breached, for both targets."""
    now = timezone.now().replace(microsecond=0)
    incidents = grid(reporter, site, now)
    states = {
        incident.pk: incident for incident in targets.with_target_states(incidents, now).only("pk")
    }
    for due, done, state_name in [
        ("response_due_at", "responded_at", "response_state"),
        ("resolution_due_at", "resolved_at", "resolution_state"),
    ]:
        for state, condition in [
            (targets.MET, targets.met_q(due, done)),
            (targets.MISSED, targets.missed_q(due, done)),
            (targets.BREACHED, targets.target_breached_q(due, done, now)),
        ]:
            expected = {pk for pk, row in states.items() if getattr(row, state_name) == state}
            assert expected, (state_name, state)
            assert set(incidents.filter(condition).values_list("pk", flat=True)) == expected


def test_a_call_paused_after_its_target_passed_is_breached_everywhere(
    client_for, desk, technician, reporter, site
):
    incident = passed_incident(reporter, desk, technician=technician, site=site)
    incident = workflow.incident_start(
        version=workflow.current_version(incident), incident=incident, by=technician
    )
    now = timezone.now()
    Incident.objects.filter(pk=incident.pk).update(resolution_due_at=now - 2 * H)
    incident = fresh(incident)
    workflow.incident_hold(
        version=incident.version,
        incident=incident,
        by=technician,
        reason=HoldReason.SUPPLIER,
        note="Lamp ordered",
    )
    Incident.objects.filter(pk=incident.pk).update(paused_since=now - H)  # an hour after due
    incident = fresh(incident)

    assert targets.target_state(incident) == "breached"
    assert time_to_target(incident, now).text == "breached 1 h ago (clock paused)"
    sql = targets.with_target_states(Incident.objects.filter(pk=incident.pk)).get()
    assert sql.target_state == "breached"  # as the filters and reports read it
    assert reporting.dashboard().breached == 1
    queue = client_for(desk).get(reverse("incidents:desk_queue")).text
    page = client_for(desk).get(incident.get_absolute_url()).text
    home = client_for(technician).get(reverse("incidents:tech_home")).text
    assert f'data-reference="{incident.reference}" data-target="breached"' in queue
    assert 'data-target-state="breached">breached 1 h ago (clock paused)' in page
    assert 'data-target-state="breached">breached 1 h ago (clock paused)' in home
    assert "left)" not in home


def test_an_unanswered_sheet_past_its_response_target_is_breached_everywhere(
    client_for, desk, reporter, site
):
    incident = file_incident(reporter, site=site)
    now = timezone.now()
    Incident.objects.filter(pk=incident.pk).update(response_due_at=now - H)
    incident = fresh(incident)

    assert incident.status == Status.SUBMITTED and incident.responded_at is None
    assert targets.target_state(incident) == "breached"
    sql = targets.with_target_states(Incident.objects.filter(pk=incident.pk)).get()
    assert sql.target_state == "breached"  # as the filters and reports read it
    assert reporting.dashboard().breached == 1
    page = client_for(desk).get(incident.get_absolute_url()).text
    assert 'data-target-state="breached">breached 1 h ago' in page


def test_one_duration_format():
    assert targets.format_duration(None) == "—"
    assert targets.format_duration(45 * 60) == "45 min"
    assert targets.format_duration(timedelta(hours=3, minutes=5)) == "3 h 05 min"
    assert targets.format_duration(timedelta(hours=-2)) == "2 h"
    assert targets.format_duration(timedelta(days=2, hours=4)) == "2 d 4 h"
    assert reporting.Timing(mean=3 * 3600).mean_display == targets.format_duration(
        timedelta(hours=3)
    )
