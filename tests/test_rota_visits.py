"""A visit is a school and a day: the technicians on the rota there, the calls waiting
for them, printable as the day's worksheet; the technician's home shows their day
across their schools, and nobody sees the visits of a school that is not theirs."""

from datetime import time

import pytest
from django.urls import reverse

from accounts.roles import Role
from incidents import workflow
from incidents.models import VisitChange, VisitChangeKind
from tests.factories import RoomFactory, UserFactory
from tests.html import parse
from tests.rota_helpers import in_days, open_every_day, other_school, weekly_from
from tests.technician_helpers import passed_incident, queries_for

pytestmark = pytest.mark.django_db
HOME = reverse("incidents:tech_home")
VISITS = reverse("incidents:visit_list")


def visit_url(school, day, *, printed=False):
    name = "incidents:visit_day_print" if printed else "incidents:visit_day"
    return reverse(name, args=[school.code, day.isoformat()])


@pytest.fixture
def school(site):
    open_every_day(site)
    return site.school


@pytest.fixture
def hillside(db):
    return other_school()


@pytest.fixture
def hill_site(hillside):
    return hillside.sites.get()


def references(page, testid="visit-calls") -> list[str]:
    table = parse(page).find(attrs={"data-testid": testid})
    if table is None:
        return []
    return [
        row.attrs["data-incident"] for row in table.find_all("tr") if "data-incident" in row.attrs
    ]


def test_a_visit_lists_the_calls_waiting_at_that_school_that_day(
    client_for, reporter, desk, technician, school, site, hill_site
):
    weekly_from(technician, school, 0, arrives=time(9))
    today = in_days(0)
    waiting = passed_incident(
        reporter, desk, technician=technician, site=site, visit_date=today, summary="Whiteboard"
    )
    pool = passed_incident(reporter, desk, site=site, visit_date=today, summary="Printer jam")
    passed_incident(reporter, desk, technician=technician, site=hill_site, visit_date=today)
    passed_incident(reporter, desk, technician=technician, site=site, visit_date=in_days(1))
    passed_incident(reporter, desk, technician=technician, site=site)
    works_again = passed_incident(reporter, desk, site=site, visit_date=today)
    workflow.incident_working_again(
        version=workflow.current_version(works_again), incident=works_again, by=reporter, note="ok"
    )

    page = client_for(technician).get(visit_url(school, today)).text

    assert sorted(references(page)) == sorted([waiting.reference, pool.reference])
    who = parse(page).find(attrs={"data-testid": "visit-technicians"}).text
    assert "Tom Tech · from 09:00" in who


def test_the_worksheet_of_a_visit_has_each_call_and_room_to_write(
    client_for, reporter, desk, technician, school, site
):
    weekly_from(technician, school, 2)
    room = RoomFactory(site=site, name="Science lab 2")
    incident = passed_incident(
        reporter,
        desk,
        technician=technician,
        site=site,
        visit_date=in_days(2),
        room=room,
        summary="Projector shows no signal",
    )

    page = client_for(technician).get(visit_url(school, in_days(2), printed=True)).text

    sheet = parse(page).find(attrs={"data-incident": incident.reference})
    assert "Science lab 2" in sheet.text and "Projector shows no signal" in sheet.text
    assert len(sheet.find_all(attrs={"class": "py-4"})) == 3
    heading = parse(page).find("h1").text
    assert heading == f"Technician worksheet – {school} – {in_days(2):%A %-d %B %Y}"
    assert "Technician: Tom Tech" in page and 'class="print-sheet"' in page


def test_a_day_off_the_rota_still_shows_its_calls_and_says_so(
    client_for, reporter, desk, technician, school, site
):
    incident = passed_incident(reporter, desk, site=site, visit_date=in_days(4))
    page = client_for(technician).get(visit_url(school, in_days(4))).text
    assert references(page) == [incident.reference]
    assert f"No scheduled visit to {school} on this day." in page


def test_the_visit_list_shows_the_days_visits_with_what_waits(
    client_for, reporter, desk, technician, school, site, hillside, hill_site
):
    weekly_from(technician, school, 1)
    weekly_from(technician, hillside, 1)
    day = in_days(1)
    for _ in range(2):
        passed_incident(reporter, desk, technician=technician, site=site, visit_date=day)
    passed_incident(reporter, desk, site=hill_site, visit_date=day)

    page = client_for(technician).get(VISITS + f"?date={day.isoformat()}").text

    visits = parse(page).find(attrs={"data-testid": "day-visits"}).find_all("li")
    assert [(li.attrs["data-visit"], "waiting" in li.text) for li in visits] == [
        (school.code, True),
        ("HSS", True),
    ]
    assert "2 calls waiting" in visits[0].text and "1 call waiting" in visits[1].text
    assert visit_url(school, day, printed=True) in page


def test_the_technicians_home_shows_their_day_across_their_schools(
    client_for, reporter, desk, technician, school, site, hillside, hill_site
):
    other = UserFactory(username="tech2", first_name="Olga", roles=[Role.TECHNICIAN])
    weekly_from(technician, school, 0)
    VisitChange.objects.create(
        technician=technician,
        school=hillside,
        day=in_days(0),
        kind=VisitChangeKind.EXTRA,
        reason="Server room",
    )
    weekly_from(other, hillside, 0)
    weekly_from(technician, hillside, 3)
    passed_incident(reporter, desk, technician=technician, site=hill_site, visit_date=in_days(0))

    page = client_for(technician).get(HOME).text

    day = parse(page).find(attrs={"data-testid": "my-day"})
    items = day.find_all("li")
    assert [li.attrs["data-visit"] for li in items] == [school.code, "HSS"]
    assert "0 calls waiting" in items[0].text and "1 call waiting" in items[1].text
    assert "extra visit" in items[1].text
    upcoming = day.find(attrs={"data-testid": "next-visits"}).text
    assert f"{in_days(3):%a %-d %b} · Hillside Secondary" in upcoming


def test_a_technician_sees_only_the_schools_where_they_are_a_technician(
    client_for, reporter, desk, technician, school, site, hillside, hill_site
):
    hill_tech = UserFactory(
        username="hilltech", first_name="Hal", roles=[Role.TECHNICIAN], roles__school=hillside
    )
    weekly_from(technician, school, 0)
    weekly_from(hill_tech, hillside, 0)
    passed_incident(reporter, desk, site=site, visit_date=in_days(0), summary="Main only")
    client = client_for(hill_tech)

    assert client.get(visit_url(school, in_days(0))).status_code == 404
    assert client.get(visit_url(school, in_days(0), printed=True)).status_code == 404
    listed = client.get(VISITS).text
    visits = parse(listed).find(attrs={"data-testid": "day-visits"}).find_all("li")
    assert [li.attrs["data-visit"] for li in visits] == ["HSS"]
    home = parse(client.get(HOME).text).find(attrs={"data-testid": "my-day"})
    assert [li.attrs["data-visit"] for li in home.find_all("li")] == ["HSS"]


def test_the_desk_sees_every_technicians_visit_at_its_schools(
    client_for, desk, technician, school, hillside
):
    weekly_from(technician, school, 0)
    other = UserFactory(username="tech2", first_name="Olga", roles=[Role.TECHNICIAN])
    weekly_from(other, hillside, 0)
    page = client_for(desk).get(VISITS).text
    visits = parse(page).find(attrs={"data-testid": "day-visits"}).find_all("li")
    assert [li.attrs["data-visit"] for li in visits] == [school.code, "HSS"]


@pytest.mark.parametrize("day", ["2024-02-30", "yesterday", "%3Cscript%3E"])
def test_a_day_that_is_not_a_date_is_not_found(client_for, technician, school, day):
    url = reverse("incidents:visit_day", args=[school.code, "2024-01-01"]).replace(
        "2024-01-01", day
    )
    assert client_for(technician).get(url).status_code == 404


def test_a_visit_page_runs_a_fixed_number_of_queries(
    client_for, reporter, desk, technician, school, site
):
    weekly_from(technician, school, 0)
    client = client_for(technician)
    passed_incident(reporter, desk, technician=technician, site=site, visit_date=in_days(0))
    url = visit_url(school, in_days(0))
    baseline, _ = queries_for(client, url)
    baseline_print, _ = queries_for(client, visit_url(school, in_days(0), printed=True))
    for index in range(20):
        passed_incident(
            reporter,
            desk,
            technician=technician if index % 2 else None,
            site=site,
            visit_date=in_days(0),
            room=RoomFactory(site=site),
        )
    count, response = queries_for(client, url)
    assert count == baseline and len(references(response.content.decode())) == 21
    assert queries_for(client, visit_url(school, in_days(0), printed=True))[0] == baseline_print
