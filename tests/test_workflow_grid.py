"""The flags pages show and the moves themselves give the same answer: over every
kind of person × every state × every move, where `can` says no the move is refused
with the very refusal the move table gives, and where it says yes the move goes
through. One record per state serves every attempt (each is rolled back)."""

import pytest

from incidents import workflow
from incidents.models import Incident, Problem, ProblemStatus, Status
from tests.workflow_helpers import (
    INCIDENT_MOVES,
    INCIDENT_STATES,
    PROBLEM_MOVES,
    PROBLEM_STATES,
    ROLES,
    STATUS_OF_STATE,
    attempt,
    incident_in,
    make_world,
    problem_in,
    subjects_for,
    undone,
)


@pytest.fixture
def world(request, site):
    return make_world(request, site)


def _disagreement(move, role, said, expected, refused, sources, status):
    """What is wrong with one cell, or None."""
    if said != (refused is None):
        return f"{move} by {role}: can() says {said}, the move {refused!r}"
    if refused is None:
        return None
    if (type(refused), str(refused)) != (type(expected), str(expected)):
        return f"{move} by {role}: the move raised {refused!r}, the table says {expected!r}"
    if status not in sources and not isinstance(
        refused, (workflow.NotAllowed, workflow.InvalidMove)
    ):
        return (
            f"{move} by {role}: from {status} it should be not allowed or invalid, not {refused!r}"
        )
    return None


@pytest.mark.parametrize("state", INCIDENT_STATES)
def test_can_and_the_incident_moves_agree(state, world):
    incident = incident_in(state, world)
    wrong, allowed = [], 0
    for move, make in INCIDENT_MOVES.items():
        table = workflow.MOVES[move]
        for role in ROLES:
            person = world.people[role]
            current = Incident.objects.get(pk=incident.pk)
            subjects = subjects_for(move, current)
            said = workflow.can(person, move, current, **subjects)
            expected = workflow.refusal(table, person, current, **subjects)
            with undone():
                refused = attempt(lambda: make(current, person, world))  # noqa: B023
            allowed += refused is None
            issue = _disagreement(
                move, role, said, expected, refused, table.sources, current.status
            )
            if issue:
                wrong.append(issue)
    assert wrong == []
    assert allowed > 0  # the grid tried moves that go through, not only refusals


@pytest.mark.parametrize("state", PROBLEM_STATES)
def test_can_and_the_problem_moves_agree(state, world):
    problem = problem_in(state, world)
    wrong = []
    for move, make in PROBLEM_MOVES.items():
        table = workflow.PROBLEM_MOVES[move]
        for role in ROLES:
            person = world.people[role]
            current = Problem.objects.get(pk=problem.pk)
            said = workflow.can_problem(person, move, current)
            expected = workflow.refusal(table, person, current)
            with undone():
                refused = attempt(lambda: make(current, person, world))  # noqa: B023
            issue = _disagreement(
                move, role, said, expected, refused, table.sources, current.status
            )
            if issue:
                wrong.append(issue)
    assert wrong == []


def test_the_grid_reaches_every_state_and_makes_every_move():
    """A new state or move without a place in the grid fails here."""
    assert {STATUS_OF_STATE.get(s, s) for s in INCIDENT_STATES} == set(Status.values)
    assert {STATUS_OF_STATE.get(s, s) for s in PROBLEM_STATES} == set(ProblemStatus.values)
    assert set(INCIDENT_MOVES) == set(workflow.MOVES)
    assert set(PROBLEM_MOVES) == set(workflow.PROBLEM_MOVES)
