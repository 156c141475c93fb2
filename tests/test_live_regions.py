"""The regions htmx refreshes announce themselves to screen readers (aria-live),
both on the full page and in the fragments that replace them."""

from django.urls import reverse

from tests.factories import RoomFactory, file_incident
from tests.html import parse

REPORT = reverse("incidents:report")
QUEUE = reverse("incidents:desk_queue")


def _live(element) -> str | None:
    return element.attrs.get("aria-live")


def test_the_sheets_swapped_regions_are_live(client_for, reporter, site):
    RoomFactory(site=site, name="Room 12")
    page = parse(client_for(reporter).get(REPORT).content.decode())

    assert _live(page.testid("room-field")) == "polite"
    assert _live(page.testid("equipment-results")) == "polite"
    assert _live(page.find("div", attrs={"id": "report-help"})) == "polite"


def test_the_room_list_htmx_swaps_in_stays_live(client_for, reporter, site):
    RoomFactory(site=site, name="Room 12")
    response = client_for(reporter).get(REPORT, {"site": site.pk}, headers={"HX-Request": "true"})

    fragment = parse(response.content.decode())
    room_field = fragment.testid("room-field")
    assert _live(room_field) == "polite"
    assert "Room 12" in room_field.text


def test_the_desk_queue_table_is_live_in_the_page_and_the_fragment(
    client_for, desk, reporter, site
):
    incident = file_incident(reporter, site=site, summary="Printer jams")
    client = client_for(desk)

    page = parse(client.get(QUEUE).content.decode())
    assert _live(page.testid("queue-table")) == "polite"

    fragment = parse(client.get(QUEUE, headers={"HX-Request": "true"}).content.decode())
    table = fragment.testid("queue-table")
    assert _live(table) == "polite"
    assert incident.reference in table.text
