"""Every move of the workflow, from one table: who may make it, from which states,
where it goes and the history entry it writes. A move without a row fails here."""

from dataclasses import dataclass

import pytest
from django_tasks_db.models import DBTaskResult

from incidents import workflow
from incidents.models import (
    CallLogEntry,
    Incident,
    Notification,
    ProblemLogEntry,
    ProblemStatus,
    Status,
)
from tests.workflow_helpers import (
    INCIDENT_MOVES,
    PROBLEM_MOVES,
    ROLES,
    attempt,
    incident_in,
    make_world,
    problem_in,
    undone,
)


@dataclass(frozen=True)
class Row:
    who: frozenset[str]  # the kinds of person who may make it
    sources: frozenset[str]  # the states it starts from
    target: str | None  # where it goes (None: the state does not change)
    event: str  # the history entry it writes
    start: str  # the state this test tries it from (see tests/workflow_helpers.py)


def row(who, sources, target, event, start) -> Row:
    return Row(frozenset(who), frozenset(sources), target, event, start)


REPORTER = {"reporter"}
DESK = {"desk", "admin_user"}
TECHNICIANS = {"technician", "other_technician", "admin_user"}
SUPPORT = DESK | TECHNICIANS
# A technician works only on a call passed to them (the desk on any): the assigned one.
OWN = SUPPORT - {"other_technician"}
OPEN = set(Status.values) - {Status.CLOSED}
ACTIVE = OPEN - {Status.RESOLVED}
WORKING = {Status.LOGGED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD}
EVERY = set(Status.values)
S = Status

ROWS = {
    # A request that needs approval: only its named approver (here the other reporter).
    "approve": row(
        {"other_reporter"}, {S.AWAITING_APPROVAL}, S.SUBMITTED, "approved", "awaiting_approval"
    ),
    "decline": row(
        {"other_reporter"}, {S.AWAITING_APPROVAL}, S.CLOSED, "declined", "awaiting_approval"
    ),
    "return_to_user": row(
        DESK, {S.SUBMITTED, S.LOGGED}, S.AWAITING_USER, "returned_to_user", "submitted"
    ),
    "answer": row(REPORTER | DESK, {S.AWAITING_USER}, S.SUBMITTED, "answered", "awaiting_user"),
    "answer_hold": row(REPORTER | DESK, {S.ON_HOLD}, S.IN_PROGRESS, "answered", "on_hold_for_user"),
    "accept": row(DESK, {S.SUBMITTED}, S.LOGGED, "accepted", "submitted"),
    "update_details": row(DESK, OPEN, None, "details_changed", "logged"),
    "take_ownership": row(DESK, OPEN, None, "ownership_taken", "submitted"),
    "hand_over": row(DESK, OPEN, None, "handed_over", "logged"),
    "request_technician": row(DESK, WORKING, S.ASSIGNED, "technician_requested", "logged"),
    # Only from the pool: a call someone has taken is theirs (see the guard tests).
    "take": row(TECHNICIANS, {S.ASSIGNED, S.IN_PROGRESS, S.ON_HOLD}, None, "taken", "pool"),
    # By the assigned technician (or the desk): another technician is refused.
    "start": row(
        SUPPORT - {"other_technician"},
        {S.ASSIGNED, S.ON_HOLD},
        S.IN_PROGRESS,
        "started",
        "assigned",
    ),
    "hold": row(OWN, {S.ASSIGNED, S.IN_PROGRESS}, S.ON_HOLD, "held", "in_progress"),
    "diagnose": row(OWN, OPEN, None, "diagnosed", "in_progress"),
    "record_cause": row(OWN, OPEN, None, "cause_recorded", "in_progress"),
    "resolve": row(OWN, WORKING, S.RESOLVED, "resolved", "in_progress"),
    "close": row(DESK, OPEN, S.CLOSED, "closed", "resolved"),
    "mark_filed": row(DESK, {S.CLOSED}, None, "filed_away", "closed"),
    "reopen": row(REPORTER | DESK, {S.RESOLVED}, S.IN_PROGRESS, "reopened", "resolved"),
    "working_again": row(REPORTER | DESK, ACTIVE, None, "working_again", "logged"),
    "message_reporter": row(OWN, OPEN, None, "message_to_reporter", "in_progress"),
    "reporter_reply": row(REPORTER, OPEN, None, "reporter_message", "logged"),
    "reply_after_closure": row(REPORTER, {S.CLOSED}, None, "reporter_message", "closed"),
    "refuse_attachments": row(REPORTER, EVERY, None, "attachments_refused", "logged"),
    "complete_sheet": row(
        REPORTER, {S.SUBMITTED, S.AWAITING_USER}, None, "sheet_completed", "submitted"
    ),
    "note": row(SUPPORT, EVERY, None, "note", "closed"),
    "attach": row(REPORTER | OWN, OPEN, None, "attached", "in_progress"),
    "link_article": row(DESK, OPEN, None, "article_linked", "submitted"),
    "link_problem": row(OWN, EVERY, None, "escalated", "in_progress"),
    "consult": row(OWN, ACTIVE, None, "consulted", "in_progress"),
    "consultation_update": row(OWN, EVERY, None, "consultation_updated", "in_progress"),
}

P = ProblemStatus
PROBLEM_OPEN = {P.OPEN, P.INVESTIGATING, P.KNOWN_ERROR}
PROBLEM_ROWS = {
    "problem_update": row(SUPPORT, set(P.values), None, "updated", "open"),
    "problem_investigate": row(SUPPORT, {P.OPEN}, P.INVESTIGATING, "investigating", "open"),
    "problem_publish_known_error": row(
        SUPPORT, PROBLEM_OPEN, P.KNOWN_ERROR, "known_error_published", "investigating"
    ),
    "problem_link_incident": row(SUPPORT, PROBLEM_OPEN, None, "incident_linked", "known_error"),
    "problem_resolve": row(SUPPORT, PROBLEM_OPEN, P.RESOLVED, "resolved", "investigating"),
    "problem_close": row(SUPPORT, {P.RESOLVED}, P.CLOSED, "closed", "resolved"),
}


@pytest.fixture
def world(request, site):
    return make_world(request, site)


def test_every_move_has_a_row_and_a_way_to_make_it():
    assert set(workflow.MOVES) - set(ROWS) == set(), "moves without a row here"
    assert set(ROWS) - set(workflow.MOVES) == set(), "rows for moves that do not exist"
    assert set(workflow.PROBLEM_MOVES) - set(PROBLEM_ROWS) == set(), "problem moves without a row"
    assert set(PROBLEM_ROWS) - set(workflow.PROBLEM_MOVES) == set()
    assert set(INCIDENT_MOVES) == set(workflow.MOVES)
    assert set(PROBLEM_MOVES) == set(workflow.PROBLEM_MOVES)


@pytest.mark.parametrize(
    ("table", "name"),
    [("incident", name) for name in ROWS] + [("problem", name) for name in PROBLEM_ROWS],
)
def test_the_move_table_says_what_the_row_says(table, name):
    expected = (ROWS if table == "incident" else PROBLEM_ROWS)[name]
    move = (workflow.MOVES if table == "incident" else workflow.PROBLEM_MOVES)[name]
    assert (set(move.sources), move.target) == (set(expected.sources), expected.target)


@pytest.mark.parametrize("move", list(ROWS))
def test_each_move_by_each_kind_of_person(move, world):
    """The people in the row make it: it goes where the row says and writes its
    entry; everyone else is refused as not allowed and nothing is written."""
    expected = ROWS[move]
    incident = incident_in(expected.start, world)
    for role in ROLES:
        person = world.people[role]
        with undone():
            before = set(
                CallLogEntry.objects.filter(incident=incident).values_list("pk", flat=True)
            )
            refused = attempt(lambda: INCIDENT_MOVES[move](incident, person, world))  # noqa: B023
            after = Incident.objects.get(pk=incident.pk)
            new = list(
                CallLogEntry.objects.filter(incident=incident).exclude(pk__in=before).order_by("id")
            )
            if role in expected.who:
                assert refused is None, f"{move} by {role}: {refused!r}"
                assert after.status == (expected.target or incident.status), f"{move} by {role}"
                assert new, f"{move} by {role} wrote no entry"
                assert (new[0].event, new[0].actor) == (expected.event, person), role
                assert after.version == incident.version + 1
            else:
                assert isinstance(refused, workflow.NotAllowed), f"{move} by {role}: {refused!r}"
                assert (after.status, after.version, new) == (
                    incident.status,
                    incident.version,
                    [],
                ), f"{move} by {role}"


@pytest.mark.parametrize("move", list(PROBLEM_ROWS))
def test_each_problem_move_by_each_kind_of_person(move, world):
    expected = PROBLEM_ROWS[move]
    problem = problem_in(expected.start, world)
    for role in ROLES:
        person = world.people[role]
        with undone():
            before = set(problem.log.values_list("pk", flat=True))
            refused = attempt(lambda: PROBLEM_MOVES[move](problem, person, world))  # noqa: B023
            after = type(problem).objects.get(pk=problem.pk)
            new = list(
                ProblemLogEntry.objects.filter(problem=problem)
                .exclude(pk__in=before)
                .order_by("id")
            )
            if role in expected.who:
                assert refused is None, f"{move} by {role}: {refused!r}"
                assert after.status == (expected.target or problem.status), f"{move} by {role}"
                assert [(e.event, e.actor) for e in new] == [(expected.event, person)], role
                assert after.version == problem.version + 1
            else:
                assert isinstance(refused, workflow.NotAllowed), f"{move} by {role}: {refused!r}"
                assert (after.status, after.version, new) == (
                    problem.status,
                    problem.version,
                    [],
                ), f"{move} by {role}"


def test_a_closed_consultation_takes_nothing_more(world):
    incident = incident_in("in_progress", world)
    consultation = incident.consultations.get()
    workflow.consultation_update(
        consultation=consultation,
        by=world.technician,
        close=True,
        version=workflow.current_version(incident),
    )
    consultation.refresh_from_db()
    assert not workflow.can(
        world.technician, "consultation_update", incident, consultation=consultation
    )
    with pytest.raises(workflow.InvalidMove, match="That consultation is closed"):
        INCIDENT_MOVES["consultation_update"](incident, world.technician, world)


def test_a_known_error_needs_its_workaround_first(world):
    problem = problem_in("open_without_workaround", world)
    assert not workflow.can_problem(world.technician, "problem_publish_known_error", problem)
    with pytest.raises(workflow.InvalidMove, match="workaround written down first"):
        PROBLEM_MOVES["problem_publish_known_error"](problem, world.technician, world)
    problem.refresh_from_db()
    assert (problem.status, problem.is_known_error) == (P.OPEN, False)


def test_the_call_goes_only_to_the_right_people(world):
    """Handing over to someone off the desk, or passing to someone who is no technician,
    is refused as bad input (a message), not as a forbidden move."""
    incident = incident_in("logged", world)
    with pytest.raises(workflow.InvalidInput, match="is not on the service desk"):
        workflow.incident_hand_over(
            incident=incident,
            by=world.desk,
            to=world.technician,
            version=workflow.current_version(incident),
        )
    with pytest.raises(workflow.InvalidInput, match="is not a technician"):
        workflow.incident_request_technician(
            incident=incident,
            by=world.desk,
            technician=world.reporter,
            version=workflow.current_version(incident),
        )
    after = Incident.objects.get(pk=incident.pk)
    assert (after.owner, after.assignee, after.version) == (
        world.desk,
        None,
        incident.version,
    )


@pytest.mark.parametrize(
    ("move", "state"),
    [
        ("accept", "logged"),
        ("answer", "submitted"),
        ("close", "closed"),
        ("reopen", "in_progress"),
        ("start", "submitted"),
        ("resolve", "submitted"),
        ("request_technician", "submitted"),
    ],
)
def test_move_from_wrong_state_is_refused_and_leaves_nothing(move, state, world):
    incident = incident_in(state, world)
    entries = CallLogEntry.objects.filter(incident=incident).count()
    notifications = Notification.objects.count()
    with pytest.raises(workflow.InvalidMove):
        INCIDENT_MOVES[move](incident, world.admin_user, world)
    incident.refresh_from_db()
    assert incident.status == state
    assert CallLogEntry.objects.filter(incident=incident).count() == entries
    assert Notification.objects.count() == notifications


def test_accept_writes_one_entry_and_one_notification_for_the_reporter(
    incident, desk, reporter, category
):
    before_log = set(CallLogEntry.objects.values_list("pk", flat=True))
    before_tasks = DBTaskResult.objects.count()

    workflow.incident_accept(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        category=category,
        impact=1,
        urgency=1,
    )

    new_entries = CallLogEntry.objects.exclude(pk__in=before_log)
    assert [(e.kind, e.from_status, e.to_status, e.actor) for e in new_entries] == [
        ("status", Status.SUBMITTED, Status.LOGGED, desk)
    ]
    notes = Notification.objects.filter(incident=incident, event="logged")
    assert [n.recipient for n in notes] == [reporter]
    assert DBTaskResult.objects.count() == before_tasks + 1
    incident.refresh_from_db()
    assert incident.priority == 1
    assert incident.owner == desk
    assert incident.responded_at is not None


def test_a_move_that_fails_midway_leaves_neither_log_nor_notification(incident, desk, monkeypatch):
    """The call log and the notifications commit with the change or not at all."""
    from incidents import notifications

    def broken_notify(**kwargs):
        raise RuntimeError("mail queue unavailable")

    monkeypatch.setattr(notifications, "notify", broken_notify)
    entries = CallLogEntry.objects.count()
    with pytest.raises(RuntimeError):
        workflow.incident_return_to_user(
            version=workflow.current_version(incident),
            incident=incident,
            by=desk,
            question="Which printer?",
        )
    incident.refresh_from_db()
    assert incident.status == Status.SUBMITTED
    assert CallLogEntry.objects.count() == entries
    assert Notification.objects.filter(incident=incident, event="more_info_needed").count() == 0


def test_stale_save_gets_a_conflict_and_the_log_shows_one_change(
    incident, desk, admin_user, category
):
    seen_version = incident.version
    workflow.incident_accept(
        incident=incident, by=desk, category=category, impact=2, urgency=2, version=seen_version
    )
    with pytest.raises(workflow.Conflict) as refused:
        workflow.incident_return_to_user(
            incident=incident, by=admin_user, question="Which room?", version=seen_version
        )
    assert "changed by someone else" in str(refused.value)
    incident.refresh_from_db()
    assert incident.status == Status.LOGGED
    assert CallLogEntry.objects.filter(incident=incident, kind="status").count() == 1


def test_technicians_taking_one_pool_call_leave_one_assignee(incident, desk, technician):
    from accounts.roles import Role
    from tests.factories import UserFactory

    workflow.incident_accept(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        category=None,
        impact=2,
        urgency=2,
    )
    workflow.incident_request_technician(
        version=workflow.current_version(incident), incident=incident, by=desk, technician=None
    )
    second = UserFactory(username="tech2", roles=[Role.TECHNICIAN])
    workflow.incident_take(
        version=workflow.current_version(incident), incident=incident, by=technician
    )
    with pytest.raises(workflow.Conflict):
        workflow.incident_take(
            version=workflow.current_version(incident), incident=incident, by=second
        )
    incident.refresh_from_db()
    assert incident.assignee == technician


def test_the_call_log_is_append_only(incident):
    entry = incident.log.first()
    entry.text = "rewritten"
    with pytest.raises(Exception, match="never changed"):
        entry.save()
    with pytest.raises(Exception, match="never deleted"):
        entry.delete()


def test_filing_twice_with_the_same_token_makes_one_incident(reporter, site):
    import uuid

    from tests.factories import SHEET

    token = uuid.uuid4()
    first, created = workflow.incident_file(
        by=reporter, summary="Projector", site=site, sheet=SHEET, submission_token=token
    )
    again, created_again = workflow.incident_file(
        by=reporter, summary="Projector", site=site, sheet=SHEET, submission_token=token
    )
    assert created and not created_again
    assert first.pk == again.pk
    assert Incident.objects.filter(reporter=reporter).count() == 1


def test_reopen_goes_back_to_whoever_resolved_it(world, technician, reporter):
    incident = incident_in("resolved", world)
    workflow.incident_reopen(
        version=workflow.current_version(incident),
        incident=incident,
        by=reporter,
        reason="Still prints blank pages.",
    )
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS
    assert incident.assignee == technician
    assert incident.reopen_count == 1
    told = set(
        Notification.objects.filter(incident=incident, event="reopened").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"tech", "desk"}


def test_reopen_refused_after_the_window(world, reporter, settings):
    from datetime import timedelta

    from django.utils import timezone

    incident = incident_in("resolved", world)
    Incident.objects.filter(pk=incident.pk).update(
        resolved_at=timezone.now() - timedelta(days=settings.REOPEN_WINDOW_DAYS + 1)
    )
    incident.refresh_from_db()
    assert not workflow.can(reporter, "reopen", incident)
    with pytest.raises(workflow.InvalidMove):
        workflow.incident_reopen(
            version=workflow.current_version(incident),
            incident=incident,
            by=reporter,
            reason="Still broken.",
        )
