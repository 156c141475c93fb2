"""A new sheet's priority is nobody's decision until the desk sets it: the queue
and the staff page say "not set yet"; and the call log ends a sentence once."""

import pytest
from django.urls import reverse

from incidents import workflow
from incidents.filters.queue import queue_queryset
from incidents.history import render_entry
from incidents.models import Impact, Incident, Urgency
from incidents.priority_set import priority_is_set

from .desk_helpers import assigned, fresh, last_entry, logged
from .factories import file_incident

QUEUE = reverse("incidents:desk_queue")


def set_impact(incident, desk, impact):
    return workflow.incident_update_details(
        incident=incident, by=desk, version=workflow.current_version(incident), impact=impact
    )


def queue_row(page: str, incident) -> str:
    start = page.index(f'data-reference="{incident.reference}"')
    return page[start : page.index("</tr>", start)]


def test_a_new_sheet_shows_priority_not_set_yet(client_for, desk, incident):
    queue = client_for(desk).get(QUEUE).content.decode()
    detail = client_for(desk).get(incident.get_absolute_url()).content.decode()

    assert "not set yet" in queue_row(queue, incident)
    assert "4 – Low" not in queue_row(queue, incident)
    assert "Priority not set yet" in detail


def test_a_logged_call_shows_its_priority(client_for, desk, incident):
    logged(incident, desk, impact=Impact.HIGH, urgency=Urgency.HIGH)

    queue = client_for(desk).get(QUEUE).content.decode()
    detail = client_for(desk).get(incident.get_absolute_url()).content.decode()

    assert "1 – Critical" in queue_row(queue, incident)
    assert "Priority 1 – Critical" in detail and "not set yet" not in detail


def test_a_priority_set_before_logging_shows(client_for, desk, incident):
    set_impact(incident, desk, Impact.HIGH)

    assert fresh(incident).logged_at is None
    assert last_entry(incident, event="details_changed").data["priority_set"] is True
    queue = client_for(desk).get(QUEUE).content.decode()
    assert "not set yet" not in queue_row(queue, incident)
    assert f"Priority {fresh(incident).get_priority_display()}" in (
        client_for(desk).get(incident.get_absolute_url()).content.decode()
    )


def test_the_function_and_the_query_agree(desk, incident, reporter, site, category):
    def new(summary):
        return file_incident(reporter, site=site, summary=summary)

    impact_set = set_impact(new("impact"), desk, Impact.HIGH)
    category_only = new("category")
    workflow.incident_update_details(
        incident=category_only,
        by=desk,
        version=workflow.current_version(category_only),
        category=category,
    )
    logged_call = assigned(new("logged"), desk)
    expected = {
        incident.pk: False,
        impact_set.pk: True,
        category_only.pk: False,
        logged_call.pk: True,
    }

    by_query = {i.pk: i.priority_set for i in queue_queryset()}
    assert {pk: by_query[pk] for pk in expected} == expected
    assert {pk: priority_is_set(Incident.objects.get(pk=pk)) for pk in expected} == expected


@pytest.mark.parametrize(
    ("cause", "shown"),
    [
        ("drum unit worn.", "Cause: drum unit worn. Parts used: drum unit."),
        ("drum unit worn", "Cause: drum unit worn. Parts used: drum unit."),
        ("drum unit worn!", "Cause: drum unit worn! Parts used: drum unit."),
    ],
)
def test_the_call_log_ends_a_sentence_once(desk, technician, incident, cause, shown):
    incident = assigned(incident, desk, technician)
    workflow.incident_record_cause(
        incident=incident,
        by=technician,
        cause=cause,
        parts_used="drum unit.",
        version=workflow.current_version(incident),
    )

    assert render_entry(last_entry(incident, event="cause_recorded")) == shown
