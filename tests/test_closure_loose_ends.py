"""Closure leaves no loose ends: consultations still open are closed with the call
(with a note, out of the "to chase" count) and the technician hears it was closed."""

import datetime

import pytest
from django.utils import timezone

from incidents import workflow
from incidents.models import CallLogEntry, ConsultationStatus, Notification
from incidents.reporting.dashboard import dashboard
from tests.factories import SupportGroupFactory
from tests.mail_helpers import mail_to
from tests.technician_helpers import passed_incident


def _v(obj) -> int:
    return workflow.current_version(obj)


@pytest.fixture
def consulted(reporter, desk, technician, site):
    call = passed_incident(reporter, desk, technician=technician, site=site)
    workflow.consultation_open(
        incident=call,
        by=technician,
        group=SupportGroupFactory(name="Printer supplier"),
        reason="Under warranty",
        chase_on=timezone.localdate() - datetime.timedelta(days=1),
        version=_v(call),
    )
    workflow.incident_resolve(
        incident=call, by=technician, resolution="New fuser.", version=_v(call)
    )
    return call


def test_closing_closes_open_consultations_with_a_note(consulted, desk):
    assert to_chase() == 1
    workflow.incident_close(incident=consulted, by=desk, code="fixed", version=_v(consulted))

    consultation = consulted.consultations.get()
    assert consultation.status == ConsultationStatus.CLOSED
    assert consultation.closed_at is not None
    assert consultation.closing_note == f"Closed with {consulted.reference} (fixed)."
    entry = CallLogEntry.objects.get(incident=consulted, event="consultations_closed")
    assert entry.actor == desk
    assert entry.rendered == "Consultations still open closed with the call: Printer supplier."
    assert to_chase() == 0


def to_chase() -> int:
    return dashboard().to_chase


def test_a_call_without_open_consultations_writes_no_extra_entry(reporter, desk, site):
    call = passed_incident(reporter, desk, site=site)
    workflow.incident_close(incident=call, by=desk, code="not_an_incident", version=_v(call))
    assert not CallLogEntry.objects.filter(incident=call, event="consultations_closed").exists()


@pytest.mark.django_db(transaction=True)
def test_the_technician_hears_the_desk_closed_their_call(consulted, desk, technician):
    workflow.incident_close(incident=consulted, by=desk, code="fixed", version=_v(consulted))
    told = Notification.objects.get(incident=consulted, recipient=technician, event="closed")
    assert told.subject == f"{consulted.reference} was closed by Dee Desk"
    sent = mail_to(technician)
    assert [m.subject for m in sent if "was closed" in m.subject] == [told.subject]
    assert "New fuser." in sent[-1].body
