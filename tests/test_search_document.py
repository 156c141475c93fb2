"""Each incident's search document follows every change of its words, in the same
transaction, and `rebuild_search_documents` writes the same documents at once."""

import pytest
from django.db import connection

from incidents import workflow
from incidents.mail import intake
from incidents.models import Incident
from incidents.search import rebuild_search_documents, search_incidents
from tests.factories import file_incident
from tests.inbound_helpers import message


def found(text: str) -> list[Incident]:
    return list(search_incidents(Incident.objects.all(), text))


def version(incident) -> int:
    return workflow.current_version(incident)


def document(incident) -> str:
    return str(Incident.objects.values_list("search_document", flat=True).get(pk=incident.pk))


def test_a_filed_sheet_is_searchable_by_its_summary_and_answers(reporter, site):
    incident = file_incident(
        reporter,
        site=site,
        summary="Projector shows no signal",
        sheet={"happened": "The screen stays purple", "checked": "The HDMI cable"},
    )

    assert found("projector") == [incident]
    assert found("purple") == [incident]
    assert found("hdmi") == [incident]


def test_the_desks_new_summary_replaces_the_old_words(reporter, site, desk):
    incident = file_incident(reporter, site=site, summary="Kettle broken")

    workflow.incident_update_details(
        incident=incident, by=desk, version=version(incident), summary="Scanner jams"
    )

    assert found("scanner") == [incident]
    assert found("kettle") == []


def test_a_note_and_a_message_are_searchable_at_once(reporter, site, desk):
    incident = file_incident(reporter, site=site)

    workflow.incident_add_note(
        incident=incident, by=desk, version=version(incident), text="Fuser unit overheating"
    )
    workflow.incident_message_reporter(
        incident=incident, by=desk, version=version(incident), text="Please try tray two"
    )

    assert found("fuser") == [incident]
    assert found("tray two") == [incident]


def test_an_answer_after_the_sheet_was_returned_is_searchable(reporter, site, desk):
    incident = file_incident(reporter, site=site)
    workflow.incident_return_to_user(
        incident=incident, by=desk, version=version(incident), question="Which room exactly?"
    )

    workflow.incident_answer(
        incident=incident, by=reporter, version=version(incident), answer="Chemistry laboratory"
    )

    assert found("chemistry") == [incident]
    assert found("which room") == [incident]


def test_an_emailed_call_and_its_completed_sheet_are_searchable(reporter, site):
    intake.receive(message(sender=reporter.email, subject="Board pen not working"))
    incident = Incident.objects.get(reporter=reporter)
    assert found("board pen") == [incident]

    workflow.incident_complete_sheet(
        incident=incident,
        by=reporter,
        version=version(incident),
        answers={"expected": "Ink on the whiteboard", "checked": "Changed the batteries"},
    )

    assert found("whiteboard") == [incident]
    assert found("batteries") == [incident]


def test_a_move_that_fails_leaves_the_document_as_it_was(reporter, site, desk):
    incident = file_incident(reporter, site=site)
    before = document(incident)

    with pytest.raises(workflow.Conflict):
        workflow.incident_add_note(incident=incident, by=desk, version=0, text="Never written")

    assert document(incident) == before
    assert found("never written") == []


def test_rebuilding_writes_the_documents_the_workflow_wrote(reporter, site, desk):
    incident = file_incident(reporter, site=site, summary="Laptop will not charge")
    workflow.incident_add_note(
        incident=incident, by=desk, version=version(incident), text="Charger pin bent"
    )
    written = document(incident)
    Incident.objects.filter(pk=incident.pk).update(search_document=None)
    assert found("charger") == []

    rebuild_search_documents(connection)

    assert document(incident) == written
    assert found("charger") == [incident]
