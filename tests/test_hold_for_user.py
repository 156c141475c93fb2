"""On hold waiting for the user: the user sees that the service desk waits for them,
is told, and their answer ends the hold (the target clock runs again)."""

import pytest
from django.urls import reverse

from incidents import workflow
from incidents.models import CallLogEntry, Incident, Notification, Status
from tests.mail_helpers import mail_to
from tests.technician_helpers import passed_incident


def _v(obj) -> int:
    return workflow.current_version(obj)


@pytest.fixture
def held(reporter, desk, technician, site):
    call = passed_incident(reporter, desk, technician=technician, site=site)
    workflow.incident_start(incident=call, by=technician, version=_v(call))
    workflow.incident_hold(
        incident=call,
        by=technician,
        reason="user",
        note="When can I have the laptop for an hour?",
        version=_v(call),
    )
    return Incident.objects.get(pk=call.pk)


def test_the_user_sees_the_desk_waits_for_them(client, held, reporter):
    assert held.paused_since is not None
    client.force_login(reporter)
    page = client.get(held.get_absolute_url())
    assert "the service desk is waiting for your answer" in page.text
    assert "waiting for parts or a supplier" not in page.text
    assert "When can I have the laptop for an hour?" in page.text
    assert page.context["can"]["answer"]
    mine = client.get(reverse("incidents:my_incidents")).text
    assert "On hold – the service desk is waiting for your answer" in mine


def test_a_hold_for_parts_says_so(reporter, desk, technician, site):
    call = passed_incident(reporter, desk, technician=technician, site=site)
    workflow.incident_hold(incident=call, by=technician, reason="parts", version=_v(call))
    after = Incident.objects.get(pk=call.pk)
    assert after.status_for_user == "On hold – waiting for parts"
    assert not workflow.can(reporter, "answer_hold", after)
    assert not Notification.objects.filter(recipient=reporter, event="more_info_needed").exists()


@pytest.mark.django_db(transaction=True)
def test_the_user_is_told_when_the_desk_waits_for_them(held, reporter):
    sent = mail_to(reporter)
    waiting = [m for m in sent if "waiting for your answer" in m.subject]
    assert len(waiting) == 1
    assert "When can I have the laptop for an hour?" in waiting[0].body


def test_the_users_answer_ends_the_hold_and_the_clock_runs(client, held, reporter, technician):
    due_before = held.resolution_due_at
    client.force_login(reporter)
    response = client.post(
        reverse("incidents:answer", args=[held.reference]),
        {"version": held.version, "answer": "Tomorrow after lunch."},
    )
    assert response.status_code == 302
    after = Incident.objects.get(pk=held.pk)
    assert (after.status, after.hold_reason, after.paused_since) == (Status.IN_PROGRESS, "", None)
    assert after.resolution_due_at >= due_before
    entry = CallLogEntry.objects.filter(incident=held).order_by("-id").first()
    assert (entry.event, entry.from_status, entry.to_status, entry.actor) == (
        "answered",
        Status.ON_HOLD,
        Status.IN_PROGRESS,
        reporter,
    )
    assert entry.is_public and entry.rendered == "Tomorrow after lunch."
    told = Notification.objects.filter(incident=held, event="user_answered")
    assert {n.recipient.username for n in told} == {"desk", "tech"}


def test_an_empty_answer_is_shown_again_with_its_message(client, held, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse("incidents:answer", args=[held.reference]),
        {"version": held.version, "answer": ""},
    )
    assert response.status_code in (200, 400)
    assert response.context["answer_form"].errors["answer"]
    assert Incident.objects.get(pk=held.pk).status == Status.ON_HOLD
