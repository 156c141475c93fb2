"""Following an incident into problem management: link an existing problem or open one."""

import pytest

from incidents import workflow
from incidents.models import EntryKind, Problem, ProblemStatus
from tests.desk_helpers import fresh, last_entry, logged, post


@pytest.fixture
def problem(desk):
    return workflow.problem_open(
        by=desk,
        title="Toner runs out in a week",
        description="All laser printers",
        workaround="Use the office printer",
    )


def test_desk_links_an_existing_problem(client_for, desk, incident, problem):
    incident = logged(incident, desk)

    response = post(
        client_for(desk),
        incident,
        "link_problem",
        "problem",
        problem=problem.reference,
    )

    assert response.status_code == 302
    incident = fresh(incident)
    assert incident.problem == problem
    assert incident.workaround == "Use the office printer"  # the problem's workaround comes along
    entry = last_entry(incident)
    assert entry.kind == EntryKind.PROBLEM and not entry.is_public
    assert entry.rendered == (
        f"Escalated into problem management: {problem.reference} Toner runs out in a week. "
        "Workaround in place: Use the office printer"
    )


def test_desk_opens_a_problem_from_the_incident(client_for, desk, incident):
    incident = logged(incident, desk)

    post(
        client_for(desk),
        incident,
        "link_problem",
        "problem",
        title="Blank pages again",
        description="Third time this term",
        no_workaround_reason="Every printer in the block is affected",
    )

    problem = Problem.objects.get()
    assert problem.title == "Blank pages again"
    assert problem.description == "Third time this term"
    assert problem.no_workaround_reason == "Every printer in the block is affected"
    assert not problem.proactive and problem.opened_by == desk
    assert fresh(incident).problem == problem
    assert last_entry(incident).rendered == (
        f"Escalated into problem management: {problem.reference} Blank pages again. "
        "No workaround: Every printer in the block is affected"
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Give either an existing problem"),
        ({"problem": "PRB-424242"}, "There is no problem PRB-424242."),
        ({"problem": "the fixture's", "title": "Both"}, "Give either an existing problem"),
    ],
)
def test_problem_form_needs_one_of_the_two(client_for, desk, incident, problem, fields, message):
    if fields.get("problem") == "the fixture's":
        fields = {**fields, "problem": problem.reference}
    response = post(client_for(desk), incident, "link_problem", "problem", **fields)

    assert response.status_code == 400
    assert message in response.text
    assert fresh(incident).problem is None


def test_a_resolved_problem_cannot_be_linked(client_for, desk, incident, problem):
    Problem.objects.filter(pk=problem.pk).update(status=ProblemStatus.RESOLVED)

    response = post(
        client_for(desk),
        incident,
        "link_problem",
        "problem",
        problem=problem.reference,
    )

    assert response.status_code == 400
    assert "is resolved" in response.text


@pytest.mark.parametrize("who", ["reporter", "technician"])
def test_only_the_desk_links_problems_here(request, client_for, incident, problem, who):
    response = post(
        client_for(request.getfixturevalue(who)),
        incident,
        "link_problem",
        "problem",
        problem=problem.reference,
    )

    assert response.status_code == 403
    assert fresh(incident).problem is None
