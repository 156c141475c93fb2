"""Following a closed incident through into problem management: the desk links it to
a new or an existing problem after closure, and the call log records it."""

from django.urls import reverse

from incidents import workflow
from incidents.models import CallLogEntry, Incident, Problem
from tests.desk_helpers import resolved


def _v(obj) -> int:
    return workflow.current_version(obj)


def _closed(incident, desk, technician):
    call = resolved(incident, desk, technician)
    return workflow.incident_close(incident=call, by=desk, code="fixed", version=_v(call))


def test_the_desk_opens_a_problem_from_a_closed_incident(client, incident, desk, technician):
    call = _closed(incident, desk, technician)
    client.force_login(desk)
    page = client.get(call.get_absolute_url()).text
    assert 'data-testid="problem-form"' in page

    response = client.post(
        reverse("incidents:link_problem", args=[call.reference]),
        {"problem-version": call.version, "version": call.version, "problem-title": "Toner"},
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    after = Incident.objects.get(pk=call.pk)
    assert (after.problem, after.status) == (problem, "closed")
    entry = CallLogEntry.objects.get(incident=call, event="followed_up")
    assert entry.actor == desk
    assert entry.rendered.startswith(
        f"Followed up into problem management after closure: {problem.reference} Toner"
    )
    assert problem.log.filter(event="opened").exists()


def test_a_closed_incident_joins_an_existing_problem(incident, desk, technician):
    call = _closed(incident, desk, technician)
    problem = workflow.problem_open(by=desk, title="Toner", description="Laser printers")
    workflow.problem_escalate(incident=call, by=desk, problem=problem, version=_v(call))
    assert Incident.objects.get(pk=call.pk).problem == problem
    assert [e.event for e in problem.log.all()] == ["opened", "incident_linked"]
    assert CallLogEntry.objects.filter(incident=call, event="followed_up").count() == 1
