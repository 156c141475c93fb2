"""Two people saving the same incident: the second is told, nothing is overwritten.

A stale form whose move is still possible comes back with the message, the fresh
version and what the person typed; one whose move the other change made impossible
gives way to the page as it is now, with the message at the top.
"""

from incidents.models import CallLogEntry, Status
from tests.desk_helpers import fresh, last_entry, logged, post
from tests.support.html import input_values

CONFLICT = "was changed by someone else while you were looking at it"


def _inputs(response, name):
    return input_values(response.text, name)


def test_a_stale_accept_after_the_call_moved_on_shows_the_page_and_the_message(
    client_for, desk, admin_user, incident, category
):
    seen = incident.version
    post(client_for(admin_user), incident, "return_to_user", "question", question="Which room?")
    before = fresh(incident)
    entries = CallLogEntry.objects.filter(incident=incident).count()

    response = post(
        client_for(desk),
        incident,
        "accept",
        "accept",
        version=seen,
        impact=1,
        urgency=1,
        site=incident.site_id,
        channel="web",
        category=category.pk,
    )

    assert response.status_code == 302  # accepting is no longer offered: the page as it is
    after = fresh(incident)
    assert (after.status, after.version, after.priority) == (
        Status.AWAITING_USER,
        before.version,
        before.priority,
    )
    assert CallLogEntry.objects.filter(incident=incident).count() == entries
    assert last_entry(incident).rendered == "More information needed: Which room?"
    page = client_for(desk).get(response["Location"])
    assert CONFLICT in page.text
    assert 'data-testid="accept-form"' not in page.text


def test_a_stale_close_shows_the_form_again_with_the_fresh_version(client_for, desk, incident):
    incident = logged(incident, desk)
    seen = incident.version
    post(
        client_for(desk),
        incident,
        "update_details",
        "details",
        summary="Renamed",
        impact=1,
        urgency=1,
        site=incident.site_id,
        channel="web",
    )
    before = fresh(incident)
    entries = CallLogEntry.objects.filter(incident=incident).count()

    response = post(
        client_for(desk),
        incident,
        "close",
        "close",
        version=seen,
        code="not_an_incident",
        resolution="Paper was loaded upside down",
    )

    assert response.status_code == 400
    assert CONFLICT in response.text and "Your change was not saved" in response.text
    assert response.context["open_form"] == "close"
    assert _inputs(response, "close-version") == [str(before.version)]
    assert _inputs(response, "close-resolution") == ["Paper was loaded upside down"]
    assert _inputs(response, "close-code") == ["not_an_incident"]
    after = fresh(incident)
    assert (after.status, after.version, after.closure_code, after.resolution) == (
        Status.LOGGED,
        before.version,
        "",
        "",
    )
    assert CallLogEntry.objects.filter(incident=incident).count() == entries

    again = post(
        client_for(desk),
        incident,
        "close",
        "close",
        version=int(_inputs(response, "close-version")[0]),
        code="not_an_incident",
        resolution="Paper was loaded upside down",
    )
    assert again.status_code == 302
    assert fresh(incident).status == Status.CLOSED


def test_a_stale_details_form_keeps_what_was_typed(client_for, desk, admin_user, incident):
    incident = logged(incident, desk)
    seen = incident.version
    post(client_for(admin_user), incident, "add_note", "note", text="Checked the printer")
    before = fresh(incident)

    response = post(
        client_for(desk),
        incident,
        "update_details",
        "details",
        version=seen,
        summary="Printer in room 4 jams",
        impact=1,
        urgency=1,
        site=incident.site_id,
        channel="web",
    )

    assert response.status_code == 400
    assert CONFLICT in response.text
    assert _inputs(response, "details-summary") == ["Printer in room 4 jams"]
    assert _inputs(response, "details-version") == [str(before.version)]
    after = fresh(incident)
    assert (after.summary, after.version, after.impact) == (
        before.summary,
        before.version,
        before.impact,
    )


def test_every_form_on_the_page_carries_the_version(client_for, desk, incident):
    incident = logged(incident, desk)
    page = client_for(desk).get(incident.get_absolute_url()).text
    for prefix in ("accept", "details", "ownership", "hand_over", "technician", "close"):
        if f'name="{prefix}-' in page:
            assert f'name="{prefix}-version" value="{incident.version}"' in page, prefix
