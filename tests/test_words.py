"""Words a school would notice: the user's entry is the incident sheet (a "problem" is
the cause behind incidents), "It's working again" is offered before a visit, and the
README's workflow says what the code does."""

import re
from itertools import pairwise
from pathlib import Path

from django.urls import reverse

from incidents import workflow
from incidents.models import Notification, Status

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_users_entry_is_report_an_incident(client, reporter):
    client.force_login(reporter)
    for url in (reverse("incidents:my_incidents"), reverse("incidents:report")):
        page = client.get(url).text
        assert "Report an incident" in page
        assert "Report a problem" not in page and "report a problem" not in page


def test_before_a_visit_the_user_is_told_they_can_say_it_works_again(
    incident, reporter, desk, technician
):
    from tests.desk_helpers import assigned

    assigned(incident, desk, technician)
    for event in ("logged", "technician_requested"):
        told = Notification.objects.get(incident=incident, recipient=reporter, event=event)
        assert "It's working again" in told.body, event


def _readme_moves() -> set[tuple[str, str]]:
    block = README.read_text().split("### The workflow", 1)[1].split("```")[1]
    pairs = set()
    for line in block.splitlines():
        # "a | b ──(who: what)──▶ c ──(…)──▶ d   e ──(…)──▶ f": each arrow joins the
        # states before it to the state after it.
        parts = re.split(r" ──\([^)]*\)──▶ ", line.strip())
        for before, after in pairwise(parts):
            sources = [word.strip() for word in before.split("  ")[-1].split("|")]
            target = after.split()[0]
            pairs |= {(source, target) for source in sources if source in Status.values}
    return {(source, target) for source, target in pairs if target in Status.values}


def test_every_move_in_the_readme_exists_in_the_move_table():
    drawn = _readme_moves()
    assert len(drawn) >= 12
    table = {
        (source, move.target)
        for move in workflow.MOVES.values()
        if move.target
        for source in move.sources
    }
    assert drawn - table == set(), "the README draws moves the code does not make"
    # Every state a move reaches is drawn.
    assert {target for _, target in drawn} >= {m.target for m in workflow.MOVES.values()} - {None}
