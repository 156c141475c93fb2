"""Nothing is closed without being in the call log: closing a sheet the desk never
logged either logs it first (its category and how it was reported) or is refused
with a message that says so."""

import pytest
from django.urls import reverse

from incidents import workflow
from incidents.models import CallLogEntry, Incident, Status


def _close_url(incident) -> str:
    return reverse("incidents:close", args=[incident.reference])


def test_closing_an_unlogged_sheet_without_category_is_refused(incident, desk):
    with pytest.raises(workflow.InvalidInput, match="was never logged"):
        workflow.incident_close(
            incident=incident,
            by=desk,
            code="not_an_incident",
            version=workflow.current_version(incident),
        )
    after = Incident.objects.get(pk=incident.pk)
    assert (after.status, after.logged_at, after.closed_at) == (Status.SUBMITTED, None, None)
    assert list(after.log.values_list("event", flat=True)) == ["filed"]


def test_closing_an_unlogged_sheet_logs_it_first(incident, desk, category):
    workflow.incident_close(
        incident=incident,
        by=desk,
        code="not_an_incident",
        category=category,
        channel="phone",
        version=workflow.current_version(incident),
    )
    after = Incident.objects.get(pk=incident.pk)
    assert after.status == Status.CLOSED
    assert (after.category, after.channel, after.received_by, after.owner) == (
        category,
        "phone",
        desk,
        desk,
    )
    assert after.logged_at == after.closed_at
    entries = list(CallLogEntry.objects.filter(incident=incident).order_by("id"))
    assert [(e.event, e.from_status, e.to_status) for e in entries] == [
        ("filed", "", Status.SUBMITTED),
        ("logged_on_closure", "", ""),
        ("closed", Status.SUBMITTED, Status.CLOSED),
    ]
    assert entries[1].rendered == "Logged as it was closed: Printing, reported by phone."


def test_the_close_form_asks_for_category_and_channel_on_an_unlogged_sheet(
    client, incident, desk, category
):
    client.force_login(desk)
    form = client.get(incident.get_absolute_url()).context["forms"]["close"]
    assert {"category", "channel"} <= set(form.fields)

    response = client.post(
        _close_url(incident),
        {
            "close-version": incident.version,
            "close-code": "not_an_incident",
            "close-resolution": "A training question.",
        },
    )
    assert response.status_code == 400
    errors = response.context["forms"]["close"].errors
    assert errors["category"] == ["Choose the category it is logged under."]
    assert errors["channel"] == ["Say how it was reported."]
    assert "A training question." in response.text  # what was typed is kept
    assert Incident.objects.get(pk=incident.pk).status == Status.SUBMITTED

    response = client.post(
        _close_url(incident),
        {
            "close-version": incident.version,
            "close-code": "not_an_incident",
            "close-resolution": "A training question.",
            "close-category": category.pk,
            "close-channel": "email",
        },
    )
    assert response.status_code == 302
    after = Incident.objects.get(pk=incident.pk)
    assert (after.status, after.category, after.channel) == (Status.CLOSED, category, "email")


def test_a_logged_call_is_closed_without_asking_again(client, incident, desk, category):
    from tests.desk_helpers import logged

    logged(incident, desk, category=category)
    client.force_login(desk)
    form = client.get(incident.get_absolute_url()).context["forms"]["close"]
    assert "category" not in form.fields and "channel" not in form.fields
