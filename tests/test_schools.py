"""Many schools, one service: roles per school, and nothing of a school a person does
not belong to in any list, form, notification, search, report or admin page.

The cast: a trust (schools Ash and Birch) and a council (school Cedar). Everyone
here holds their roles at named schools, or across one organisation.
"""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import Membership
from accounts.roles import Role
from incidents import selectors, workflow
from incidents.models import Event, Incident, KnowledgeArticle, Notification, Site
from tests.desk_helpers import many_incidents
from tests.factories import (
    EquipmentFactory,
    OrganisationFactory,
    RoomFactory,
    SchoolFactory,
    SiteFactory,
    SupportContactFactory,
    UserFactory,
    file_incident,
)
from tests.portal_helpers import sheet_post

QUEUE = reverse("incidents:desk_queue")


@pytest.fixture
def trust(db):
    """Two schools of a trust and one of a council, each with a site, a room and a printer."""
    trust = OrganisationFactory(name="Oak Trust")
    council = OrganisationFactory(name="Fen Council")
    places = {}
    for code, name, organisation in (
        ("ash", "Ash Primary", trust),
        ("birch", "Birch Secondary", trust),
        ("cedar", "Cedar School", council),
    ):
        school = SchoolFactory(code=code, name=name, organisation=organisation)
        site = SiteFactory(school=school, code=f"{code}-main", name=f"{name} main")
        room = RoomFactory(site=site, name=f"{name} room 1")
        printer = EquipmentFactory(
            site=site, room=room, asset_tag=f"{code.upper()}-PRN", name=f"{name} printer"
        )
        places[code] = {"school": school, "site": site, "room": room, "printer": printer}
    places["trust"], places["council"] = trust, council
    return places


def person(username, *roles_, school=None, organisation=None):
    return UserFactory(
        username=username,
        roles=list(roles_),
        roles__school=school,
        roles__organisation=organisation,
    )


@pytest.fixture
def cast(trust):
    ash, birch, cedar = (trust[code]["school"] for code in ("ash", "birch", "cedar"))
    people = {
        "teacher_ash": person("teacher_ash", Role.USER, school=ash),
        "teacher_birch": person("teacher_birch", Role.USER, school=birch),
        "teacher_cedar": person("teacher_cedar", Role.USER, school=cedar),
        "desk_ash": person("desk_ash", Role.DESK, school=ash),
        "desk_birch": person("desk_birch", Role.DESK, school=birch),
        "central_desk": person("central_desk", Role.DESK, organisation=trust["trust"]),
        "council_desk": person("council_desk", Role.DESK, school=cedar),
        "tech_ash": person("tech_ash", Role.TECHNICIAN, school=ash),
        "tech_birch": person("tech_birch", Role.TECHNICIAN, school=birch),
        "school_admin_ash": person("school_admin_ash", Role.SCHOOL_ADMIN, school=ash),
        "trust_admin": person("trust_admin", Role.ADMIN, organisation=trust["trust"]),
    }
    # A technician visiting both trust schools.
    people["visiting_tech"] = person("visiting_tech", Role.TECHNICIAN, school=ash)
    roles.grant(people["visiting_tech"], Role.TECHNICIAN, school=birch)
    # A teacher at Ash who is the service desk at Birch.
    people["teacher_ash_desk_birch"] = person("mixed", Role.USER, school=ash)
    roles.grant(people["teacher_ash_desk_birch"], Role.DESK, school=birch)
    return people


@pytest.fixture
def calls(trust, cast):
    return {
        code: file_incident(
            cast[f"teacher_{code}"],
            site=trust[code]["site"],
            summary=f"Printer at {code} prints blank pages",
            equipment=trust[code]["printer"],
        )
        for code in ("ash", "birch", "cedar")
    }


# ---------------------------------------------------------------- roles per school


def test_roles_hold_at_their_schools_only(trust, cast, calls):
    ash, birch, cedar = (trust[code]["school"] for code in ("ash", "birch", "cedar"))
    mixed = cast["teacher_ash_desk_birch"]
    own = file_incident(mixed, site=trust["ash"]["site"], summary="My own laptop")

    assert set(selectors.staff_incidents_for(mixed)) == {calls["birch"]}
    assert set(selectors.incidents_for(mixed)) == {calls["birch"], own}
    assert roles.has_role(mixed, Role.DESK, birch) and not roles.has_role(mixed, Role.DESK, ash)
    assert set(selectors.incidents_for(cast["desk_ash"])) == {calls["ash"], own}
    assert set(selectors.incidents_for(cast["central_desk"])) == {calls["ash"], calls["birch"], own}
    assert set(selectors.incidents_for(cast["council_desk"])) == {calls["cedar"]}
    assert set(selectors.incidents_for(cast["visiting_tech"])) == {
        calls["ash"],
        calls["birch"],
        own,
    }
    assert roles.staff_schools(cast["visiting_tech"]) == {ash.pk, birch.pk}
    assert roles.staff_schools(cast["trust_admin"]) == {ash.pk, birch.pk}
    assert cedar.pk not in roles.schools_where(cast["trust_admin"])
    # The teacher sees only their own calls.
    assert set(selectors.incidents_for(cast["teacher_ash"])) == {calls["ash"]}
    assert list(selectors.problems_for(cast["teacher_ash"])) == []


def test_people_with_a_role_at_a_school_include_the_organisations_and_no_one_else(trust, cast):
    ash = trust["ash"]["school"]
    desk_at_ash = set(roles.people_with(Role.DESK, ash).values_list("username", flat=True))
    assert desk_at_ash == {"desk_ash", "central_desk", "trust_admin"}
    technicians = set(roles.people_with(Role.TECHNICIAN, ash).values_list("username", flat=True))
    assert technicians == {"tech_ash", "visiting_tech", "trust_admin"}


def test_the_workflow_checks_the_role_at_the_calls_school(trust, cast, calls):
    with pytest.raises(workflow.NotAllowed):
        workflow.incident_accept(
            version=workflow.current_version(calls["birch"]),
            incident=calls["birch"],
            by=cast["desk_ash"],
            category=None,
            impact=3,
            urgency=2,
        )
    workflow.incident_accept(
        version=workflow.current_version(calls["birch"]),
        incident=calls["birch"],
        by=cast["teacher_ash_desk_birch"],
        category=None,
        impact=3,
        urgency=2,
    )
    with pytest.raises(workflow.InvalidInput):
        workflow.incident_request_technician(
            version=workflow.current_version(calls["birch"]),
            incident=calls["birch"],
            by=cast["central_desk"],
            technician=cast["tech_ash"],
        )
    assert Incident.objects.get(pk=calls["birch"].pk).assignee is None


# ---------------------------------------------------------------- notifications


def test_a_new_call_is_told_only_to_the_desk_serving_its_school(trust, cast, calls):
    told = set(
        Notification.objects.filter(incident=calls["ash"], event=Event.FILED).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"desk_ash", "central_desk", "trust_admin"}
    cedar_told = set(
        Notification.objects.filter(incident=calls["cedar"], event=Event.FILED).values_list(
            "recipient__username", flat=True
        )
    )
    assert cedar_told == {"council_desk"}


def test_the_technician_pool_is_the_schools_technicians(trust, cast, calls):
    incident = calls["birch"]
    workflow.incident_accept(
        version=workflow.current_version(incident),
        incident=incident,
        by=cast["desk_birch"],
        category=None,
        impact=3,
        urgency=2,
    )
    workflow.incident_request_technician(
        version=workflow.current_version(incident), incident=incident, by=cast["desk_birch"]
    )
    told = set(
        Notification.objects.filter(
            incident=incident, event=Event.TECHNICIAN_REQUESTED
        ).values_list("recipient__username", flat=True)
    )
    assert told == {"tech_birch", "visiting_tech", "trust_admin", "teacher_birch"}


# ---------------------------------------------------------------- forms refuse foreign ids


def test_a_teacher_cannot_file_at_another_schools_site_room_or_equipment(client_for, trust, cast):
    client = client_for(cast["teacher_ash"])
    birch = trust["birch"]
    page = client.get(reverse("incidents:report")).text
    assert "Ash Primary main" in page and "Birch Secondary main" not in page
    for post in (
        sheet_post(site=birch["site"]),
        sheet_post(site=trust["ash"]["site"], room=birch["room"]),
        sheet_post(site=trust["ash"]["site"], equipment=birch["printer"]),
    ):
        response = client.post(reverse("incidents:report"), post)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not Incident.objects.exists()


def test_the_equipment_finder_and_suggestions_keep_to_the_persons_schools(
    client_for, trust, cast, admin_user
):
    client = client_for(cast["teacher_ash"])
    found = client.get(reverse("incidents:equipment_search"), {"equipment_query": "PRN"}).text
    assert "ASH-PRN" in found and "BIRCH-PRN" not in found and "CEDAR-PRN" not in found
    for school, title in (
        (trust["birch"]["school"], "Birch printer blank pages"),
        (None, "Trust printer blank pages"),
    ):
        KnowledgeArticle.objects.create(
            title=title,
            symptoms="blank pages",
            body="Replace the toner.",
            created_by=admin_user,
            school=school,
            organisation=trust["trust"],
        )
    titles = {
        a.title for a in selectors.matching_articles(cast["teacher_ash"], text="printer blank")
    }
    assert titles == {"Trust printer blank pages"}
    assert not selectors.matching_articles(cast["teacher_cedar"], text="printer blank")


def test_the_desk_cannot_log_a_call_for_someone_or_somewhere_of_another_school(
    client_for, trust, cast
):
    from tests.test_desk_log_call import LOG_CALL, call

    client = client_for(cast["desk_ash"])
    page = client.get(LOG_CALL).text
    assert "teacher_ash" in page and "teacher_birch" not in page
    response = client.post(LOG_CALL, call(cast["teacher_birch"], trust["ash"]["site"]))
    assert "reporter" in response.context["form"].errors
    response = client.post(LOG_CALL, call(cast["teacher_ash"], trust["birch"]["site"]))
    assert "site" in response.context["form"].errors
    response = client.post(
        LOG_CALL, call(cast["teacher_ash"], trust["ash"]["site"], equipment="BIRCH-PRN")
    )
    assert "equipment" in response.context["form"].errors
    # The central desk logs for the teacher at Ash, but not at the council's school.
    central = client_for(cast["central_desk"])
    response = central.post(LOG_CALL, call(cast["teacher_cedar"], trust["cedar"]["site"]))
    assert {"reporter", "site"} <= set(response.context["form"].errors)
    assert not Incident.objects.exists()


def test_the_desks_forms_refuse_another_schools_equipment_desk_and_group(
    client_for, trust, cast, calls
):
    incident = calls["ash"]
    client = client_for(cast["desk_ash"])
    url = reverse("incidents:update_details", args=[incident.reference])
    response = client.post(
        url,
        {
            "details-version": incident.version,
            "details-summary": incident.summary,
            "details-impact": 3,
            "details-urgency": 2,
            "details-site": trust["ash"]["site"].pk,
            "details-equipment": "BIRCH-PRN",
            "details-channel": "web",
        },
    )
    assert "No equipment has the asset tag BIRCH-PRN" in response.text
    response = client.post(
        reverse("incidents:hand_over", args=[incident.reference]),
        {"hand_over-version": incident.version, "hand_over-to": cast["desk_birch"].pk},
    )
    assert "Select a valid choice" in response.text
    incident.refresh_from_db()
    assert incident.equipment == trust["ash"]["printer"] and incident.owner is None
    # Consulting another school's support group: not offered, and refused.
    group = SupportContactFactory(
        group__school=trust["birch"]["school"], group__organisation=trust["trust"]
    ).group
    consult = reverse("incidents:consult", args=[incident.reference])
    assert group.name not in client.get(consult).text
    response = client.post(
        consult, {"group": group.pk, "reason": "Ask them", "version": incident.version}
    )
    assert "group" in response.context["form"].errors
    assert not incident.consultations.exists()


# ---------------------------------------------------------------- the desk across schools


def test_the_central_desk_sees_and_filters_by_school(client_for, trust, cast, calls):
    page = client_for(cast["central_desk"]).get(QUEUE)
    text = page.text
    assert "Printer at ash" in text and "Printer at birch" in text
    assert "Printer at cedar" not in text
    assert text.count('data-testid="queue-school"') == 2
    filtered = client_for(cast["central_desk"]).get(
        QUEUE, {"state": "open", "school": trust["birch"]["school"].pk}
    )
    assert "Printer at birch" in filtered.text and "Printer at ash" not in filtered.text
    # Another organisation's school is no choice.
    foreign = client_for(cast["central_desk"]).get(
        QUEUE, {"state": "open", "school": trust["cedar"]["school"].pk}
    )
    assert foreign.status_code == 400 and "Printer at cedar" not in foreign.text


def test_a_schools_own_desk_sees_only_its_school_and_no_school_column(
    client_for, trust, cast, calls
):
    text = client_for(cast["desk_ash"]).get(QUEUE).text
    assert "Printer at ash" in text and "Printer at birch" not in text
    assert 'data-testid="queue-school"' not in text and 'name="school"' not in text


@pytest.mark.parametrize("schools", [2, 8])
def test_the_queue_runs_the_same_queries_however_many_schools(
    client_for, trust, cast, schools, django_assert_num_queries
):
    for n in range(schools):
        school = (
            trust[["ash", "birch"][n]]["school"]
            if n < 2
            else SchoolFactory(organisation=trust["trust"], code=f"extra{n}")
        )
        site = trust[["ash", "birch"][n]]["site"] if n < 2 else SiteFactory(school=school)
        many_incidents(5, reporter=cast["teacher_ash"], site=site)
    client = client_for(cast["central_desk"])
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    assert response.content.count(b'data-testid="queue-row"') == 5 * schools
    # Session, user, roles, the page's ids, its rows, their latest entries, the counts
    # per state (the list's length too), the choices (schools, categories, sites,
    # rooms, owners, technicians ×2) and the badge.
    assert len(queries) == 15


# ---------------------------------------------------------------- reports and exports


def test_reports_and_exports_cover_the_desks_schools_only(client_for, trust, cast, calls):
    client = client_for(cast["desk_ash"])
    export = client.get(reverse("incidents:desk_export"), {"state": "all"})
    content = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) == 2
    assert "Printer at ash prints blank pages" in rows[1]
    assert "Printer at birch" not in content and "Printer at cedar" not in content
    dashboard = client.get(reverse("incidents:dashboard"))
    assert dashboard.context["figures"].open_total == 1
    this_month = {"start": timezone.localdate().replace(day=1).isoformat()}
    for who, reported in (("desk_ash", "1"), ("central_desk", "2"), ("council_desk", "1")):
        report = client_for(cast[who]).get(reverse("incidents:service_report_csv"), this_month)
        rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
        assert ["Calls", "Reported", "count", reported] in rows, who
    central = client_for(cast["central_desk"]).get(reverse("incidents:dashboard"))
    assert central.context["figures"].open_total == 2
    one = client_for(cast["central_desk"]).get(
        reverse("incidents:dashboard"), {"school": trust["birch"]["school"].pk}
    )
    assert one.context["figures"].open_total == 1
    refused = client_for(cast["desk_ash"]).get(
        reverse("incidents:dashboard"), {"site": trust["birch"]["site"].pk}
    )
    assert "site" in refused.context["form"].errors
    assert refused.context["figures"].open_total == 1
    printed = client.get(reverse("incidents:print_selection"), {"ids": calls["birch"].pk})
    assert "Printer at birch" not in printed.text


# ---------------------------------------------------------------- the admin


def test_a_school_admin_manages_only_their_schools_catalogue(client_for, trust, cast):
    client = client_for(cast["school_admin_ash"])
    sites = client.get(reverse("admin:incidents_site_changelist")).text
    assert "Ash Primary main" in sites and "Birch Secondary main" not in sites
    foreign = client.get(reverse("admin:incidents_site_change", args=[trust["birch"]["site"].pk]))
    assert foreign.status_code == 302 and "Birch" not in foreign.text
    add = client.get(reverse("admin:incidents_equipment_add")).text
    assert "Ash Primary main" in add and "Birch Secondary main" not in add
    assert client.get(reverse("admin:incidents_incident_changelist")).status_code == 403
    response = client.post(
        reverse("admin:incidents_room_add"),
        {"site": trust["birch"]["site"].pk, "name": "Sneaky room", "is_active": "on"},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert not trust["birch"]["site"].rooms.filter(name="Sneaky room").exists()


def test_the_trust_admin_sees_the_trusts_schools_and_not_the_councils(client_for, trust, cast):
    client = client_for(cast["trust_admin"])
    sites = client.get(reverse("admin:incidents_site_changelist")).text
    assert "Ash Primary main" in sites and "Birch Secondary main" in sites
    assert "Cedar School main" not in sites
    equipment = client.get(reverse("admin:incidents_equipment_changelist")).text
    assert "ASH-PRN" in equipment and "CEDAR-PRN" not in equipment
    people = client.get(reverse("admin:accounts_user_changelist")).text
    assert "teacher_ash" in people and "teacher_cedar" not in people
    memberships = client.get(reverse("admin:accounts_membership_changelist")).text
    assert str(cast["teacher_birch"]) in memberships
    assert str(cast["council_desk"]) not in memberships


def test_sites_belong_to_a_school(trust, cast):
    assert Site.objects.filter(school=trust["ash"]["school"]).count() == 1
    assert Membership.objects.filter(school=trust["cedar"]["school"]).exists()
