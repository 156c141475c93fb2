"""Helpers for the technician's-side tests: an incident the desk has logged and
passed on, and counting the queries a page runs."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents import workflow
from incidents.models import Impact, Urgency
from tests.factories import file_incident


def passed_incident(reporter, desk, *, technician=None, site=None, visit_date=None, **extra):
    """Filed by the reporter, logged and owned by the desk, passed to a technician
    (or to the pool when none is named)."""
    incident = file_incident(reporter, site=site, **extra)
    incident = workflow.incident_accept(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        category=None,
        impact=Impact.MEDIUM,
        urgency=Urgency.MEDIUM,
    )
    return workflow.incident_request_technician(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        technician=technician,
        visit_date=visit_date,
    )


def queries_for(client, url: str):
    """(number of queries, response) for one GET."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    return len(context), response
