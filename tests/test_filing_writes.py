"""Filing in fewer round trips, with nothing lost: the search document written by
the call's own INSERT is the one a rewrite gives, and the target clocks' calendars
and priority targets, kept in a shared cache, are never stale after a change."""

from datetime import date, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import targets
from incidents.models import (
    Closure,
    ClosureKind,
    Incident,
    IncidentSheet,
    OpeningHours,
    PriorityTarget,
    SchoolCalendar,
    TargetHours,
)
from incidents.search import refresh_search_document
from tests.portal_helpers import sheet_post

REPORT = reverse("incidents:report")


def _document(incident_id: int):
    return Incident.objects.filter(pk=incident_id).values_list("search_document", flat=True)[0]


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"summary": "The printer's tray (A4) jams!", "checked": "", "further_info": ""},
        {"expected": "to print — quickly", "happened": 'It says "PC LOAD LETTER" & stops'},
        {"summary": "Wi-Fi drops in room 12", "happened": "the and of it"},
    ],
)
def test_the_filed_document_is_the_one_a_rewrite_gives(client_for, reporter, site, answers):
    response = client_for(reporter).post(REPORT, sheet_post(site=site, **answers))
    assert response.status_code == 302
    incident = Incident.objects.get()
    filed = _document(incident.pk)
    assert filed

    refresh_search_document(incident.pk)

    assert _document(incident.pk) == filed
    sheet = IncidentSheet.objects.get(incident=incident)
    assert sheet.happened == sheet_post(site=site, **answers)["happened"].strip()


def test_a_filed_call_is_found_by_its_words(client_for, reporter, site):
    from incidents.search import search_incidents

    client_for(reporter).post(REPORT, sheet_post(site=site, happened="Flickering zebra stripes"))

    found = search_incidents(Incident.objects.all(), "zebra")
    assert list(found.values_list("summary", flat=True)) == ["Projector shows no picture"]


def _calendar(site) -> SchoolCalendar:
    calendar = SchoolCalendar.objects.create(site=site)
    for weekday in range(5):
        OpeningHours.objects.create(
            calendar=calendar, weekday=weekday, opens=time(8), closes=time(17)
        )
    return calendar


def test_a_kept_calendar_follows_every_change(site, shared_cache, django_assert_num_queries):
    calendar = _calendar(site)
    first = targets.school_time_for_site(site.pk)
    with django_assert_num_queries(0):
        assert targets.school_time_for_site(site.pk) == first

    hours = calendar.opening_hours.get(weekday=0)
    hours.opens = time(9)
    hours.save()
    assert targets.school_time_for_site(site.pk).opening[0] == (time(9), time(17))

    closure = Closure.objects.create(
        calendar=calendar,
        kind=ClosureKind.HOLIDAY,
        name="Half term",
        first_day=date(2026, 10, 26),
        last_day=date(2026, 10, 30),
    )
    assert targets.school_time_for_site(site.pk).closures == (
        (date(2026, 10, 26), date(2026, 10, 30)),
    )
    closure.delete()
    assert targets.school_time_for_site(site.pk).closures == ()

    hours.delete()
    assert 0 not in targets.school_time_for_site(site.pk).opening

    calendar.bank_holidays = ""
    calendar.save()
    assert targets.school_time_for_site(site.pk).region == ""

    calendar.delete()
    assert targets.school_time_for_site(site.pk) == targets.SchoolTime()


def test_kept_priority_targets_follow_every_change(db, shared_cache, django_assert_num_queries):
    before = targets.rule_for(2)
    with django_assert_num_queries(0):
        assert targets.rule_for(2) == before
        assert targets.rules()[2] == before

    target = PriorityTarget.objects.create(
        priority=2, response_minutes=7, resolution_minutes=70, hours=TargetHours.ALL
    )
    assert targets.rule_for(2) == targets.TargetRule(7, 70, TargetHours.ALL)
    target.response_minutes = 9
    target.save()
    assert targets.rules()[2].response_minutes == 9
    target.delete()
    assert targets.rule_for(2) == before


def test_filing_with_the_calendar_kept_reads_no_calendar(client_for, reporter, site, shared_cache):
    _calendar(site)
    client = client_for(reporter)
    client.post(REPORT, sheet_post(site=site))
    with CaptureQueriesContext(connection) as queries:
        response = client.post(REPORT, sheet_post(site=site, summary="The printer jams"))
    assert response.status_code == 302
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "incidents_schoolcalendar" not in read
    assert "incidents_prioritytarget" not in read
    assert "incidents_openinghours" not in read


def test_a_filed_call_counts_by_the_calendar_as_changed(client_for, reporter, site, shared_cache):
    """A call filed after its site's opening hours change is due by the new hours."""
    calendar = _calendar(site)
    client = client_for(reporter)
    client.post(REPORT, sheet_post(site=site))
    first = Incident.objects.get()
    PriorityTarget.objects.create(
        priority=first.priority,
        response_minutes=60,
        resolution_minutes=120,
        hours=TargetHours.SCHOOL,
    )
    client.post(REPORT, sheet_post(site=site, summary="The screen flickers"))  # kept again

    calendar.opening_hours.all().delete()  # a queryset's delete: a signal per row
    OpeningHours.objects.create(calendar=calendar, weekday=5, opens=time(10), closes=time(12))
    client.post(REPORT, sheet_post(site=site, summary="The printer jams"))

    last = Incident.objects.get(summary="The printer jams")
    clock = targets.SchoolTime(opening={5: (time(10), time(12))}, region=calendar.bank_holidays)
    assert last.response_due_at == clock.add(last.created_at, timedelta(minutes=60))
    assert last.resolution_due_at == clock.add(last.created_at, timedelta(minutes=120))


# ---------------------------------------------------------------- the sheet's places


def _room_select(page: str):
    from tests.html import parse

    return parse(page).find("select", attrs={"name": "room"})


def _django_room_select(form, name: str = "room", value=None, attrs=None) -> str:
    """What Django's own `<select>` template writes for the form's room choices."""
    from django import forms

    widget = forms.Select(choices=form.fields["room"].choices)
    return widget.render(name, value, attrs=attrs)


@pytest.mark.parametrize("cached", [False, True])
def test_the_room_select_is_djangos_markup(reporter, site, settings, cached):
    from incidents.forms.portal import IncidentReportForm
    from tests.factories import RoomFactory, SiteFactory

    settings.CACHE_SHARED = cached
    cache.clear()
    room = RoomFactory(site=site, name='Room <12> & "the annexe"')
    RoomFactory(site=SiteFactory(name="Annexe & co", code="ANX"), name="Hall")
    form = IncidentReportForm(user=reporter)
    for value in (None, "", room.pk, str(room.pk), "junk"):
        ours = form.fields["room"].widget.render("room", value, attrs={"id": "id_room"})
        assert ours == _django_room_select(form, value=value, attrs={"id": "id_room"})
    cache.clear()


def test_a_new_room_is_offered_and_accepted_at_once(client_for, reporter, site, shared_cache):
    from tests.factories import RoomFactory

    client = client_for(reporter)
    assert "Library" not in client.get(REPORT).content.decode()
    library = RoomFactory(site=site, name="Library")

    select = _room_select(client.get(REPORT).content.decode())
    options = [option.text.strip() for option in select.find_all("option")]
    assert "Library" in options
    response = client.post(REPORT, sheet_post(site=site, room=library))
    assert response.status_code == 302
    assert Incident.objects.get().room == library

    library.is_active = False
    library.save()
    assert "Library" not in client.get(REPORT).content.decode()
    refused = client.post(REPORT, sheet_post(site=site, room=library, summary="Another"))
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()


def test_a_closed_site_is_neither_offered_nor_accepted(client_for, reporter, site, shared_cache):
    from tests.factories import SiteFactory

    annexe = SiteFactory(name="Annexe", code="ANX")
    client = client_for(reporter)
    assert "Annexe" in client.get(REPORT).content.decode()
    annexe.is_active = False
    annexe.save()

    assert "Annexe" not in client.get(REPORT).content.decode()
    refused = client.post(REPORT, sheet_post(site=annexe))
    assert refused.status_code == 200
    assert Incident.objects.count() == 0


def test_another_schools_site_and_room_are_refused(client_for, reporter, site, shared_cache):
    from tests.factories import RoomFactory, SchoolFactory, SiteFactory

    elsewhere = SiteFactory(name="Far away", code="FAR", school=SchoolFactory(code="FAR"))
    far_room = RoomFactory(site=elsewhere, name="Far room")
    client = client_for(reporter)
    page = client.get(REPORT).content.decode()
    assert "Far away" not in page and "Far room" not in page

    for data in (
        sheet_post(site=elsewhere),
        sheet_post(site=site, room=far_room),
        sheet_post(site=site) | {"site": "12abc"},
        sheet_post(site=site) | {"room": "99999999999999999999"},
    ):
        response = client.post(REPORT, data)
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert Incident.objects.count() == 0


def test_bad_input_keeps_what_was_typed_next_to_the_sheet(client_for, reporter, site):
    from tests.factories import RoomFactory

    room = RoomFactory(site=site, name="Room 7")
    data = sheet_post(site=site, room=room, happened="", expected="It should print")
    page = client_for(reporter).post(REPORT, data).content.decode()

    assert "It should print" in page
    assert 'id="id_happened_error"' in page
    chosen = [o for o in _room_select(page).find_all("option") if "selected" in o.attrs]
    assert [option.attrs["value"] for option in chosen] == [str(room.pk)]


def test_a_sheet_without_kept_photos_leaves_the_session_unwritten(client_for, reporter, site):
    client = client_for(reporter)
    client.get(REPORT)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(REPORT, sheet_post(site=site))
    assert response.status_code == 302
    writes = [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]
    assert not [sql for sql in writes if not sql.lstrip().upper().startswith("SELECT")]
    assert Incident.objects.count() == 1
