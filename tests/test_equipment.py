"""The equipment register: searchable by tag, name, room, kind, site and supplier;
each item's page shows its incidents, problems and consultations over time."""

import pytest
from django.urls import reverse

from incidents import workflow
from incidents.models import EquipmentKind
from tests.factories import EquipmentFactory, RoomFactory, SiteFactory, SupportGroupFactory
from tests.html import parse
from tests.technician_helpers import passed_incident, queries_for

pytestmark = pytest.mark.django_db
LIST = reverse("incidents:equipment_list")


def detail_url(item):
    return reverse("incidents:equipment_detail", args=[item.pk])


@pytest.fixture
def register(site):
    lab = RoomFactory(site=site, name="Science lab 2")
    hall = RoomFactory(site=site, name="Main hall")
    whiteboards = SupportGroupFactory(name="Boards R Us")
    return {
        "printer": EquipmentFactory(
            asset_tag="PR-001",
            name="Staff room printer",
            kind=EquipmentKind.PRINTER,
            site=site,
            room=hall,
            make="HP",
            model="M404",
        ),
        "board": EquipmentFactory(
            asset_tag="WB-014",
            name="Lab whiteboard",
            kind=EquipmentKind.WHITEBOARD,
            site=site,
            room=lab,
            supplier=whiteboards,
        ),
        "projector": EquipmentFactory(
            asset_tag="PJ-007",
            name="Hall projector",
            kind=EquipmentKind.PROJECTOR,
            site=site,
            room=hall,
            make="Epson",
        ),
    }


def found(client, query=""):
    return {item.asset_tag for item in client.get(LIST + query).context["page"].object_list}


def test_search_by_tag_name_room_kind_and_supplier(client, technician, register):
    client.force_login(technician)
    assert found(client) == {"PR-001", "WB-014", "PJ-007"}
    assert found(client, "?q=pj-0") == {"PJ-007"}
    assert found(client, "?q=printer") == {"PR-001"}
    assert found(client, "?q=epson") == {"PJ-007"}
    assert found(client, "?room=hall") == {"PR-001", "PJ-007"}
    assert found(client, "?kind=whiteboard") == {"WB-014"}
    assert found(client, f"?supplier={register['board'].supplier_id}") == {"WB-014"}
    assert found(client, "?site=MAIN&room=lab") == {"WB-014"}


@pytest.mark.parametrize(
    "query", ["?kind=toaster", "?supplier=x", "?site=%27", "?page=abc", "?page=-5"]
)
def test_junk_search_gives_a_page_not_an_error(client, technician, register, query):
    client.force_login(technician)
    assert client.get(LIST + query).status_code == 200


def test_the_list_shows_open_incidents_per_item(client, reporter, desk, technician, register, site):
    passed_incident(reporter, desk, site=site, equipment=register["printer"])
    passed_incident(reporter, desk, site=site, equipment=register["printer"])
    client.force_login(desk)
    page = client.get(LIST).context["page"]
    counts = {item.asset_tag: item.open_incidents for item in page.object_list}
    assert counts == {"PR-001": 2, "WB-014": 0, "PJ-007": 0}


def test_the_list_runs_a_fixed_number_of_queries(
    client, reporter, desk, technician, site, django_assert_num_queries
):
    client.force_login(technician)
    first = EquipmentFactory(site=site, supplier=SupportGroupFactory())
    passed_incident(reporter, desk, site=site, equipment=first)
    baseline, _ = queries_for(client, LIST)
    for index in range(80):
        item = EquipmentFactory(
            site=SiteFactory() if index % 2 else site, supplier=SupportGroupFactory()
        )
        if index % 10 == 0:
            passed_incident(reporter, desk, site=site, equipment=item)
    with django_assert_num_queries(baseline):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 50
    with django_assert_num_queries(baseline):
        client.get(LIST + "?page=2")


def test_the_page_shows_incidents_problems_and_consultations_over_time(
    client, reporter, desk, technician, register, site
):
    board = register["board"]
    first = passed_incident(
        reporter,
        desk,
        technician=technician,
        site=site,
        equipment=board,
        summary="Pen does nothing",
    )
    second = passed_incident(
        reporter, desk, technician=technician, site=site, equipment=board, summary="Board drifts"
    )
    consultation = workflow.consultation_open(
        version=workflow.current_version(first),
        incident=first,
        by=technician,
        group=board.supplier,
        reason="Pen fault",
        case_reference="BR-4471",
    )
    problem = workflow.problem_escalate(
        version=workflow.current_version(second),
        incident=second,
        by=technician,
        workaround="Recalibrate",
        title="Calibration drift",
    )
    passed_incident(
        reporter, desk, site=site, equipment=register["printer"], summary="Other printer"
    )
    client.force_login(technician)

    response = client.get(detail_url(board))
    body = response.content.decode()
    history = parse(body).testid("history")
    for text in (first.reference, second.reference, problem.reference, "Boards R Us", "BR-4471"):
        assert text in history.text
    assert "Other printer" not in body
    kinds = [kind for kind, _, _ in response.context["timeline"]]
    assert sorted(kinds) == ["consultation", "incident", "incident", "problem"]
    assert kinds[0] in ("problem", "consultation")  # newest first
    assert response.context["timeline"][-1][2] == first
    assert reverse("incidents:consultation_detail", args=[consultation.pk]) in history.hrefs()


def test_a_proactive_problem_on_the_equipment_shows_too(client, technician, register):
    problem = workflow.problem_open(
        by=technician,
        title="Lamp near end of life",
        description="d",
        equipment=register["projector"],
    )
    client.force_login(technician)
    assert problem.reference in client.get(detail_url(register["projector"])).content.decode()


def test_plain_users_never_see_the_register(client, reporter, register):
    client.force_login(reporter)
    assert client.get(LIST).status_code == 403
    assert client.get(detail_url(register["board"])).status_code == 404


def test_unknown_equipment_is_not_found(client, desk):
    client.force_login(desk)
    assert client.get(reverse("incidents:equipment_detail", args=[424242])).status_code == 404
