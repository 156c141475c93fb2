"""The states, their sets and their words have one home: `incidents.models.states`."""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from incidents import workflow
from incidents.models import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    STAFF_STATUS_LABELS,
    WAITING_FOR_USER,
    HoldReason,
    ProblemStatus,
    Status,
    problem_status_style,
    status_label,
    status_style,
)
from tests.html import parse
from tests.portal_helpers import return_to_user
from tests.technician_helpers import passed_incident

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / "incidents" / "models" / "states.py"
STATE_ENUMS = {"Status", "ProblemStatus"}


def _sources():
    for package in ("incidents", "accounts", "helpdesk"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path != HOME and "migrations" not in path.parts:
                yield path


def _state_member(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in STATE_ENUMS
    )


def _move_sources(tree: ast.AST) -> set[int]:
    """The literal sets given as a move's sources (`Move(name, sources, …)`): the move
    table is where each move's own from-states are written down."""
    ids = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "Move"
            and len(node.args) > 1
        ):
            ids.update(id(child) for child in ast.walk(node.args[1]))
    return ids


def own_lists_of_states(path: Path, root: Path = ROOT) -> list[str]:
    """Where a module writes down a set of states of its own instead of importing one."""
    tree = ast.parse(path.read_text(), filename=str(path))
    allowed = _move_sources(tree)
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(root)}:{getattr(node, 'lineno', '?')}"
        if id(node) in allowed:
            continue
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            if sum(_state_member(element) for element in node.elts) >= 2:
                found.append(f"{where} lists states")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "values"
            and isinstance(node.value, ast.Name)
            and node.value.id in STATE_ENUMS
        ):
            found.append(f"{where} derives states from {node.value.id}.{node.attr}")
    return found


def test_the_lint_finds_a_module_with_its_own_list(tmp_path):
    module = tmp_path / "x.py"
    module.write_text(
        "OPEN = [s for s in Status.values if s != Status.CLOSED]\n"
        "WORK = [Status.ASSIGNED, Status.IN_PROGRESS]\n"
        "ok = frozenset({Status.ASSIGNED})\n"
        "MOVES = [Move('hold', frozenset({Status.ASSIGNED, Status.IN_PROGRESS}), who)]\n"
    )
    assert sorted(own_lists_of_states(module, root=tmp_path)) == [
        "x.py:1 derives states from Status.values",
        "x.py:2 lists states",
    ]


def test_no_module_defines_its_own_set_of_states():
    found = [line for path in _sources() for line in own_lists_of_states(path)]
    assert found == []


def test_no_template_picks_a_states_words_or_colour():
    """Templates show states through the badge tag, never by comparing a status
    to choose words or a colour."""
    choosing = re.compile(r"status\s*==[^%]*%\}\s*(text-bg-|table-|<strong>|[A-Z][a-z]+ for )")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if choosing.search(line)
    ]
    assert offenders == []


def test_the_sets_of_states():
    assert Status.CLOSED not in OPEN_STATUSES and len(OPEN_STATUSES) == len(Status) - 1
    assert set(ACTIVE_STATUSES) == set(OPEN_STATUSES) - {Status.RESOLVED}
    assert list(OPEN_STATUSES) == [s for s in Status if s != Status.CLOSED]  # in order


def test_waiting_for_the_user_is_worded_once_for_staff():
    assert Status.AWAITING_USER.label == WAITING_FOR_USER == HoldReason.USER.label
    assert status_label(Status.AWAITING_USER, "staff") == "Waiting for the user"
    assert STAFF_STATUS_LABELS[Status.AWAITING_USER] == "Waiting for the user"


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (HoldReason.SUPPLIER, "On hold – waiting for a supplier"),
        (HoldReason.PARTS, "On hold – waiting for parts"),
        (HoldReason.USER, "On hold – the service desk is waiting for your answer"),
        (HoldReason.OTHER, "On hold"),
        ("", "On hold"),
    ],
)
def test_the_reporter_is_told_what_a_call_on_hold_waits_for(reason, words):
    assert status_label(Status.ON_HOLD, "reporter", hold_reason=reason) == words
    assert status_label(Status.ON_HOLD, "staff", hold_reason=reason) == "On hold"


def test_every_state_has_words_for_each_audience_and_a_colour():
    for status in Status:
        assert status_label(status, "staff") and status_label(status, "reporter")
        assert status_style(status).startswith("text-bg-")
    for status in ProblemStatus:
        assert problem_status_style(status).startswith("text-bg-")
    assert status_style(Status.AWAITING_USER) == "text-bg-warning"
    assert status_style(Status.CLOSED) == "text-bg-success"


def test_an_unknown_audience_is_refused():
    with pytest.raises(ValueError):
        status_label(Status.LOGGED, "visitor")


# ------------------------------------------------------------------ what pages show


def _badges(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return parse(response.content.decode()).find_all("span", attrs={"class": "badge"})


def _badge_for(badges, status):
    found = [b for b in badges if b.attrs.get("data-status") == status]
    assert found, f"no badge for {status}"
    return found[0]


def _held_for_parts(reporter, desk, technician, site):
    incident = passed_incident(reporter, desk, technician=technician, site=site)
    return workflow.incident_hold(
        incident=incident,
        by=technician,
        reason=HoldReason.PARTS,
        note="New fuser ordered",
        version=workflow.current_version(incident),
    )


def test_the_reporter_and_the_desk_each_see_their_words_for_a_call_on_hold(
    client_for, reporter, desk, technician, site
):
    incident = _held_for_parts(reporter, desk, technician, site)
    url = incident.get_absolute_url()

    for badges in (
        _badges(client_for(reporter), url),
        _badges(client_for(reporter), reverse("incidents:my_incidents")),
    ):
        badge = _badge_for(badges, "on_hold")
        assert badge.text == "On hold – waiting for parts"
        assert "text-bg-warning" in badge.attrs["class"]

    staff = _badge_for(_badges(client_for(desk), url), "on_hold")
    assert staff.text == "On hold" and staff.attrs["data-testid"] == "status"
    assert "text-bg-warning" in staff.attrs["class"]
    queue = _badge_for(_badges(client_for(desk), reverse("incidents:desk_queue")), "on_hold")
    assert queue.text == "On hold"
    home = _badge_for(_badges(client_for(technician), reverse("incidents:tech_home")), "on_hold")
    assert home.text == "On hold"


def test_a_call_waiting_for_the_user_is_worded_the_one_way_on_every_staff_page(
    client_for, reporter, desk, incident
):
    return_to_user(incident, desk)
    for url in (incident.get_absolute_url(), reverse("incidents:desk_queue")):
        badge = _badge_for(_badges(client_for(desk), url), "awaiting_user")
        assert badge.text == "Waiting for the user"
        assert "text-bg-warning" in badge.attrs["class"]
    mine = _badge_for(_badges(client_for(reporter), incident.get_absolute_url()), "awaiting_user")
    assert mine.text == "The service desk needs your answer"


def test_a_problem_shows_its_state_as_a_badge(client_for, technician, reporter, desk, site):
    problem = workflow.problem_open(
        by=technician, title="Projectors lose their lamp", description="Three this term."
    )
    detail = _badge_for(_badges(client_for(technician), problem.get_absolute_url()), "open")
    assert detail.text == "Open" and detail.attrs["data-testid"] == "problem-state"
    listed = _badge_for(_badges(client_for(technician), reverse("incidents:problem_list")), "open")
    assert listed.text == "Open" and "text-bg-secondary" in listed.attrs["class"]
