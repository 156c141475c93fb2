"""The visit list: for a site and a day, the calls waiting for the technician's
visit, on screen and as a printable worksheet. "It's working again" drops off."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import workflow
from tests.factories import RoomFactory, SiteFactory, UserFactory
from tests.html import parse
from tests.technician_helpers import passed_incident, queries_for

pytestmark = pytest.mark.django_db
VISITS = reverse("incidents:visit_list")
PRINT = reverse("incidents:visit_print")


@pytest.fixture
def today():
    return timezone.localdate()


def listed(response) -> list[int]:
    return [incident.pk for incident in response.context["incidents"]]


def test_the_list_shows_todays_visits_at_the_chosen_site(
    client, reporter, desk, technician, site, today
):
    annexe = SiteFactory(name="Annexe", code="ANX")
    here = passed_incident(
        reporter, desk, technician=technician, site=site, visit_date=today, summary="Here today"
    )
    pool = passed_incident(reporter, desk, site=site, visit_date=today, summary="Pool today")
    passed_incident(reporter, desk, technician=technician, site=annexe, visit_date=today)
    passed_incident(
        reporter, desk, technician=technician, site=site, visit_date=today + timedelta(days=1)
    )
    passed_incident(reporter, desk, technician=technician, site=site)  # no visit date
    client.force_login(technician)

    response = client.get(VISITS + f"?site=MAIN&date={today.isoformat()}")

    assert set(listed(response)) == {here.pk, pool.pk}
    body = response.content.decode()
    assert "Here today" in body and "Pool today" in body
    assert f"{PRINT}?site=MAIN" in body


def test_default_is_today_at_every_site(client, reporter, desk, technician, site, today):
    annexe = SiteFactory(name="Annexe", code="ANX")
    first = passed_incident(reporter, desk, technician=technician, site=site, visit_date=today)
    second = passed_incident(reporter, desk, site=annexe, visit_date=today)
    passed_incident(reporter, desk, site=annexe, visit_date=today - timedelta(days=1))
    client.force_login(technician)
    response = client.get(VISITS)
    assert set(listed(response)) == {first.pk, second.pk}
    assert response.context["day"] == today


def test_a_user_who_says_it_works_again_drops_off(client, reporter, desk, technician, site, today):
    fixed_itself = passed_incident(
        reporter, desk, technician=technician, site=site, visit_date=today
    )
    still_broken = passed_incident(
        reporter, desk, technician=technician, site=site, visit_date=today
    )
    workflow.incident_working_again(
        version=workflow.current_version(fixed_itself),
        incident=fixed_itself,
        by=reporter,
        note="It came back on",
    )
    client.force_login(technician)
    assert listed(client.get(VISITS)) == [still_broken.pk]
    assert fixed_itself.reference not in client.get(PRINT).content.decode()


def test_resolved_and_closed_calls_are_not_visits(client, reporter, desk, technician, site, today):
    done = passed_incident(reporter, desk, technician=technician, site=site, visit_date=today)
    workflow.incident_resolve(
        version=workflow.current_version(done), incident=done, by=technician, resolution="Fixed"
    )
    client.force_login(technician)
    assert listed(client.get(VISITS)) == []


def test_undated_calls_and_mine_only(client, reporter, desk, technician, site, today):
    other = UserFactory(username="other-tech", roles=["Technician"])
    dated = passed_incident(reporter, desk, technician=technician, site=site, visit_date=today)
    undated = passed_incident(reporter, desk, site=site)
    theirs = passed_incident(reporter, desk, technician=other, site=site, visit_date=today)
    client.force_login(technician)
    assert set(listed(client.get(VISITS + "?undated=on"))) == {dated.pk, undated.pk, theirs.pk}
    assert set(listed(client.get(VISITS + "?undated=on&mine=on"))) == {dated.pk, undated.pk}


def test_the_worksheet_has_the_sheet_and_room_to_write(
    client, reporter, desk, technician, site, today
):
    room = RoomFactory(site=site, name="Science lab 2")
    incident = passed_incident(
        reporter,
        desk,
        technician=technician,
        site=site,
        visit_date=today,
        room=room,
        summary="Projector shows no signal",
    )
    client.force_login(technician)
    response = client.get(PRINT + f"?site=MAIN&date={today.isoformat()}")
    body = response.content.decode()
    sheet = parse(body).find(attrs={"data-incident": incident.reference})
    section = sheet.text
    assert "Science lab 2" in section and "Projector shows no signal" in section
    assert "blank page came out" in section  # what the user said happened
    assert "Action taken" in section and "Minutes" in section
    assert len(sheet.find_all(attrs={"class": "py-4"})) == 3  # blank lines for the visit
    assert "data-print" in body and 'class="print-sheet"' in body


@pytest.mark.parametrize(
    "query",
    [
        "?site=NOWHERE",
        "?date=31-02-2024",
        "?date=%3Cscript%3E",
        "?site=&date=",
        "?mine=maybe&undated=1",
    ],
)
def test_junk_parameters_never_break_the_page(client, technician, query):
    client.force_login(technician)
    assert client.get(VISITS + query).status_code == 200
    assert client.get(PRINT + query).status_code == 200


def test_an_unknown_site_gives_an_empty_list_and_says_why(
    client, reporter, desk, technician, site, today
):
    passed_incident(reporter, desk, technician=technician, site=site, visit_date=today)
    client.force_login(technician)
    response = client.get(VISITS + "?site=NOWHERE")
    assert listed(response) == [] and "site" in response.context["form"].errors


def test_the_list_runs_a_fixed_number_of_queries(
    client, reporter, desk, technician, site, today, django_assert_num_queries
):
    client.force_login(technician)
    passed_incident(
        reporter,
        desk,
        technician=technician,
        site=site,
        visit_date=today,
        room=RoomFactory(site=site),
    )
    baseline, _ = queries_for(client, VISITS)
    baseline_print, _ = queries_for(client, PRINT)
    for index in range(30):
        passed_incident(
            reporter,
            desk,
            technician=technician if index % 2 else None,
            site=SiteFactory() if index % 3 else site,
            visit_date=today,
            room=None,
        )
    with django_assert_num_queries(baseline):
        response = client.get(VISITS)
    assert len(response.context["incidents"]) == 31
    with django_assert_num_queries(baseline_print):
        client.get(PRINT)


@pytest.mark.parametrize("url", [VISITS, PRINT])
def test_plain_users_are_refused(client, reporter, url):
    client.force_login(reporter)
    assert client.get(url).status_code == 403


def test_the_desk_may_plan_visits(client, desk):
    client.force_login(desk)
    assert client.get(VISITS).status_code == 200
