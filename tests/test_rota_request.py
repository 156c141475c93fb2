"""Requesting technician support for the next scheduled visit: the rota's next visits
at the call's school are offered (technician and date); another date is still taken,
and the desk is told it is not on the rota."""

import pytest

from accounts.roles import Role, grant
from incidents.models import EntryKind, Status, VisitChange, VisitChangeKind
from tests.desk_helpers import fresh, last_entry, logged, post
from tests.factories import UserFactory
from tests.html import parse
from tests.rota_helpers import in_days, open_every_day, other_school, weekly_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(site):
    open_every_day(site)
    return site.school


def offered(page) -> list[str]:
    select = parse(page).find("select", attrs={"name": "technician-scheduled_visit"})
    return [option.text.strip() for option in select.find_all("option") if option.attrs["value"]]


def test_the_desk_is_offered_the_next_visits_at_the_calls_school(
    client_for, desk, technician, incident, school
):
    incident = logged(incident, desk)
    weekly_from(technician, school, 2)
    elsewhere = UserFactory(username="far", first_name="Fay", last_name="Far")
    hillside = other_school()
    grant(elsewhere, Role.TECHNICIAN, school=hillside)
    weekly_from(elsewhere, hillside, 1)
    VisitChange.objects.create(
        technician=technician,
        school=school,
        day=in_days(9),
        kind=VisitChangeKind.CANCELLED,
        reason="Training course",
    )

    page = client_for(desk).get(incident.get_absolute_url()).text

    assert offered(page) == [
        f"{in_days(2):%A %d %B} · Tom Tech",
        f"{in_days(16):%A %d %B} · Tom Tech",
        f"{in_days(23):%A %d %B} · Tom Tech",
        f"{in_days(30):%A %d %B} · Tom Tech",
        f"{in_days(37):%A %d %B} · Tom Tech",
        f"{in_days(44):%A %d %B} · Tom Tech",
    ]


def test_choosing_a_scheduled_visit_books_its_technician_and_date(
    client_for, desk, technician, incident, school
):
    incident = logged(incident, desk)
    weekly_from(technician, school, 3)
    client = client_for(desk)

    response = post(
        client,
        incident,
        "request_technician",
        "technician",
        scheduled_visit=f"{technician.pk}:{in_days(10).isoformat()}",
        technician="",
        note="Bring the spare projector lamp",
    )

    assert response.status_code == 302
    incident = fresh(incident)
    assert incident.status == Status.ASSIGNED
    assert incident.assignee == technician and incident.visit_date == in_days(10)
    assert last_entry(incident, kind=EntryKind.ASSIGNMENT).rendered == (
        f"Technician support requested from Tom Tech. Planned visit: {in_days(10):%A %d %B %Y}."
    )
    page = client.get(response["Location"]).text
    assert "Passed to Tom Tech." in page and "no scheduled visit" not in page


def test_a_date_off_the_rota_is_kept_and_the_desk_is_told(
    client_for, desk, technician, incident, school
):
    incident = logged(incident, desk)
    weekly_from(technician, school, 3)
    client = client_for(desk)

    response = post(
        client,
        incident,
        "request_technician",
        "technician",
        technician=technician.pk,
        visit_date=in_days(4).isoformat(),
    )

    incident = fresh(incident)
    assert incident.assignee == technician and incident.visit_date == in_days(4)
    page = client.get(response["Location"]).text
    assert (
        f"Tom Tech has no scheduled visit to {school} on {in_days(4):%A %d %B}. "
        f"The next scheduled visit there is {in_days(3):%A %d %B} (Tom Tech)."
    ) in page


def test_a_rota_date_typed_in_needs_no_warning(client_for, desk, technician, incident, school):
    incident = logged(incident, desk)
    weekly_from(technician, school, 3)
    client = client_for(desk)

    response = post(
        client,
        incident,
        "request_technician",
        "technician",
        technician="",
        visit_date=in_days(10).isoformat(),
    )

    assert fresh(incident).visit_date == in_days(10)
    assert "no scheduled visit" not in client.get(response["Location"]).text


def test_a_school_without_a_rota_says_so(client_for, desk, technician, incident, school):
    incident = logged(incident, desk)
    client = client_for(desk)
    page = client.get(incident.get_absolute_url()).text
    assert "No visits on the rota for this school" in page

    response = post(
        client,
        incident,
        "request_technician",
        "technician",
        technician="",
        visit_date=in_days(2).isoformat(),
    )
    told = client.get(response["Location"]).text
    assert f"No technician has a scheduled visit to {school} on {in_days(2):%A %d %B}." in told
    assert "The next scheduled visit" not in told
    assert fresh(incident).visit_date == in_days(2)


@pytest.mark.parametrize("posted", ["junk", "{tech}:{hillside_day}", "{tech}:{off_day}"])
def test_a_visit_that_was_not_offered_is_refused_next_to_the_field(
    client_for, desk, technician, incident, school, posted
):
    incident = logged(incident, desk)
    weekly_from(technician, school, 3)
    hillside = other_school()
    weekly_from(technician, hillside, 5)
    value = posted.format(
        tech=technician.pk,
        hillside_day=in_days(5).isoformat(),
        off_day=in_days(4).isoformat(),
    )

    response = post(
        client_for(desk), incident, "request_technician", "technician", scheduled_visit=value
    )

    assert response.status_code == 400
    form = parse(response.text).find(attrs={"data-testid": "technician-form"})
    assert "Select a valid choice" in form.text
    incident = fresh(incident)
    assert incident.status != Status.ASSIGNED and incident.visit_date is None
