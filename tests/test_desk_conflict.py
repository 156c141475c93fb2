"""Two people saving the same incident: the second is told, nothing is overwritten."""

from incidents.models import Status
from tests.desk_helpers import fresh, last_entry, logged, post


def test_a_stale_accept_is_a_conflict(client_for, desk, admin_user, incident, category):
    seen = incident.version
    post(client_for(admin_user), incident, "return_to_user", "question", question="Which room?")

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

    assert response.status_code == 302
    incident = fresh(incident)
    assert incident.status == Status.AWAITING_USER  # the other person's change stands
    assert last_entry(incident).rendered == "More information needed: Which room?"
    page = client_for(desk).get(response["Location"]).text
    assert "was changed by someone else while you were looking at it" in page


def test_a_stale_close_is_a_conflict(client_for, desk, incident):
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

    response = post(
        client_for(desk), incident, "close", "close", version=seen, code="not_an_incident"
    )

    assert fresh(incident).status == Status.LOGGED
    page = client_for(desk).get(response["Location"]).text
    assert "Your change was not saved" in page


def test_every_form_on_the_page_carries_the_version(client_for, desk, incident):
    incident = logged(incident, desk)
    page = client_for(desk).get(incident.get_absolute_url()).text
    for prefix in ("accept", "details", "ownership", "hand_over", "technician", "close"):
        if f'name="{prefix}-' in page:
            assert f'name="{prefix}-version" value="{incident.version}"' in page, prefix
