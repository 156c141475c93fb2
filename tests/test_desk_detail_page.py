"""The staff incident page: what the desk and technicians see, and which buttons they get."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents import workflow
from tests.desk_helpers import assigned, logged, resolved
from tests.factories import EquipmentFactory, file_incident
from tests.html import parse


def test_header_shows_state_priority_targets_owner_and_technician(
    client_for, desk, technician, incident
):
    incident = assigned(incident, desk, technician, impact=1, urgency=2)

    page = client_for(desk).get(incident.get_absolute_url()).text

    assert f"{incident.reference}</span> Printer prints blank pages" in page
    assert 'data-testid="status">Technician requested' in page
    assert 'data-testid="priority">Priority 2 – High' in page
    assert "Response target:" in page and "Resolution target:" in page
    assert 'data-testid="owner">Dee Desk' in page
    assert 'data-testid="assignee">Tom Tech' in page


def test_page_includes_the_technicians_panel(client_for, desk, incident):
    page = client_for(desk).get(incident.get_absolute_url()).text
    assert 'data-testid="technician-panel"' in page


def test_desk_sees_the_triage_actions_for_a_new_sheet(client_for, desk, incident):
    page = client_for(desk).get(incident.get_absolute_url()).text

    for testid in (
        "return-form",
        "accept-form",
        "knowledge",
        "ownership",
        "close-form",
        "message-form",
        "note-form",
        "details-form",
        "problem-form",
    ):
        assert f'data-testid="{testid}"' in page, testid
    assert 'data-testid="technician-form"' not in page  # log it first


def test_technician_gets_no_desk_actions(client_for, desk, technician, incident):
    incident = assigned(incident, desk, technician)

    page = client_for(technician).get(incident.get_absolute_url()).text

    assert 'data-testid="desk-actions"' not in page
    assert 'data-testid="accept-form"' not in page
    assert 'data-testid="close-form"' not in page
    assert 'data-testid="note-form"' in page  # technicians write notes too
    assert 'data-testid="technician-panel"' in page


def test_closed_call_offers_no_moves_but_the_note(client_for, desk, technician, incident):
    incident = resolved(incident, desk, technician)
    workflow.incident_close(
        version=workflow.current_version(incident), incident=incident, by=desk, code="fixed"
    )

    page = client_for(desk).get(incident.get_absolute_url()).text

    for testid in ("return-form", "accept-form", "close-form", "technician-form", "message-form"):
        assert f'data-testid="{testid}"' not in page, testid
    assert 'data-testid="note-form"' in page


def test_page_shows_the_equipments_history(client_for, desk, reporter, site):
    printer = EquipmentFactory(asset_tag="PRN-7", site=site)
    earlier = file_incident(reporter, site=site, equipment=printer, summary="Paper jam")
    incident = file_incident(reporter, site=site, equipment=printer)

    page = client_for(desk).get(incident.get_absolute_url()).text

    history = parse(page).testid("equipment-history").text
    assert earlier.reference in history and "Paper jam" in history


def _queries_for_page(client, incident) -> int:
    client.get(incident.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        page = client.get(incident.get_absolute_url()).text
    assert "Note 0" in page and "Step 0" in page
    return len(queries)


def test_page_queries_do_not_grow_with_its_call_log(client_for, desk, technician, reporter, site):
    client = client_for(desk)
    counts = []
    for entries in (1, 15):
        incident = assigned(file_incident(reporter, site=site), desk, technician)
        for n in range(entries):
            workflow.incident_add_note(
                version=workflow.current_version(incident),
                incident=incident,
                by=desk,
                text=f"Note {n}",
            )
            workflow.incident_diagnose(
                version=workflow.current_version(incident),
                incident=incident,
                by=technician,
                action_taken=f"Step {n}",
            )
        counts.append(_queries_for_page(client, incident))

    # 20, and two for the next visits on the rota at the call's school (none here).
    assert counts[0] == counts[1] <= 22


def test_logged_call_opens_on_the_technician_request(client_for, desk, incident):
    incident = logged(incident, desk)
    page = client_for(desk).get(incident.get_absolute_url()).text
    form = parse(page).testid("technician-form")
    assert "open" in form.attrs
    assert "The technician pool" in form.text
