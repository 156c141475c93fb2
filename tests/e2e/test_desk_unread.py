"""The owner opening the incident's page marks the technicians' updates read: the
page sends the POST itself when it loads (a GET never writes)."""

import pytest

from incidents import workflow
from incidents.models import Incident
from tests.factories import file_incident

pytestmark = pytest.mark.django_db(transaction=True)


def test_opening_the_page_marks_the_updates_read(browser_for, reporter, desk, technician, site):
    incident = file_incident(reporter, site=site)
    workflow.incident_accept(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        category=None,
        impact=2,
        urgency=2,
    )
    workflow.incident_request_technician(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        technician=technician,
    )
    workflow.incident_diagnose(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        action_taken="Swapped the HDMI cable",
    )
    assert Incident.objects.get(pk=incident.pk).owner_unread

    session = browser_for(desk)
    queue = session.go("/desk/")
    assert (
        queue.locator(f'[data-reference="{incident.reference}"] [data-testid="unread"]').count()
        == 1
    )

    with session.page.expect_response(lambda r: r.url.endswith("/read/") and r.status == 204):
        session.go(incident.get_absolute_url())
    assert not Incident.objects.get(pk=incident.pk).owner_unread

    queue = session.go("/desk/")
    assert (
        queue.locator(f'[data-reference="{incident.reference}"] [data-testid="unread"]').count()
        == 0
    )
