"""A page someone else changed meanwhile, on every kind of form that carries a
version: the technician's, the reporter's and the problem's (the desk's are in
test_desk_conflict.py). The person is told, the form comes back with the fresh
version and what they typed, and nothing is saved until they send it again."""

from django.urls import reverse

from incidents import workflow
from incidents.models import CallLogEntry, Incident, ProblemStatus, Status
from tests.support.html import input_values
from tests.technician_helpers import passed_incident

CONFLICT = "was changed by someone else while you were looking at it"


def _version(obj) -> int:
    return workflow.current_version(obj)


def test_a_stale_hold_shows_the_technicians_form_again(
    client_for, reporter, desk, technician, site
):
    incident = passed_incident(reporter, desk, technician=technician, site=site)
    incident = workflow.incident_start(incident=incident, by=technician, version=_version(incident))
    url = reverse("incidents:hold", args=[incident.reference])
    page = client_for(technician).get(url)
    [seen] = set(input_values(page.text, "version"))
    workflow.incident_add_note(
        incident=incident, by=desk, text="The supplier rang", version=_version(incident)
    )
    entries = CallLogEntry.objects.filter(incident=incident).count()

    response = client_for(technician).post(
        url, {"version": seen, "reason": "supplier", "note": "Lamp on order, due Friday"}
    )

    assert response.status_code == 200 and CONFLICT in response.text
    fresh = Incident.objects.get(pk=incident.pk)
    assert set(input_values(response.text, "version")) == {str(fresh.version)}
    assert input_values(response.text, "note") == ["Lamp on order, due Friday"]
    assert input_values(response.text, "reason") == ["supplier"]
    assert (fresh.status, fresh.hold_reason) == (Status.IN_PROGRESS, "")
    assert CallLogEntry.objects.filter(incident=incident).count() == entries

    again = client_for(technician).post(
        url,
        {
            "version": input_values(response.text, "version")[0],
            "reason": "supplier",
            "note": "Lamp on order, due Friday",
        },
    )
    assert again.status_code == 302
    assert Incident.objects.get(pk=incident.pk).status == Status.ON_HOLD


def test_a_stale_message_from_the_reporter_is_shown_again(client_for, reporter, desk, incident):
    incident = workflow.incident_accept(
        incident=incident, by=desk, category=None, impact=2, urgency=2, version=_version(incident)
    )
    seen = incident.version
    workflow.incident_message_reporter(
        incident=incident, by=desk, text="Is it the printer by the door?", version=seen
    )
    entries = CallLogEntry.objects.filter(incident=incident).count()

    response = client_for(reporter).post(
        reverse("incidents:user_message", args=[incident.reference]),
        {"version": seen, "text": "It also jams on A3."},
    )

    assert response.status_code == 200 and CONFLICT in response.text
    fresh = Incident.objects.get(pk=incident.pk)
    assert str(fresh.version) in input_values(response.text, "version")
    assert str(seen) not in input_values(response.text, "version")
    assert input_values(response.text, "text") == ["It also jams on A3."]
    assert "Is it the printer by the door?" in response.text  # the change they missed
    assert CallLogEntry.objects.filter(incident=incident).count() == entries


def test_a_stale_answer_the_desk_already_gave_goes_to_the_top_of_the_page(
    client_for, reporter, desk, incident
):
    incident = workflow.incident_return_to_user(
        incident=incident, by=desk, question="Which room?", version=_version(incident)
    )
    seen = incident.version
    workflow.incident_answer(incident=incident, by=desk, answer="Room 4 (by phone)", version=seen)

    response = client_for(reporter).post(
        reverse("incidents:answer", args=[incident.reference]),
        {"version": seen, "answer": "Room 4"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == incident.get_absolute_url()
    assert CONFLICT in response.text
    fresh = Incident.objects.get(pk=incident.pk)
    assert (fresh.status, fresh.version) == (Status.SUBMITTED, seen + 1)
    assert not CallLogEntry.objects.filter(incident=incident, actor=reporter, event="answered")


def test_a_stale_problem_edit_keeps_what_was_typed_and_offers_the_fresh_version(
    client_for, technician, desk
):
    problem = workflow.problem_open(by=technician, title="Printer jams", description="Room 4")
    url = reverse("incidents:problem_edit", args=[problem.reference])
    seen = problem.version
    workflow.problem_update(problem=problem, by=desk, description="Room 4 and 5", version=seen)
    typed = {
        "version": seen,
        "title": "Printer jams",
        "description": "Room 4",
        "root_cause": "Worn roller",
        "workaround": "Feed single sheets",
        "no_workaround_reason": "",
        "equipment": "",
        "category": "",
    }

    response = client_for(technician).post(url, typed)

    assert response.status_code == 200 and CONFLICT in response.text
    problem.refresh_from_db()
    assert input_values(response.text, "version") == [str(problem.version)]
    assert input_values(response.text, "root_cause") == ["Worn roller"]
    assert (problem.root_cause, problem.description) == ("", "Room 4 and 5")

    again = client_for(technician).post(url, {**typed, "version": problem.version})
    assert again.status_code == 302
    problem.refresh_from_db()
    assert problem.root_cause == "Worn roller"


def test_a_stale_click_on_a_problem_state_changes_nothing(client_for, technician, desk):
    problem = workflow.problem_open(by=technician, title="Wi-Fi drops", description="Block C")
    seen = problem.version
    workflow.problem_update(problem=problem, by=desk, root_cause="Firmware", version=seen)

    response = client_for(technician).post(
        reverse("incidents:problem_investigate", args=[problem.reference]),
        {"version": seen},
        follow=True,
    )

    assert CONFLICT in response.text
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
    assert not problem.log.filter(event="investigating").exists()
