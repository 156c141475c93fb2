"""The desk keeps its schools' rota: regular visits, a visit cancelled with its reason,
an extra or moved visit; bad input is refused next to its field; another school's
rota is out of reach."""

import pytest
from django.urls import reverse

from accounts.models import Organisation, School
from accounts.roles import Role
from incidents.models import RotaEntry, VisitChange, VisitChangeKind
from tests.factories import SiteFactory, UserFactory
from tests.html import parse
from tests.rota_helpers import in_days, open_every_day, other_school, weekly_from

pytestmark = pytest.mark.django_db
ROTA = reverse("incidents:desk_rota")
CHANGE = reverse("incidents:desk_visit_change")


@pytest.fixture
def school(site):
    open_every_day(site)
    return site.school


def entry_data(technician, school, **extra):
    data = {
        "entry-technician": technician.pk,
        "entry-school": school.pk,
        "entry-weekday": in_days(1).weekday(),
        "entry-every_weeks": 2,
        "entry-starts_on": in_days(1).isoformat(),
        "entry-ends_on": "",
        "entry-arrives": "09:00",
        "entry-leaves": "12:30",
    }
    data.update({f"entry-{name}": value for name, value in extra.items()})
    return data


def change_data(technician, school, day, kind=VisitChangeKind.CANCELLED, reason="Training"):
    return {
        "change-kind": kind,
        "change-technician": technician.pk,
        "change-school": school.pk,
        "change-day": day.isoformat(),
        "change-reason": reason,
    }


def field_error(page, form_testid, name):
    """The message under a field of the form ("entry-form" has the prefix "entry")."""
    form = parse(page).find(attrs={"data-testid": form_testid})
    prefix = form_testid.removesuffix("-form")
    return form.find(attrs={"id": f"id_{prefix}-{name}_error"}).text


def test_the_desk_adds_alternate_weeks_and_sees_the_coming_visits(
    client_for, desk, technician, school
):
    client = client_for(desk)

    response = client.post(ROTA, entry_data(technician, school))

    assert response.status_code == 302
    entry = RotaEntry.objects.get()
    assert (entry.technician, entry.school, entry.every_weeks) == (technician, school, 2)
    assert entry.arrives.strftime("%H:%M") == "09:00" and entry.ends_on is None
    page = client.get(ROTA).text
    assert f"Added to the rota: Tom Tech at {school}, Every 2 weeks on" in page
    rows = parse(page).find(attrs={"data-testid": "upcoming-visits"}).find_all("tr")[1:]
    assert [row.attrs["data-visit"] for row in rows] == [
        f"{school.code}/{in_days(1).isoformat()}/{technician.pk}",
        f"{school.code}/{in_days(15).isoformat()}/{technician.pk}",
    ]
    assert "09:00–12:30" in rows[0].text


def test_a_person_who_is_not_a_technician_there_is_refused_and_typing_kept(
    client_for, desk, technician, school
):
    hillside = School.objects.create(
        organisation=school.organisation, name="Hillside Secondary", code="HSS"
    )
    only_hillside = UserFactory(
        username="hilltech", first_name="Hal", roles=[Role.TECHNICIAN], roles__school=hillside
    )
    client = client_for(desk)

    response = client.post(ROTA, entry_data(only_hillside, school, leaves="08:00"))

    assert response.status_code == 400
    assert "is not a technician at" in field_error(response.text, "entry-form", "technician")
    assert "must leave after arriving" in field_error(response.text, "entry-form", "leaves")
    form = parse(response.text).find(attrs={"data-testid": "entry-form"})
    assert form.find("input", attrs={"name": "entry-arrives"}).attrs["value"] == "09:00"
    assert RotaEntry.objects.count() == 0


def test_another_organisations_school_and_a_backwards_end_are_refused(
    client_for, desk, technician, school
):
    elsewhere = School.objects.create(
        organisation=Organisation.objects.create(name="Other trust"), name="Far", code="FAR"
    )
    client = client_for(desk)

    response = client.post(ROTA, entry_data(technician, elsewhere))
    assert response.status_code == 400
    assert "Select a valid choice" in field_error(response.text, "entry-form", "school")

    response = client.post(
        ROTA, entry_data(technician, school, ends_on=in_days(0).isoformat(), starts_on=in_days(3))
    )
    assert "cannot end before it starts" in field_error(response.text, "entry-form", "ends_on")
    assert RotaEntry.objects.count() == 0


def test_cancelling_one_visit_needs_a_reason_and_takes_it_off(client_for, desk, technician, school):
    weekly_from(technician, school, 1)
    client = client_for(desk)

    refused = client.post(CHANGE, change_data(technician, school, in_days(8), reason=""))
    assert refused.status_code == 400
    assert "required" in field_error(refused.text, "change-form", "reason")
    assert VisitChange.objects.count() == 0

    response = client.post(CHANGE, change_data(technician, school, in_days(8), reason="Course"))

    assert response.status_code == 302
    change = VisitChange.objects.get()
    assert (change.kind, change.day, change.reason, change.made_by) == (
        VisitChangeKind.CANCELLED,
        in_days(8),
        "Course",
        desk,
    )
    page = parse(client.get(ROTA).text)
    upcoming = [row.attrs["data-visit"] for row in page.find_all("tr") if "data-visit" in row.attrs]
    assert f"{school.code}/{in_days(8).isoformat()}/{technician.pk}" not in upcoming
    assert f"{school.code}/{in_days(15).isoformat()}/{technician.pk}" in upcoming
    assert "Course" in page.find(attrs={"data-testid": "visit-changes"}).text


def test_changes_that_make_no_sense_are_refused_next_to_the_date(
    client_for, desk, technician, school
):
    weekly_from(technician, school, 1)
    closed_school = School.objects.create(
        organisation=school.organisation, name="Weekday Primary", code="WKP"
    )
    SiteFactory(school=closed_school, code="WKPMAIN")  # default calendar: closed at weekends
    saturday = next(in_days(n) for n in range(1, 8) if in_days(n).weekday() == 5)
    client = client_for(desk)

    cases = [
        (change_data(technician, school, in_days(2)), "has no visit to"),
        (change_data(technician, school, in_days(1), VisitChangeKind.EXTRA), "already visits"),
        (change_data(technician, closed_school, saturday, VisitChangeKind.EXTRA), "is closed on"),
        (change_data(technician, school, in_days(-6)), "That date has passed."),
    ]
    for data, message in cases:
        response = client.post(CHANGE, data)
        assert response.status_code == 400
        assert message in field_error(response.text, "change-form", "day")
    assert VisitChange.objects.count() == 0


def test_an_extra_visit_is_added_and_undone(client_for, desk, technician, school):
    weekly_from(technician, school, 1)
    client = client_for(desk)

    client.post(
        CHANGE,
        change_data(technician, school, in_days(3), VisitChangeKind.EXTRA, "Moved from Monday"),
    )
    change = VisitChange.objects.get()
    page = client.get(ROTA).text
    assert f"{school.code}/{in_days(3).isoformat()}/{technician.pk}" in page
    assert "Moved from Monday" in page

    client.post(reverse("incidents:desk_visit_change_remove", args=[change.pk]))

    assert not VisitChange.objects.exists()
    assert f"{school.code}/{in_days(3).isoformat()}/{technician.pk}" not in client.get(ROTA).text


def test_the_desk_gives_a_regular_visit_an_end_then_removes_it(
    client_for, desk, technician, school
):
    entry = weekly_from(technician, school, 1)
    client = client_for(desk)
    url = reverse("incidents:desk_rota_entry", args=[entry.pk])
    assert "Every" in client.get(url).text

    data = entry_data(technician, school, every_weeks=1, ends_on=in_days(8).isoformat())
    assert client.post(url, data).status_code == 302
    entry.refresh_from_db()
    assert entry.ends_on == in_days(8) and entry.every_weeks == 1

    client.post(reverse("incidents:desk_rota_entry_remove", args=[entry.pk]))
    assert not RotaEntry.objects.exists()
    assert "Taken off the rota: Tom Tech" in client.get(ROTA).text


def test_a_schools_own_desk_keeps_only_its_schools_rota(client_for, technician, school):
    hillside = other_school()
    their_desk = UserFactory(username="hilldesk", roles=[Role.DESK], roles__school=hillside)
    ours = weekly_from(technician, school, 1)
    theirs = weekly_from(technician, hillside, 2)
    their_change = VisitChange.objects.create(
        technician=technician,
        school=hillside,
        day=in_days(9),
        kind=VisitChangeKind.CANCELLED,
        reason="Hillside inset",
    )
    ours_change = VisitChange.objects.create(
        technician=technician,
        school=school,
        day=in_days(8),
        kind=VisitChangeKind.CANCELLED,
        reason="Main inset",
    )
    client = client_for(their_desk)

    page = client.get(ROTA).text
    assert f'data-rota-entry="{theirs.pk}"' in page and f'data-rota-entry="{ours.pk}"' not in page
    assert "Hillside inset" in page and "Main inset" not in page
    school_options = parse(page).find("select", attrs={"name": "entry-school"}).find_all("option")
    assert [o.text for o in school_options] == ["Hillside Secondary"]

    assert client.get(reverse("incidents:desk_rota_entry", args=[ours.pk])).status_code == 404
    assert (
        client.post(reverse("incidents:desk_rota_entry_remove", args=[ours.pk])).status_code == 404
    )
    assert (
        client.post(
            reverse("incidents:desk_visit_change_remove", args=[ours_change.pk])
        ).status_code
        == 404
    )
    refused = client.post(CHANGE, change_data(technician, school, in_days(15)))
    assert refused.status_code == 400
    assert "Select a valid choice" in field_error(refused.text, "change-form", "school")
    assert RotaEntry.objects.filter(pk=ours.pk).exists()
    assert VisitChange.objects.filter(pk__in=[ours_change.pk, their_change.pk]).count() == 2


def test_technicians_and_teachers_cannot_keep_the_rota(client_for, technician, reporter):
    for person in (technician, reporter):
        assert client_for(person).get(ROTA).status_code == 403


def test_the_rota_page_runs_a_fixed_number_of_queries(client_for, desk, technician, school):
    from tests.technician_helpers import queries_for

    hillside = other_school()
    weekly_from(technician, school, 1)
    client = client_for(desk)
    queries_for(client, ROTA)
    baseline, _ = queries_for(client, ROTA)
    for days in range(2, 9):
        weekly_from(technician, hillside if days % 2 else school, days)
        VisitChange.objects.create(
            technician=technician,
            school=hillside,
            day=in_days(days + 14),
            kind=VisitChangeKind.EXTRA,
            reason=f"Extra {days}",
        )
    count, response = queries_for(client, ROTA)
    assert count == baseline
    assert response.content.decode().count("data-rota-entry=") == 8
