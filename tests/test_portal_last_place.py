"""A new sheet starts where the teacher reported last: the site and room chosen,
and the equipment they reported offered as a one-click choice."""

from django.urls import reverse

from incidents import selectors
from incidents.models import Incident
from tests.factories import EquipmentFactory, RoomFactory, SiteFactory, file_incident
from tests.html import parse
from tests.portal_helpers import sheet_post

REPORT = reverse("incidents:report")


def _selected(page, name: str) -> list[str]:
    select = page.find("select", attrs={"name": name})
    assert select is not None, f"no <select name={name}>"
    return [o.attrs["value"] for o in select.find_all("option") if "selected" in o.attrs]


def test_the_next_sheet_starts_in_the_room_of_the_last_one(client_for, reporter, site):
    SiteFactory(name="Annexe")
    RoomFactory(site=site, name="Room 11")
    room = RoomFactory(site=site, name="Room 12")
    projector = EquipmentFactory(site=site, room=room, asset_tag="PJ-0012", name="Projector")
    client = client_for(reporter)
    client.post(REPORT, sheet_post(site=site, room=room, equipment=projector))
    assert Incident.objects.get(reporter=reporter).room == room

    page = parse(client.get(REPORT).content.decode())

    assert _selected(page, "site") == [str(site.pk)]
    assert _selected(page, "room") == [str(room.pk)]
    offer = page.testid("last-equipment")
    assert "PJ-0012" in offer.text
    radio = offer.find("input", attrs={"name": "equipment", "value": str(projector.pk)})
    assert radio is not None and "checked" not in radio.attrs


def test_a_first_sheet_chooses_no_room_and_offers_no_equipment(client_for, reporter, site):
    RoomFactory(site=site, name="Room 12")
    page = parse(client_for(reporter).get(REPORT).content.decode())

    assert _selected(page, "room") in ([], [""])
    assert not page.testids("last-equipment")


def test_the_last_place_is_read_in_one_query(reporter, site, django_assert_num_queries):
    room = RoomFactory(site=site, name="Room 12")
    EquipmentFactory(site=site, room=room, asset_tag="PJ-0012")
    file_incident(reporter, site=site, room=room, summary="Old")
    with django_assert_num_queries(1):
        last = selectors.last_place_reported_by(reporter)
        assert (last.site.name, last.room.name) == (site.name, "Room 12")
