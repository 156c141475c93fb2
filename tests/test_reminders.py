"""Reminders that come due with time: `send_reminders` sends each once, to the right
people, in-app and by e-mail through the worker."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.roles import Role
from incidents import reminders, workflow
from incidents.models import CallLogEntry, Incident, Notification
from tests.desk_helpers import assigned, fresh, resolved
from tests.factories import SupportGroupFactory, UserFactory, file_incident
from tests.mail_helpers import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def send_twice():
    call_command("send_reminders", verbosity=0)
    call_command("send_reminders", verbosity=0)
    run_worker()


def told(event):
    return sorted(n.recipient.username for n in Notification.objects.filter(event=event))


def mailed(person, words):
    return [m for m in mail.outbox if m.to == [person.email] and words in m.subject]


def weeks_ago(incident, field, to_status=None):
    """Move the call's moment (and the entry that made it) two weeks back."""
    past = timezone.now() - timedelta(days=14)
    Incident.objects.filter(pk=incident.pk).update(**{field: past})
    if to_status:
        CallLogEntry.objects.filter(incident=incident, to_status=to_status).update(at=past)


def test_a_consultation_due_reminds_its_technician_and_the_owner_once(desk, technician, incident):
    incident = assigned(incident, desk, technician)
    workflow.incident_start(incident=incident, by=technician, version=fresh(incident).version)
    workflow.consultation_open(
        incident=incident,
        by=technician,
        group=SupportGroupFactory(name="Printer supplier"),
        reason="Warranty",
        chase_on=timezone.localdate() - timedelta(days=1),
        version=fresh(incident).version,
    )
    Notification.objects.all().delete()
    mail.outbox.clear()

    send_twice()

    assert told("consultation_due") == ["desk", "tech"]
    assert len(mailed(technician, "time to chase Printer supplier")) == 1
    assert len(mailed(desk, "time to chase Printer supplier")) == 1


def test_a_resolved_problem_tells_the_reporters_of_linked_incidents_once(
    desk, technician, reporter, site
):
    other = UserFactory(username="other", roles=[Role.USER])
    first = assigned(file_incident(reporter, site=site), desk, technician)
    second = assigned(file_incident(other, site=site), desk, technician)
    unlinked = file_incident(UserFactory(username="bystander", roles=[Role.USER]), site=site)
    problem = workflow.problem_escalate(
        incident=first,
        by=desk,
        title="Toner",
        workaround="Office printer",
        version=fresh(first).version,
    )
    workflow.problem_escalate(
        incident=second,
        by=desk,
        problem=problem,
        workaround="Office printer",
        version=fresh(second).version,
    )
    workflow.problem_resolve(
        problem=problem,
        by=technician,
        resolution="New toner batch.",
        version=workflow.current_version(problem),
    )
    mail.outbox.clear()

    send_twice()

    assert told("problem_resolved") == ["other", "reporter"]
    assert len(mailed(reporter, "the cause has been fixed")) == 1
    assert "New toner batch." in mailed(other, "the cause has been fixed")[0].body
    assert not Notification.objects.filter(incident=unlinked, event="problem_resolved").exists()


def test_a_call_resolved_but_not_closed_reminds_the_owner_once(desk, technician, reporter, site):
    old = resolved(file_incident(reporter, site=site), desk, technician)
    recent = resolved(file_incident(reporter, site=site), desk, technician)
    weeks_ago(old, "resolved_at")
    mail.outbox.clear()

    send_twice()

    reminders = Notification.objects.filter(event="not_closed")
    assert [(n.incident_id, n.recipient) for n in reminders] == [(old.pk, desk)]
    assert recent.pk not in [n.incident_id for n in reminders]
    assert len(mailed(desk, "not closed")) == 1


def test_a_sheet_waiting_for_the_user_reminds_the_user_once(desk, reporter, site):
    waiting = file_incident(reporter, site=site)
    workflow.incident_return_to_user(
        incident=waiting, by=desk, question="Which room?", version=fresh(waiting).version
    )
    mail.outbox.clear()

    send_twice()  # just asked: not yet
    assert not Notification.objects.filter(event="still_waiting").exists()

    # The call log cannot be rewritten: run the reminders as two weeks from now.
    later = timezone.now() + timedelta(days=14)
    reminders.send_due(now=later)
    reminders.send_due(now=later)
    run_worker()

    sent = Notification.objects.filter(event="still_waiting")
    assert [(n.incident_id, n.recipient) for n in sent] == [(waiting.pk, reporter)]
    assert len(mailed(reporter, "still waiting for your answer")) == 1


def test_nothing_due_sends_nothing(desk, technician, incident):
    resolved(incident, desk, technician)
    Notification.objects.all().delete()
    send_twice()
    assert not Notification.objects.exists()
