"""Scope first: every list starts from what the person asking may see, and no view
starts from a model's manager for school data."""

import re
from pathlib import Path

from incidents import selectors, workflow
from tests.factories import EquipmentFactory, SupportGroupFactory, file_incident
from tests.technician_helpers import passed_incident

VIEWS = Path(selectors.__file__).parent / "views"
SCHOOL_DATA = re.compile(
    r"\b(Incident|Problem|Consultation|Attachment|CallLogEntry|Equipment|Notification)"
    r"\.objects\b"
)


def test_a_reporter_lists_only_their_own_incidents_and_nothing_of_support(
    reporter, other_reporter, desk, technician, site
):
    mine = file_incident(reporter, site=site, summary="Mine")
    theirs = file_incident(other_reporter, site=site, summary="Theirs")
    passed = passed_incident(other_reporter, desk, technician=technician, site=site)
    problem = workflow.problem_open(by=technician, title="Toner smears", description="d")
    consultation = workflow.consultation_open(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        group=SupportGroupFactory(),
        reason="Under warranty",
    )
    equipment = EquipmentFactory(site=site)

    assert set(selectors.incidents_for(reporter)) == {mine}
    assert set(selectors.incidents_for(technician)) == {mine, theirs, passed}
    assert set(selectors.incidents_reported_by(reporter)) == {mine}
    assert set(selectors.incidents_reported_by(desk)) == set()
    for scoped, item in (
        (selectors.problems_for, problem),
        (selectors.consultations_for, consultation),
        (selectors.equipment_for, equipment),
    ):
        assert list(scoped(reporter)) == []
        assert item in scoped(technician) and item in scoped(desk)
    own_entries = list(selectors.log_entries_for(reporter))
    assert own_entries
    assert all(entry.incident_id == mine.pk and entry.is_public for entry in own_entries)
    assert selectors.log_entries_for(desk).filter(incident=passed).exists()


def test_no_view_starts_from_a_models_manager_for_school_data():
    offenders = [
        f"{path.relative_to(VIEWS)}:{number}: {line.strip()}"
        for path in sorted(VIEWS.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if SCHOOL_DATA.search(line)
    ]
    assert offenders == [], "start from incidents.selectors instead:\n" + "\n".join(offenders)
