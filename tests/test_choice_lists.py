"""The filter form's and the incident page's choice lists: read with one plain query
each, once per request, kept in a shared cache across requests, and never stale
after a change (adding a room, deactivating a person, adding a category)."""

import pytest
from django import forms
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from helpdesk.cache import topic_version
from incidents.forms.choices import CHOICE_LISTS, Select, light_choices
from incidents.models import Room
from tests.desk_helpers import assigned
from tests.factories import (
    CategoryFactory,
    OrganisationFactory,
    RoomFactory,
    SchoolFactory,
    SiteFactory,
    UserFactory,
    file_incident,
)
from tests.html import parse

QUEUE = reverse("incidents:desk_queue")
# Session, user, roles, the page's ids, its rows, their latest entries, the counts
# per state (the rows' count too), the unread badge: with the choice lists cached,
# nothing else.
QUERIES_CACHED = 8
# Without: categories, sites, rooms, owners, technicians (the filter's), technicians
# (the bulk form's, labelled with usernames): one plain query each.
QUERIES_UNCACHED = 14


def _options(page: str, name: str) -> list[str]:
    select = parse(page).find("select", attrs={"name": name})
    assert select is not None, name
    return [option.text.strip() for option in select.find_all("option")]


def test_with_a_shared_cache_the_queue_reads_no_choice_list(
    client_for, desk, technician, reporter, site, shared_cache, django_assert_num_queries
):
    RoomFactory(site=site, name="Library")
    file_incident(reporter, site=site)
    client = client_for(desk)
    client.get(QUEUE)

    with django_assert_num_queries(QUERIES_CACHED):
        page = client.get(QUEUE).text

    assert "Main building · Library" in _options(page, "room")
    assert desk.display_name in _options(page, "owner")
    assert technician.display_name in _options(page, "assignee")


def test_without_a_shared_cache_each_request_reads_its_lists(
    client_for, desk, reporter, site, django_assert_num_queries
):
    """Local memory is one server process's own: a list kept there could miss a
    change made through another process, so it is not kept past the request."""
    room = RoomFactory(site=site, name="Library")
    file_incident(reporter, site=site)
    client = client_for(desk)
    client.get(QUEUE)
    # Bypasses the signals, as a change in another process would for this one.
    Room.objects.filter(pk=room.pk).update(name="Music room")

    with django_assert_num_queries(QUERIES_UNCACHED):
        page = client.get(QUEUE).text

    assert "Main building · Music room" in _options(page, "room")


def test_a_new_room_is_listed_on_the_next_page(client_for, desk, site, shared_cache):
    client = client_for(desk)
    assert "Main building · Library" not in _options(client.get(QUEUE).text, "room")

    RoomFactory(site=site, name="Library")

    assert "Main building · Library" in _options(client.get(QUEUE).text, "room")


def test_a_deactivated_person_leaves_the_lists_on_the_next_page(
    client_for, desk, technician, shared_cache
):
    colleague = UserFactory(
        username="desk2", first_name="Cat", last_name="Colleague", roles=[Role.DESK]
    )
    client = client_for(desk)
    page = client.get(QUEUE).text
    assert "Cat Colleague" in _options(page, "owner")
    assert technician.display_name in _options(page, "assignee")

    colleague.is_active = False
    colleague.save()
    technician.is_active = False
    technician.save()

    page = client.get(QUEUE).text
    assert "Cat Colleague" not in _options(page, "owner")
    assert technician.display_name not in _options(page, "assignee")
    assert not any("Tom Tech" in option for option in _options(page, "bulk-technician"))


def test_a_new_category_is_listed_on_the_next_page(client_for, desk, shared_cache):
    client = client_for(desk)
    assert "Projectors" not in _options(client.get(QUEUE).text, "category")

    CategoryFactory(name="Projectors")

    assert "Projectors" in _options(client.get(QUEUE).text, "category")


def test_a_new_membership_lists_the_person_on_the_next_page(client_for, desk, shared_cache):
    newcomer = UserFactory(username="new", first_name="Nia", last_name="New", roles=[Role.USER])
    client = client_for(desk)
    assert "Nia New" not in _options(client.get(QUEUE).text, "owner")

    from accounts.roles import grant

    grant(newcomer, Role.DESK)

    assert "Nia New" in _options(client.get(QUEUE).text, "owner")


def test_signing_in_does_not_empty_the_cache(client_for, desk, shared_cache):
    client_for(desk).get(QUEUE)
    version = topic_version(CHOICE_LISTS)

    desk.save(update_fields=["last_login"])

    assert topic_version(CHOICE_LISTS) == version


def test_the_incident_page_reads_each_list_once_without_a_cursor(
    client_for, desk, technician, reporter, site
):
    incident = assigned(file_incident(reporter, site=site), desk, technician)
    client = client_for(desk)
    client.get(incident.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        page = client.get(incident.get_absolute_url()).text

    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == len(set(statements)), "a query ran twice"
    assert not [sql for sql in statements if sql.startswith("DECLARE")]
    assert desk.display_name not in _options(page, "hand_over-to")  # never to oneself
    assert any(technician.display_name in o for o in _options(page, "technician-technician"))


class _Form(forms.Form):
    pick = forms.ChoiceField(
        choices=[("", "Any"), ("1", "Tom & Jerry"), ("2", '<b>"Two"</b>')], required=False
    )
    room = forms.ModelChoiceField(queryset=Room.objects.order_by("name"), empty_label="Any room")


@pytest.mark.parametrize("data", [None, {"pick": "2", "room": "x"}, {"pick": "1"}])
def test_the_python_select_writes_what_djangos_templates_write(site, data):
    RoomFactory(site=site, name="Hall <1>")
    RoomFactory(site=site, name="Lab")
    plain, light = _Form(data), _Form(data)
    light_choices(light)
    if data:
        plain.is_valid()
        light.is_valid()

    assert type(light.fields["pick"].widget) is Select
    assert str(light["pick"]) == str(plain["pick"])
    assert str(light["room"]) == str(plain["room"])


class _Empty(forms.Form):
    nothing = forms.ModelChoiceField(queryset=Room.objects.none(), empty_label="None yet")
    no_school = forms.ModelChoiceField(queryset=Room.objects.filter(site__school__in=[]))


def test_an_empty_list_renders_as_django_renders_it(db):
    plain, light = _Empty(), _Empty()
    light_choices(light)

    assert str(light["nothing"]) == str(plain["nothing"])
    assert str(light["no_school"]) == str(plain["no_school"])


def test_a_change_within_a_request_shows_in_that_requests_lists(site):
    """A view that adds a room and then shows the rooms shows the new one."""
    from incidents.forms import choices

    choices._start_request()  # what request_started does (without closing connections)
    try:
        before, after = _Form(), _Form()
        light_choices(before, after)
        assert "Lab" not in str(before["room"])
        RoomFactory(site=site, name="Lab")
        assert "Lab" in str(after["room"])
    finally:
        choices._end_request()


def _selected(page: str, name: str) -> list[str]:
    select = parse(page).find("select", attrs={"name": name})
    assert select is not None, name
    return [
        option.text.strip() for option in select.find_all("option") if "selected" in option.attrs
    ]


def test_the_written_options_mark_only_the_chosen_room_and_stay_unmarked(
    client_for, desk, site, shared_cache
):
    library = RoomFactory(site=site, name="Library")
    RoomFactory(site=site, name="Hall")
    client = client_for(desk)
    client.get(QUEUE)  # the options are written once and kept

    chosen = client.get(QUEUE, {"room": library.pk}).text
    plain = client.get(QUEUE).text

    assert _selected(chosen, "room") == ["Main building · Library"]
    assert _selected(plain, "room") == ["Any room"]


def _chosen(page: str, name: str) -> list[str]:
    select = parse(page).find("select", attrs={"name": name})
    return [o.attrs["value"] for o in select.find_all("option") if "selected" in o.attrs]


def test_the_kept_filter_fields_are_those_of_the_address_and_the_schools(db, shared_cache):
    """The filter fields are kept per address and set of schools: each address shows
    its own choices, what was typed comes back as typed, and a desk of another
    school never sees this one's places."""
    trust = OrganisationFactory(name="Elm Trust")
    ours, theirs = SchoolFactory(organisation=trust), SchoolFactory(organisation=trust)
    desk_ash = UserFactory(username="desk-ash", roles=[Role.DESK], roles__school=ours)
    desk_birch = UserFactory(username="desk-birch", roles=[Role.DESK], roles__school=theirs)
    SiteFactory(school=ours, name="Ash main building")
    SiteFactory(school=theirs, name="Birch main building")
    ash, birch = Client(), Client()
    ash.force_login(desk_ash)
    birch.force_login(desk_birch)

    high = ash.get(QUEUE, {"priority": "2"}).text
    low = ash.get(QUEUE, {"priority": "4"}).text
    typed = ash.get(QUEUE, {"q": "<b>toner</b>"}).text

    assert _chosen(high, "priority") == ["2"] and _chosen(low, "priority") == ["4"]
    assert 'value="&lt;b&gt;toner&lt;/b&gt;"' in typed and "<b>toner</b>" not in typed
    assert "Ash main building" in _options(high, "site")
    birch_page = birch.get(QUEUE, {"priority": "2"}).text
    assert _options(birch_page, "site")[1:] == ["Birch main building"]


def test_a_new_technician_is_offered_by_the_bulk_actions_on_the_next_page(
    client_for, desk, shared_cache
):
    newcomer = UserFactory(username="newtech", first_name="Tom", last_name="Tech", roles=[])
    client = client_for(desk)
    assert not any("newtech" in o for o in _options(client.get(QUEUE).text, "bulk-technician"))

    from accounts.roles import grant

    grant(newcomer, Role.TECHNICIAN)

    assert any("newtech" in o for o in _options(client.get(QUEUE).text, "bulk-technician"))
