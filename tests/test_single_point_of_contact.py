"""The service desk is the single point of contact: a technician works on a call
once the desk has logged it and passed it to them (or they took it from the pool),
and everything a technician records keeps the owning desk informed."""

import pytest
from django.urls import reverse

from incidents import workflow
from incidents.models import (
    CallLogEntry,
    Consultation,
    DiagnosticEntry,
    Incident,
    Notification,
    Problem,
    Status,
)
from tests.desk_helpers import logged
from tests.factories import SupportGroupFactory
from tests.mail_helpers import mail_to
from tests.technician_helpers import passed_incident


def _v(incident) -> int:
    return workflow.current_version(incident)


def test_a_technician_cannot_work_on_a_sheet_the_desk_has_not_logged(incident, technician):
    attempts = [
        lambda: workflow.incident_diagnose(
            incident=incident, by=technician, action_taken="Looked", version=_v(incident)
        ),
        lambda: workflow.consultation_open(
            incident=incident,
            by=technician,
            group=SupportGroupFactory(),
            reason="Warranty",
            version=_v(incident),
        ),
        lambda: workflow.problem_escalate(
            incident=incident, by=technician, workaround="Cable", version=_v(incident)
        ),
    ]
    for attempt in attempts:
        with pytest.raises(workflow.NotAllowed, match="not been logged by the service desk"):
            attempt()
    assert not workflow.can(technician, "diagnose", incident)
    assert not DiagnosticEntry.objects.exists()
    assert not Consultation.objects.exists() and not Problem.objects.exists()
    assert list(incident.log.values_list("event", flat=True)) == ["filed"]


def test_the_diagnostics_page_refuses_a_technician_before_the_desk_logs_it(
    client, incident, technician
):
    client.force_login(technician)
    url = reverse("incidents:diagnose", args=[incident.reference])
    response = client.post(url, {"version": incident.version, "action_taken": "Rebooted"})
    assert response.status_code == 403
    assert not DiagnosticEntry.objects.exists()


def test_a_technician_cannot_resolve_a_logged_call_nobody_passed_to_them(
    incident, desk, technician
):
    logged(incident, desk)
    with pytest.raises(workflow.NotAllowed, match="not been passed to you"):
        workflow.incident_resolve(
            incident=incident, by=technician, resolution="Rebooted", version=_v(incident)
        )
    after = Incident.objects.get(pk=incident.pk)
    assert (after.status, after.assignee, after.resolved_at) == (Status.LOGGED, None, None)


def test_a_pool_call_is_taken_before_anything_is_recorded(reporter, desk, technician, site):
    pooled = passed_incident(reporter, desk, site=site)
    with pytest.raises(workflow.NotAllowed, match="take it from the pool first"):
        workflow.incident_diagnose(
            incident=pooled, by=technician, action_taken="Looked", version=_v(pooled)
        )
    workflow.incident_take(incident=pooled, by=technician, version=_v(pooled))
    workflow.incident_diagnose(
        incident=pooled, by=technician, action_taken="Looked", version=_v(pooled)
    )
    assert DiagnosticEntry.objects.get().author == technician


def test_another_technicians_call_is_refused(reporter, desk, technician, site):
    from accounts.roles import Role
    from tests.factories import UserFactory

    theirs = passed_incident(reporter, desk, technician=technician, site=site)
    other = UserFactory(username="tech2", roles=[Role.TECHNICIAN])
    with pytest.raises(workflow.NotAllowed, match="assigned to Tom Tech"):
        workflow.incident_message_reporter(
            incident=theirs, by=other, text="Hello", version=_v(theirs)
        )


def test_starting_a_pool_call_records_the_assignment_and_tells_the_desk(
    reporter, desk, technician, site
):
    pooled = passed_incident(reporter, desk, site=site)
    Incident.objects.filter(pk=pooled.pk).update(assigned_at=None)

    workflow.incident_start(incident=pooled, by=technician, version=_v(pooled))

    after = Incident.objects.get(pk=pooled.pk)
    assert (after.status, after.assignee) == (Status.IN_PROGRESS, technician)
    assert after.assigned_at is not None and after.owner_unread
    taken = CallLogEntry.objects.get(incident=pooled, event="taken")
    assert taken.actor == technician and "Tom Tech took the call" in taken.rendered
    told = Notification.objects.get(incident=pooled, recipient=desk, event="technician_update")
    assert "took the call from the technician pool" in told.body


@pytest.mark.django_db(transaction=True)
def test_a_technicians_message_to_the_user_flags_and_tells_the_desk(
    reporter, desk, technician, site
):
    call = passed_incident(reporter, desk, technician=technician, site=site)
    workflow.incident_message_reporter(
        incident=call, by=technician, text="I will come at 2pm.", version=_v(call)
    )
    assert Incident.objects.get(pk=call.pk).owner_unread
    sent = mail_to(desk)
    assert [m.subject for m in sent if "wrote to" in m.subject] == [
        f"{call.reference}: Tom Tech wrote to Rita Reporter"
    ]
    assert "I will come at 2pm." in sent[-1].body
    assert any("I will come at 2pm." in m.body for m in mail_to(reporter))


@pytest.mark.django_db(transaction=True)
def test_a_technicians_photo_flags_and_tells_the_desk(reporter, desk, technician, site):
    call = passed_incident(reporter, desk, technician=technician, site=site)
    workflow.incident_attach(
        incident=call,
        by=technician,
        photos=[
            {
                "file": "x.png",
                "original_name": "fuser.png",
                "content_type": "image/png",
                "size": 10,
            }
        ],
        version=_v(call),
    )
    assert Incident.objects.get(pk=call.pk).owner_unread
    assert CallLogEntry.objects.filter(incident=call, event="attached").exists()
    sent = mail_to(desk)
    assert [m.subject for m in sent if "photos" in m.subject] == [
        f"{call.reference}: photos added by Tom Tech"
    ]
    assert "fuser.png" in sent[-1].body


def test_the_desk_may_act_on_any_logged_call(incident, desk):
    logged(incident, desk)
    workflow.incident_diagnose(
        incident=incident, by=desk, action_taken="Checked the cable", version=_v(incident)
    )
    assert DiagnosticEntry.objects.get().author == desk
