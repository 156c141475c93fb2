"""Every move of the workflow, for every role, allowed and forbidden — from one table."""

import pytest
from django_tasks_db.models import DBTaskResult

from incidents import workflow
from incidents.models import (
    CallLogEntry,
    ClosureCode,
    Incident,
    Notification,
    ResolutionKind,
    Status,
)
from tests.factories import CategoryFactory


def _to(incident, status, desk, technician):
    """Walk an incident through the workflow to the given state."""
    if status == Status.SUBMITTED:
        return incident
    if status == Status.AWAITING_USER:
        return workflow.incident_return_to_user(
            version=workflow.current_version(incident),
            incident=incident,
            by=desk,
            question="Which room?",
        )
    incident = workflow.incident_accept(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        category=CategoryFactory(),
        impact=2,
        urgency=2,
    )
    if status == Status.LOGGED:
        return incident
    incident = workflow.incident_request_technician(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        technician=technician,
    )
    if status == Status.ASSIGNED:
        return incident
    incident = workflow.incident_start(
        version=workflow.current_version(incident), incident=incident, by=technician
    )
    if status == Status.IN_PROGRESS:
        return incident
    if status == Status.ON_HOLD:
        return workflow.incident_hold(
            version=workflow.current_version(incident),
            incident=incident,
            by=technician,
            reason="parts",
        )
    incident = workflow.incident_resolve(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        resolution="New toner.",
    )
    if status == Status.RESOLVED:
        return incident
    return workflow.incident_close(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        code=ClosureCode.FIXED,
    )


# move, the state it starts from, the state it ends in, the roles allowed to make it.
MOVES = [
    ("return_to_user", Status.SUBMITTED, Status.AWAITING_USER, {"desk", "admin"}),
    ("answer", Status.AWAITING_USER, Status.SUBMITTED, {"reporter", "desk", "admin"}),
    ("accept", Status.SUBMITTED, Status.LOGGED, {"desk", "admin"}),
    ("request_technician", Status.LOGGED, Status.ASSIGNED, {"desk", "admin"}),
    ("start", Status.ASSIGNED, Status.IN_PROGRESS, {"technician", "desk", "admin"}),
    ("hold", Status.IN_PROGRESS, Status.ON_HOLD, {"technician", "desk", "admin"}),
    ("resume", Status.ON_HOLD, Status.IN_PROGRESS, {"technician", "desk", "admin"}),
    ("resolve", Status.IN_PROGRESS, Status.RESOLVED, {"technician", "desk", "admin"}),
    ("close", Status.RESOLVED, Status.CLOSED, {"desk", "admin"}),
    ("reopen", Status.RESOLVED, Status.IN_PROGRESS, {"reporter", "desk", "admin"}),
    ("working_again", Status.ASSIGNED, Status.ASSIGNED, {"reporter", "desk", "admin"}),
]
ROLES = ["reporter", "other_reporter", "desk", "technician", "admin"]


def _make(move, incident, by, desk, technician):
    call = {
        "return_to_user": lambda: workflow.incident_return_to_user(
            version=workflow.current_version(incident),
            incident=incident,
            by=by,
            question="Which room?",
        ),
        "answer": lambda: workflow.incident_answer(
            version=workflow.current_version(incident), incident=incident, by=by, answer="Room 12."
        ),
        "accept": lambda: workflow.incident_accept(
            version=workflow.current_version(incident),
            incident=incident,
            by=by,
            category=None,
            impact=1,
            urgency=2,
        ),
        "request_technician": lambda: workflow.incident_request_technician(
            version=workflow.current_version(incident),
            incident=incident,
            by=by,
            technician=technician,
        ),
        "start": lambda: workflow.incident_start(
            version=workflow.current_version(incident), incident=incident, by=by
        ),
        "hold": lambda: workflow.incident_hold(
            version=workflow.current_version(incident), incident=incident, by=by, reason="supplier"
        ),
        "resume": lambda: workflow.incident_start(
            version=workflow.current_version(incident), incident=incident, by=by
        ),
        "resolve": lambda: workflow.incident_resolve(
            version=workflow.current_version(incident),
            incident=incident,
            by=by,
            resolution="Reseated the cable.",
            kind=ResolutionKind.FIX,
        ),
        "close": lambda: workflow.incident_close(
            version=workflow.current_version(incident),
            incident=incident,
            by=by,
            code=ClosureCode.FIXED,
        ),
        "reopen": lambda: workflow.incident_reopen(
            version=workflow.current_version(incident),
            incident=incident,
            by=by,
            reason="Still blank pages.",
        ),
        "working_again": lambda: workflow.incident_working_again(
            version=workflow.current_version(incident), incident=incident, by=by, note="Fine now."
        ),
    }
    return call[move]()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("move", "start", "end", "allowed"), MOVES, ids=[m[0] for m in MOVES])
def test_move_for_role(request, move, start, end, allowed, role, incident, desk, technician):
    incident = _to(incident, start, desk, technician)
    person = request.getfixturevalue("admin_user" if role == "admin" else role)
    entries_before = CallLogEntry.objects.filter(incident=incident).count()

    if role in allowed:
        _make(move, incident, person, desk, technician)
        incident.refresh_from_db()
        assert incident.status == end
        assert CallLogEntry.objects.filter(incident=incident).count() > entries_before
    else:
        with pytest.raises(workflow.NotAllowed):
            _make(move, incident, person, desk, technician)
        incident.refresh_from_db()
        assert incident.status == start
        assert CallLogEntry.objects.filter(incident=incident).count() == entries_before


@pytest.mark.parametrize(
    ("move", "state"),
    [
        ("accept", Status.LOGGED),
        ("answer", Status.SUBMITTED),
        ("close", Status.CLOSED),
        ("reopen", Status.IN_PROGRESS),
        ("start", Status.SUBMITTED),
        ("resolve", Status.SUBMITTED),
        ("request_technician", Status.SUBMITTED),
    ],
)
def test_move_from_wrong_state_is_refused_and_leaves_nothing(
    move, state, incident, desk, technician, admin_user
):
    incident = _to(incident, state, desk, technician)
    entries = CallLogEntry.objects.filter(incident=incident).count()
    notifications = Notification.objects.count()
    with pytest.raises(workflow.InvalidMove):
        _make(move, incident, admin_user, desk, technician)
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


def test_reopen_goes_back_to_whoever_resolved_it(incident, desk, technician, reporter):
    incident = _to(incident, Status.RESOLVED, desk, technician)
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


def test_reopen_refused_after_the_window(incident, desk, technician, reporter, settings):
    from datetime import timedelta

    from django.utils import timezone

    incident = _to(incident, Status.RESOLVED, desk, technician)
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
