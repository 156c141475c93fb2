"""Putting an incident or a problem in any state, and making any move on it with
arguments that are always acceptable: what the move-table tests need.

A move's refusal then comes only from the move table (who, the state, the guards),
never from what it was given.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from incidents import workflow
from incidents.models import (
    ClosureCode,
    Consultation,
    Incident,
    KnowledgeArticle,
    Problem,
    ResolutionKind,
    Status,
)
from tests.factories import (
    CategoryFactory,
    SupportGroupFactory,
    UserFactory,
    file_incident,
    file_request,
    request_type,
)

# The kinds of person: the fixtures of tests/conftest.py, and a second technician.
ROLES = ("reporter", "other_reporter", "desk", "technician", "other_technician", "admin_user")

# The states an incident is put in; "pool" is assigned to nobody yet.
INCIDENT_STATES = (
    "awaiting_approval",
    "submitted",
    "awaiting_user",
    "logged",
    "assigned",
    "pool",
    "in_progress",
    "on_hold",
    "on_hold_for_user",
    "resolved",
    "closed",
)
PROBLEM_STATES = (
    "open",
    "open_without_workaround",
    "investigating",
    "known_error",
    "resolved",
    "closed",
)


@dataclass
class World:
    """The cast, and what some moves need besides the incident."""

    people: dict[str, Any]
    site: Any
    other_desk: Any
    group: Any
    article: KnowledgeArticle
    request_type: Any = None

    def __getattr__(self, name: str) -> Any:
        try:
            return self.people[name]
        except KeyError:
            raise AttributeError(name) from None


def make_world(request, site) -> World:
    from accounts.roles import Role

    people = {role: request.getfixturevalue(role) for role in ROLES if role != "other_technician"}
    people["other_technician"] = UserFactory(username="tech2", roles=[Role.TECHNICIAN])
    article = KnowledgeArticle.objects.create(
        title="Blank pages",
        symptoms="Blank pages",
        body="Shake the toner.",
        created_by=people["desk"],
    )
    return World(
        people=people,
        site=site,
        other_desk=UserFactory(username="desk2", roles=[Role.DESK]),
        group=SupportGroupFactory(name="Printer supplier"),
        article=article,
        # A request type the other reporter (the head teacher, say) approves.
        request_type=request_type(name="New account", approver=people["other_reporter"]),
    )


def _v(obj: Any) -> int:
    return workflow.current_version(obj)


def incident_in(state: str, world: World) -> Incident:
    """A new incident walked through the workflow to `state`, with a consultation
    (opened straight in the table) for the moves on consultations."""
    desk, technician = world.desk, world.technician
    if state == "awaiting_approval":
        made = file_request(world.reporter, world.request_type, site=world.site)
        Consultation.objects.create(
            incident=made, group=world.group, reason="Licence", opened_by=technician
        )
        return Incident.objects.get(pk=made.pk)
    incident = file_incident(world.reporter, site=world.site)
    Consultation.objects.create(
        incident=incident, group=world.group, reason="Toner supply", opened_by=technician
    )
    if state == "awaiting_user":
        workflow.incident_return_to_user(
            incident=incident, by=desk, question="Which room?", version=_v(incident)
        )
    if state in ("submitted", "awaiting_user"):
        return Incident.objects.get(pk=incident.pk)
    workflow.incident_accept(
        incident=incident, by=desk, category=None, impact=2, urgency=2, version=_v(incident)
    )
    if state == "logged":
        return Incident.objects.get(pk=incident.pk)
    workflow.incident_request_technician(
        incident=incident,
        by=desk,
        technician=None if state == "pool" else technician,
        version=_v(incident),
    )
    if state in ("assigned", "pool"):
        return Incident.objects.get(pk=incident.pk)
    workflow.incident_start(incident=incident, by=technician, version=_v(incident))
    if state in ("on_hold", "on_hold_for_user"):
        workflow.incident_hold(
            incident=incident,
            by=technician,
            reason="user" if state == "on_hold_for_user" else "parts",
            version=_v(incident),
        )
    if state in ("in_progress", "on_hold", "on_hold_for_user"):
        return Incident.objects.get(pk=incident.pk)
    workflow.incident_resolve(
        incident=incident, by=technician, resolution="New toner.", version=_v(incident)
    )
    if state == "closed":
        workflow.incident_close(
            incident=incident, by=desk, code=ClosureCode.FIXED, version=_v(incident)
        )
    return Incident.objects.get(pk=incident.pk)


def consultation_of(incident: Incident) -> Consultation:
    return Consultation.objects.get(incident=incident)


def subjects_for(move: str, incident: Incident) -> dict[str, Any]:
    """The other records a move acts on, for `workflow.can`."""
    return {"consultation": consultation_of(incident)} if move == "consultation_update" else {}


# Each incident move, made by `by` with arguments it always accepts.
INCIDENT_MOVES: dict[str, Callable[[Incident, Any, World], Any]] = {
    "approve": lambda i, by, w: workflow.request_approve(
        incident=i, by=by, note="Yes, go ahead.", version=_v(i)
    ),
    "decline": lambda i, by, w: workflow.request_decline(
        incident=i, by=by, reason="Not in this year's budget.", version=_v(i)
    ),
    "return_to_user": lambda i, by, w: workflow.incident_return_to_user(
        incident=i, by=by, question="Which room?", version=_v(i)
    ),
    "answer": lambda i, by, w: workflow.incident_answer(
        incident=i, by=by, answer="Room 12.", version=_v(i)
    ),
    "answer_hold": lambda i, by, w: workflow.incident_answer_hold(
        incident=i, by=by, answer="Room 12 is free after 3pm.", version=_v(i)
    ),
    "accept": lambda i, by, w: workflow.incident_accept(
        incident=i, by=by, category=None, impact=1, urgency=2, version=_v(i)
    ),
    "update_details": lambda i, by, w: workflow.incident_update_details(
        incident=i, by=by, summary="Printer in room 12 prints blank pages", version=_v(i)
    ),
    "take_ownership": lambda i, by, w: workflow.incident_take_ownership(
        incident=i, by=by, version=_v(i)
    ),
    "hand_over": lambda i, by, w: workflow.incident_hand_over(
        incident=i, by=by, to=w.other_desk, version=_v(i)
    ),
    "request_technician": lambda i, by, w: workflow.incident_request_technician(
        incident=i, by=by, technician=w.technician, note="Bring toner", version=_v(i)
    ),
    "take": lambda i, by, w: workflow.incident_take(incident=i, by=by, version=_v(i)),
    "start": lambda i, by, w: workflow.incident_start(incident=i, by=by, version=_v(i)),
    "hold": lambda i, by, w: workflow.incident_hold(
        incident=i, by=by, reason="supplier", note="Part ordered", version=_v(i)
    ),
    "diagnose": lambda i, by, w: workflow.incident_diagnose(
        incident=i, by=by, action_taken="Printed a test page", result="Blank", version=_v(i)
    ),
    "record_cause": lambda i, by, w: workflow.incident_record_cause(
        incident=i, by=by, cause="Empty toner", parts_used="Toner", version=_v(i)
    ),
    "resolve": lambda i, by, w: workflow.incident_resolve(
        incident=i, by=by, resolution="New toner.", kind=ResolutionKind.FIX, version=_v(i)
    ),
    "close": lambda i, by, w: workflow.incident_close(
        incident=i,
        by=by,
        code=ClosureCode.FIXED,
        resolution="New toner.",
        category=CategoryFactory(name="Printing"),  # logged as it is closed, if never logged
        channel="phone",
        version=_v(i),
    ),
    "mark_filed": lambda i, by, w: workflow.incident_mark_filed(incident=i, by=by, version=_v(i)),
    "reopen": lambda i, by, w: workflow.incident_reopen(
        incident=i, by=by, reason="Still blank pages.", version=_v(i)
    ),
    "working_again": lambda i, by, w: workflow.incident_working_again(
        incident=i, by=by, note="Fine now.", version=_v(i)
    ),
    "message_reporter": lambda i, by, w: workflow.incident_message_reporter(
        incident=i, by=by, text="We are on it.", version=_v(i)
    ),
    "reporter_reply": lambda i, by, w: workflow.incident_reporter_reply(
        incident=i, by=by, text="It is making a noise now.", version=_v(i)
    ),
    "reply_after_closure": lambda i, by, w: workflow.incident_reply_after_closure(
        incident=i, by=by, text="It stopped again.", version=_v(i)
    ),
    "refuse_attachments": lambda i, by, w: workflow.incident_refuse_attachments(
        incident=i, by=by, names=["invoice.pdf"], version=_v(i)
    ),
    "complete_sheet": lambda i, by, w: workflow.incident_complete_sheet(
        incident=i, by=by, answers={"checked": "The cable, twice."}, version=_v(i)
    ),
    "note": lambda i, by, w: workflow.incident_add_note(
        incident=i, by=by, text="Checked the cable.", version=_v(i)
    ),
    "attach": lambda i, by, w: workflow.incident_attach(
        incident=i,
        by=by,
        photos=[
            {
                "file": "incidents/grid.png",
                "original_name": "error.png",
                "content_type": "image/png",
                "size": 10,
            }
        ],
        version=_v(i),
    ),
    "link_article": lambda i, by, w: workflow.incident_link_article(
        incident=i, by=by, article=w.article, fix_applied=True, version=_v(i)
    ),
    "link_problem": lambda i, by, w: workflow.problem_escalate(
        incident=i, by=by, workaround="Use the office printer", title="Toner", version=_v(i)
    ),
    "consult": lambda i, by, w: workflow.consultation_open(
        incident=i, by=by, group=w.group, reason="Warranty", version=_v(i)
    ),
    "consultation_update": lambda i, by, w: workflow.consultation_update(
        consultation=consultation_of(i), by=by, answer="Sending a part.", version=_v(i)
    ),
}


def problem_in(state: str, world: World) -> Problem:
    """A new problem walked through its moves to `state`."""
    technician = world.technician
    problem = workflow.problem_open(
        by=technician,
        title="Toner runs out in a week",
        description="Every laser printer",
        workaround="" if state == "open_without_workaround" else "Use the office printer",
    )
    if state == "investigating":
        workflow.problem_investigate(problem=problem, by=technician, version=_v(problem))
    if state == "known_error":
        workflow.problem_publish_known_error(problem=problem, by=technician, version=_v(problem))
    if state in ("resolved", "closed"):
        workflow.problem_resolve(
            problem=problem, by=technician, resolution="New supplier.", version=_v(problem)
        )
    if state == "closed":
        workflow.problem_close(problem=problem, by=technician, version=_v(problem))
    return Problem.objects.get(pk=problem.pk)


def _link_incident(problem: Problem, by: Any, world: World) -> Problem:
    from accounts import roles

    incident = file_incident(world.reporter, site=world.site, summary="Blank pages again")
    # Logged and passed to the person (a technician works only on calls passed to them).
    INCIDENT_MOVES["accept"](incident, world.desk, world)
    if roles.is_technician(by):
        workflow.incident_request_technician(
            incident=incident, by=world.desk, technician=by, version=_v(incident)
        )
    return workflow.problem_escalate(
        incident=incident, by=by, problem=problem, workaround="Use cable", version=_v(incident)
    )


PROBLEM_MOVES: dict[str, Callable[[Problem, Any, World], Any]] = {
    "problem_update": lambda p, by, w: workflow.problem_update(
        problem=p, by=by, root_cause="A faulty batch of toner", version=_v(p)
    ),
    "problem_investigate": lambda p, by, w: workflow.problem_investigate(
        problem=p, by=by, version=_v(p)
    ),
    "problem_publish_known_error": lambda p, by, w: workflow.problem_publish_known_error(
        problem=p, by=by, symptoms="Blank pages", version=_v(p)
    ),
    "problem_link_incident": _link_incident,
    "problem_resolve": lambda p, by, w: workflow.problem_resolve(
        problem=p, by=by, resolution="New supplier.", version=_v(p)
    ),
    "problem_close": lambda p, by, w: workflow.problem_close(problem=p, by=by, version=_v(p)),
}


@contextmanager
def undone() -> Iterator[None]:
    """Whatever happens inside is rolled back, so one record serves many attempts."""
    savepoint = transaction.savepoint_create()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def attempt(make: Callable[[], Any]) -> workflow.WorkflowError | None:
    """Make a move: None when it went through, else the refusal it raised."""
    try:
        make()
    except workflow.WorkflowError as error:
        return error
    return None


STATUS_OF_STATE = {
    "pool": Status.ASSIGNED,
    "on_hold_for_user": Status.ON_HOLD,
    "open_without_workaround": "open",
}
