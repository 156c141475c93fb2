"""Reports per school: a desk serving several schools sees them side by side in the
service report, its CSV and the dashboard (open calls, resolution breaches,
first-contact resolution, calls per 100 devices, top category) with their total; a
school's own desk sees only its school and no such table. The figures come from a
fixed number of queries whatever the number of schools.

February 2026, incidents only (times in UTC, the same as London's in February):

    Ash (2 active devices, 1 retired)
      a1  2 Feb, resolved 3 Feb before its due time, closed fixed by the desk alone
      a2  4 Feb, resolved 6 Feb after its due time (5 Feb), closed fixed by a technician
      a3 10 Feb, in progress: open at the end; its resolution target long passed
      a request on 5 Feb: counted apart, never here
    Birch (4 active devices)
      b1  3 Feb, resolved 5 Feb after its due time (4 Feb), closed with a workaround
          by the desk alone
      b2 20 Jan, in progress all along: open at the end, not a call of the period
      b3 12 Feb, closed "resolved itself": out of first-contact resolution
    Cedar (another organisation's school, 1 device): one call, never seen by the trust.

Categories: a1, a2 Printing; a3, b1, b3 Network.
"""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from incidents import reporting
from incidents.models import CallKind, Incident, Status
from incidents.reporting.schools import schools_side_by_side
from tests.factories import (
    CategoryFactory,
    EquipmentFactory,
    OrganisationFactory,
    SchoolFactory,
    SiteFactory,
    UserFactory,
    file_incident,
    file_request,
    request_type,
)

FEBRUARY = {"start": "2026-02-01", "end": "2026-02-28"}
SECTION = "Schools side by side"


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def make(reporter, site, **fields) -> Incident:
    incident = file_incident(reporter, site=site)
    Incident.objects.filter(pk=incident.pk).update(**fields)
    return Incident.objects.get(pk=incident.pk)


def person(username, role, *, school=None, organisation=None):
    return UserFactory(
        username=username, roles=[role], roles__school=school, roles__organisation=organisation
    )


def add_school(organisation, code: str, name: str, devices: int) -> dict:
    school = SchoolFactory(organisation=organisation, code=code, name=name)
    site = SiteFactory(school=school, code=f"{code}-main", name=f"{name} main")
    for n in range(devices):
        EquipmentFactory(site=site, asset_tag=f"{code.upper()}-{n}")
    teacher = person(f"teacher_{code}", Role.USER, school=school)
    return {"school": school, "site": site, "teacher": teacher}


@pytest.fixture
def schools(db):
    trust = OrganisationFactory(name="Oak Trust")
    council = OrganisationFactory(name="Fen Council")
    ash = add_school(trust, "ash", "Ash Primary", 2)
    EquipmentFactory(site=ash["site"], asset_tag="ASH-OLD", is_active=False)
    birch = add_school(trust, "birch", "Birch Secondary", 4)
    cedar = add_school(council, "cedar", "Cedar School", 1)
    printing, network = CategoryFactory(name="Printing"), CategoryFactory(name="Network")
    closed = {"status": Status.CLOSED}
    far_ahead = timezone.now() + timedelta(days=365)

    def call(where, **fields):
        return make(where["teacher"], where["site"], **fields)

    call(
        ash,
        created_at=at(2, 2),
        resolution_due_at=at(2, 5),
        resolved_at=at(2, 3),
        closed_at=at(2, 3, 10),
        closure_code="fixed",
        category=printing,
        **closed,
    )
    call(
        ash,
        created_at=at(2, 4),
        resolution_due_at=at(2, 5),
        assigned_at=at(2, 4, 10),
        resolved_at=at(2, 6),
        closed_at=at(2, 6, 10),
        closure_code="fixed",
        category=printing,
        **closed,
    )
    call(
        ash,
        created_at=at(2, 10),
        resolution_due_at=at(2, 13),
        status=Status.IN_PROGRESS,
        category=network,
    )
    asked = file_request(ash["teacher"], request_type(name="New account"), site=ash["site"])
    Incident.objects.filter(pk=asked.pk).update(created_at=at(2, 5), category=printing)
    assert asked.kind == CallKind.REQUEST
    call(
        birch,
        created_at=at(2, 3),
        resolution_due_at=at(2, 4),
        resolved_at=at(2, 5),
        closed_at=at(2, 5, 10),
        closure_code="workaround",
        category=network,
        **closed,
    )
    call(
        birch,
        created_at=at(1, 20),
        resolution_due_at=far_ahead,
        status=Status.IN_PROGRESS,
    )
    call(
        birch,
        created_at=at(2, 12),
        resolution_due_at=at(2, 15),
        resolved_at=at(2, 12, 12),
        closed_at=at(2, 12, 12),
        closure_code="resolved_itself",
        category=network,
        **closed,
    )
    call(
        cedar,
        created_at=at(2, 9),
        resolution_due_at=at(2, 10),
        status=Status.IN_PROGRESS,
        category=printing,
    )
    return {
        "trust": trust,
        "ash": ash,
        "birch": birch,
        "cedar": cedar,
        "central_desk": person("central_desk", Role.DESK, organisation=trust),
        "desk_ash": person("desk_ash", Role.DESK, school=ash["school"]),
        "trust_admin": person("trust_admin", Role.ADMIN, organisation=trust),
    }


def csv_of(client, params) -> list[list[str]]:
    response = client.get(reverse("incidents:service_report_csv"), params)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def school_rows(rows, name) -> dict[str, str]:
    return {row[2]: row[3] for row in rows if row[0] == SECTION and row[1] == name}


# ---------------------------------------------------------------- the figures


def test_the_service_report_puts_the_desks_schools_side_by_side(client_for, schools):
    response = client_for(schools["central_desk"]).get(
        reverse("incidents:service_report"), FEBRUARY
    )
    report = response.context["report"]
    side = report.schools
    assert [row.name for row in side.rows] == ["Ash Primary", "Birch Secondary"]
    ash, birch = side.rows
    assert (ash.open_calls, ash.breaches, str(ash.first_contact)) == (1, 1, "1 of 2 (50%)")
    assert (ash.calls, ash.devices, ash.per_100_devices) == (3, 2, 150.0)
    assert (ash.top_category, ash.top_category_calls) == ("Printing", 2)
    assert (birch.open_calls, birch.breaches, str(birch.first_contact)) == (1, 1, "1 of 1 (100%)")
    assert (birch.calls, birch.devices, birch.per_100_devices) == (2, 4, 50.0)
    assert (birch.top_category, birch.top_category_calls) == ("Network", 2)
    total = side.total
    assert (total.open_calls, total.breaches, str(total.first_contact)) == (2, 2, "2 of 3 (66.7%)")
    assert (total.calls, total.devices, total.per_100_devices) == (5, 6, 83.3)
    assert (total.top_category, total.top_category_calls) == ("Network", 3)
    # The total agrees with the report's own figures for the same schools.
    assert total.open_calls == report.backlog_at_end
    assert total.first_contact == report.first_contact
    assert total.calls == report.reported
    assert total.breaches == report.resolve_overall.total - report.resolve_overall.count

    page = response.text
    assert 'data-testid="schools-side-by-side"' in page
    assert page.count('data-testid="school-row"') == 2
    assert "Birch Secondary" in page and "Cedar School" not in page
    assert "Network (3)" in page and "83.3" in page


def test_the_csv_carries_the_same_rows_per_school(client_for, schools):
    rows = csv_of(client_for(schools["central_desk"]), FEBRUARY)
    assert school_rows(rows, "Ash Primary") == {
        "open at the end": "1",
        "resolution target missed": "1",
        "first-contact resolution": "1",
        "first-contact resolution %": "50.0",
        "calls reported": "3",
        "active devices": "2",
        "calls per 100 devices": "150.0",
        "top category": "Printing",
        "top category calls": "2",
    }
    assert school_rows(rows, "Birch Secondary")["calls per 100 devices"] == "50.0"
    total = school_rows(rows, "All these schools")
    assert total["calls reported"] == "5" and total["top category"] == "Network"
    assert {row[1] for row in rows if row[0] == SECTION} == {
        "Ash Primary",
        "Birch Secondary",
        "All these schools",
    }


def test_the_trust_admin_sees_the_trusts_schools_side_by_side(client_for, schools):
    rows = csv_of(client_for(schools["trust_admin"]), FEBRUARY)
    assert {row[1] for row in rows if row[0] == SECTION} == {
        "Ash Primary",
        "Birch Secondary",
        "All these schools",
    }


def test_the_dashboard_shows_the_schools_now(client_for, schools):
    response = client_for(schools["central_desk"]).get(reverse("incidents:dashboard"))
    side = response.context["figures"].schools
    ash, birch = side.rows
    # Open now, and breached now: a3 is past its resolution target, b2 is not.
    assert (ash.open_calls, ash.breaches) == (1, 1)
    assert (birch.open_calls, birch.breaches) == (1, 0)
    assert (side.total.open_calls, side.total.breaches) == (2, 1)
    assert side.total.open_calls == response.context["figures"].open_total
    # Nothing reported or closed this week.
    assert (side.total.calls, side.total.per_100_devices) == (0, 0.0)
    assert side.total.first_contact.total == 0
    page = response.text
    assert 'data-testid="schools-side-by-side"' in page
    assert "Breached now" in page and "Cedar School" not in page


# ---------------------------------------------------------------- scoping


def test_a_schools_own_desk_sees_no_other_school(client_for, schools):
    client = client_for(schools["desk_ash"])
    response = client.get(reverse("incidents:service_report"), FEBRUARY)
    assert response.context["report"].schools is None
    assert 'data-testid="schools-side-by-side"' not in response.text
    assert "Birch Secondary" not in response.text
    rows = csv_of(client, FEBRUARY)
    assert not [row for row in rows if row[0] == SECTION]
    assert "Birch Secondary" not in {cell for row in rows for cell in row}
    assert ["Calls", "Reported", "count", "3"] in rows
    dashboard = client.get(reverse("incidents:dashboard"))
    assert dashboard.context["figures"].schools is None
    assert 'data-testid="schools-side-by-side"' not in dashboard.text


def test_a_desk_elsewhere_never_sees_the_trusts_schools(client_for, schools):
    cedar_desk = person("cedar_desk", Role.DESK, school=schools["cedar"]["school"])
    client = client_for(cedar_desk)
    rows = csv_of(client, FEBRUARY)
    assert not [row for row in rows if row[0] == SECTION]
    cells = {cell for row in rows for cell in row}
    assert "Ash Primary" not in cells and "Birch Secondary" not in cells


@pytest.mark.parametrize("choice", ["school", "site"])
def test_one_school_or_site_chosen_shows_no_table(client_for, schools, choice):
    client = client_for(schools["central_desk"])
    birch = schools["birch"]
    params = FEBRUARY | {choice: birch[choice].pk}
    response = client.get(reverse("incidents:service_report"), params)
    assert response.context["report"].schools is None
    assert 'data-testid="schools-side-by-side"' not in response.text
    assert not [row for row in csv_of(client, params) if row[0] == SECTION]
    dashboard = client.get(reverse("incidents:dashboard"), {choice: birch[choice].pk})
    assert dashboard.context["figures"].schools is None


def test_a_site_of_another_school_is_refused_and_shows_nothing_of_it(client_for, schools):
    client = client_for(schools["desk_ash"])
    params = FEBRUARY | {"site": schools["birch"]["site"].pk}
    response = client.get(reverse("incidents:service_report_csv"), params)
    assert response.status_code == 400
    assert b"site:" in response.content
    assert SECTION.encode() not in response.content


# ---------------------------------------------------------------- queries


def add_schools(trust, count: int) -> list[int]:
    """``count`` more schools of the trust, each with devices and calls in February."""
    ids = []
    category = CategoryFactory(name="Wi-Fi")
    for n in range(count):
        where = add_school(trust, f"extra{n}", f"Extra {n}", 3)
        for day in (2, 9, 16):
            make(
                where["teacher"],
                where["site"],
                created_at=at(2, day),
                resolution_due_at=at(2, day + 1),
                resolved_at=at(2, day + 2),
                closed_at=at(2, day + 2, 10),
                closure_code="fixed",
                status=Status.CLOSED,
                category=category,
            )
        ids.append(where["school"].pk)
    return ids


@pytest.mark.parametrize("extra", [0, 4])
def test_the_side_by_side_figures_take_four_queries_however_many_schools(
    schools, extra, django_assert_num_queries
):
    ids = [schools["ash"]["school"].pk, schools["birch"]["school"].pk]
    ids += add_schools(schools["trust"], extra)
    period = reporting.Period(start=date(2026, 2, 1), end=date(2026, 2, 28), schools=frozenset(ids))
    # The figures per school, the devices per school, the categories per school, the names.
    with django_assert_num_queries(4):
        side = schools_side_by_side(
            period.schools, period.starts_at, period.ends_at, now=timezone.now()
        )
    assert len(side.rows) == 2 + extra
    assert side.total.calls == 5 + 3 * extra


def page_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_pages_run_the_same_queries_for_two_schools_and_six(client_for, schools, figure):
    client = client_for(schools["central_desk"])
    urls = [
        (reverse("incidents:service_report"), FEBRUARY),
        (reverse("incidents:service_report_csv"), FEBRUARY),
        (reverse("incidents:dashboard"), {}),
    ]
    for url, params in urls:
        client.get(url, params)
    two = [page_queries(client, url, params) for url, params in urls]
    add_schools(schools["trust"], 4)
    # New sites invalidate the cached devices per school: the first page rebuilds them.
    for url, params in urls:
        client.get(url, params)
    six = [page_queries(client, url, params) for url, params in urls]
    assert two == six
    report = client.get(*urls[0])
    assert len(report.context["report"].schools.rows) == 6
    figure(f"schools side by side: report, CSV, dashboard queries for 2 and 6 schools: {six}")
