"""Who may make which move, from which states, on which conditions: the move table.

Both `can` (the flags pages show) and the moves themselves (through
`core.transition`) read the guards from here; nothing else decides.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts import roles
from incidents.models import (
    ACTIVE_STATUSES,
    ALL_PROBLEM_STATUSES,
    ALL_STATUSES,
    OPEN_STATUSES,
    PROBLEM_OPEN_STATUSES,
    TECHNICIAN_STATUSES,
    UNLOGGED_STATUSES,
    WORKING_STATUSES,
    ConsultationStatus,
    HoldReason,
    Incident,
    Problem,
    ProblemStatus,
    Status,
)

from .errors import Conflict, InvalidMove, NotAllowed, WorkflowError

# The sets of states (defined in `incidents.models.states`) as the move table's sources.
OPEN = frozenset(OPEN_STATUSES)
ACTIVE = frozenset(ACTIVE_STATUSES)
WORKING = frozenset(WORKING_STATUSES)
EVERY = frozenset(ALL_STATUSES)
PROBLEM_OPEN = frozenset(PROBLEM_OPEN_STATUSES)

Who = Callable[[Any, Any], bool]
# A guard returns the refusal to raise, or None when the move may go ahead. It gets
# the person, the record, the time, and by keyword the other records the move acts
# on (a consultation of the incident), locked like the record itself.
Guard = Callable[..., WorkflowError | None]


def holds(user: Any, role: str, obj: Any) -> bool:
    """The person holds the role where the record belongs: the incident's school, or
    the problem's school (its organisation when it is shared)."""
    return roles.has_role_in(
        user,
        role,
        school=getattr(obj, "school_id", None),
        organisation=getattr(obj, "organisation_id", None),
    )


def _desk(user: Any, obj: Any) -> bool:
    return holds(user, roles.Role.DESK, obj)


def _technician(user: Any, obj: Any) -> bool:
    return holds(user, roles.Role.TECHNICIAN, obj)


def _support(user: Any, obj: Any) -> bool:
    return _desk(user, obj) or _technician(user, obj)


def _reporter(user: Any, incident: Incident) -> bool:
    return user.pk == incident.reporter_id


def _reporter_or_support(user: Any, incident: Incident) -> bool:
    return _reporter(user, incident) or _support(user, incident)


def _reporter_or_desk(user: Any, incident: Incident) -> bool:
    return _reporter(user, incident) or _desk(user, incident)


def _approver(user: Any, incident: Incident) -> bool:
    """The person named to approve the request (no one else, not even the desk); a
    support admin stands in only when that person's account is no longer active, so a
    request never waits for someone who has left."""
    if incident.approver_id is None:
        return False
    if user.pk == incident.approver_id:
        return True
    return roles.is_support_admin(user) and not incident.approver.is_active


def within_reopen_window(incident: Incident, now: datetime | None = None) -> bool:
    if incident.resolved_at is None:
        return False
    now = now or timezone.now()
    return now - incident.resolved_at <= timedelta(days=settings.REOPEN_WINDOW_DAYS)


def reopen_window(user: Any, incident: Incident, now: datetime, **_: Any) -> WorkflowError | None:
    """The user may say "not fixed" within the window; the desk at any time."""
    if _desk(user, incident) or within_reopen_window(incident, now):
        return None
    return InvalidMove(
        f"It is more than {settings.REOPEN_WINDOW_DAYS} days since it was resolved: "
        "please file a new incident sheet."
    )


def inside_reopen_window(
    user: Any, incident: Incident, now: datetime, **_: Any
) -> WorkflowError | None:
    """A reply to a closed call is taken on it only within the reopen window."""
    if within_reopen_window(incident, now):
        return None
    return InvalidMove(
        f"It is more than {settings.REOPEN_WINDOW_DAYS} days since it was resolved: "
        "please file a new incident sheet."
    )


def working_again_once(
    user: Any, incident: Incident, now: datetime, **_: Any
) -> WorkflowError | None:
    if incident.working_again_at is None:
        return None
    return InvalidMove("The service desk already knows it is working again.")


def by_the_assignee(user: Any, incident: Incident, now: datetime, **_: Any) -> WorkflowError | None:
    """Work is started by the assigned technician (or anyone from the pool, or the desk)."""
    if incident.assignee_id in (None, user.pk) or _desk(user, incident):
        return None
    return NotAllowed(f"{incident.reference} is assigned to {incident.assignee}.")


def on_their_call(user: Any, incident: Incident, now: datetime, **_: Any) -> WorkflowError | None:
    """The service desk is the single point of contact: a technician works on a call
    once the desk has logged it and passed it to them (or they took it from the pool).
    The desk may act on any call; the reporter is not a technician and passes."""
    if not _technician(user, incident) or _desk(user, incident):
        return None
    if incident.status in UNLOGGED_STATUSES:
        return NotAllowed(
            f"{incident.reference} has not been logged by the service desk yet: "
            "the desk checks the sheet before a technician works on it."
        )
    if incident.assignee_id == user.pk:
        return None
    if incident.assignee_id is None:
        return NotAllowed(
            f"{incident.reference} has not been passed to you: take it from the pool first, "
            "or ask the service desk for it."
        )
    return NotAllowed(f"{incident.reference} is assigned to {incident.assignee}.")


def waiting_for_the_user(
    user: Any, incident: Incident, now: datetime, **_: Any
) -> WorkflowError | None:
    """Only a hold for the user's answer is ended by their answer."""
    if incident.hold_reason == HoldReason.USER:
        return None
    return InvalidMove(f"{incident.reference} is not waiting for an answer from the user.")


def answer_move(incident: Incident) -> str:
    """The move a user's answer makes: back to the desk, or the end of a hold for them."""
    return "answer_hold" if incident.status == Status.ON_HOLD else "answer"


def from_the_pool(user: Any, incident: Incident, now: datetime, **_: Any) -> WorkflowError | None:
    """Only a call nobody has taken can be taken: whoever comes second is told."""
    if incident.assignee_id is None:
        return None
    return Conflict(incident)


def consultation_not_closed(
    user: Any, incident: Incident, now: datetime, *, consultation: Any = None, **_: Any
) -> WorkflowError | None:
    """A closed consultation is finished: nothing more is recorded on it."""
    if consultation is None or consultation.status != ConsultationStatus.CLOSED:
        return None
    return InvalidMove("That consultation is closed.")


def not_filed_yet(user: Any, incident: Incident, now: datetime, **_: Any) -> WorkflowError | None:
    """A closed sheet goes into the paper file once."""
    if incident.filed_away_at is None:
        return None
    return InvalidMove(f"{incident.reference} is already filed.")


def approved_first(user: Any, incident: Incident, now: datetime, **_: Any) -> WorkflowError | None:
    """A request waiting for its approver is not worked on (nor closed) before they
    say yes; a no closes it."""
    if incident.status != Status.AWAITING_APPROVAL:
        return None
    return InvalidMove(
        f"{incident.reference} is waiting for approval by {incident.approver}: "
        "nothing is done on it before then."
    )


def not_a_request(user: Any, incident: Incident, now: datetime, **_: Any) -> WorkflowError | None:
    """Problem management is about the causes of incidents: a request never becomes one."""
    if not incident.is_request:
        return None
    return InvalidMove(
        f"{incident.reference} is a service request, not an incident: "
        "requests are never turned into a problem."
    )


def something_broken(
    user: Any, incident: Incident, now: datetime, **_: Any
) -> WorkflowError | None:
    """ "It's working again" is said of an incident; a request has nothing that broke."""
    if not incident.is_request:
        return None
    return InvalidMove(
        f"{incident.reference} is a service request: there is nothing to say works again."
    )


def workaround_written(
    user: Any, problem: Problem, now: datetime, **_: Any
) -> WorkflowError | None:
    """A known error is published with its workaround: it must be written down first."""
    if problem.workaround.strip():
        return None
    return InvalidMove("A known error needs its workaround written down first.")


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str]
    who: Who
    target: str | None = None  # None: the state does not change
    guards: tuple[Guard, ...] = ()


def _table(*moves: Move) -> dict[str, Move]:
    return {move.name: move for move in moves}


MOVES: dict[str, Move] = _table(
    # A request that needs approval: only its named approver decides.
    Move("approve", frozenset({Status.AWAITING_APPROVAL}), _approver, Status.SUBMITTED),
    Move("decline", frozenset({Status.AWAITING_APPROVAL}), _approver, Status.CLOSED),
    Move(
        "return_to_user", frozenset({Status.SUBMITTED, Status.LOGGED}), _desk, Status.AWAITING_USER
    ),
    Move("answer", frozenset({Status.AWAITING_USER}), _reporter_or_desk, Status.SUBMITTED),
    Move(
        "answer_hold",
        frozenset({Status.ON_HOLD}),
        _reporter_or_desk,
        Status.IN_PROGRESS,
        guards=(waiting_for_the_user,),
    ),
    Move("accept", frozenset({Status.SUBMITTED}), _desk, Status.LOGGED),
    Move("update_details", OPEN, _desk),
    Move("take_ownership", OPEN, _desk),
    Move("hand_over", OPEN, _desk),
    Move("request_technician", WORKING, _desk, Status.ASSIGNED),
    Move(
        "take",
        frozenset(TECHNICIAN_STATUSES),
        _technician,
        guards=(from_the_pool,),
    ),
    Move(
        "start",
        frozenset({Status.ASSIGNED, Status.ON_HOLD}),
        _support,
        Status.IN_PROGRESS,
        guards=(by_the_assignee,),
    ),
    Move(
        "hold",
        frozenset({Status.ASSIGNED, Status.IN_PROGRESS}),
        _support,
        Status.ON_HOLD,
        guards=(on_their_call,),
    ),
    Move("diagnose", OPEN, _support, guards=(on_their_call, approved_first)),
    Move("record_cause", OPEN, _support, guards=(on_their_call, approved_first)),
    Move("resolve", WORKING, _support, Status.RESOLVED, guards=(on_their_call,)),
    Move("close", OPEN, _desk, Status.CLOSED, guards=(approved_first,)),
    # The closed sheet put in the paper file (not the user's filing of a new sheet).
    Move("mark_filed", frozenset({Status.CLOSED}), _desk, guards=(not_filed_yet,)),
    Move(
        "reopen",
        frozenset({Status.RESOLVED}),
        _reporter_or_desk,
        Status.IN_PROGRESS,
        guards=(reopen_window,),
    ),
    Move(
        "working_again",
        ACTIVE,
        _reporter_or_desk,
        guards=(something_broken, working_again_once),
    ),
    Move("message_reporter", OPEN, _support, guards=(on_their_call,)),
    Move("reporter_reply", OPEN, _reporter),
    # The reporter's e-mail to a closed call, within the reopen window.
    Move(
        "reply_after_closure", frozenset({Status.CLOSED}), _reporter, guards=(inside_reopen_window,)
    ),
    # Attachments of the reporter's e-mail that are not pictures: noted, not kept.
    Move("refuse_attachments", EVERY, _reporter),
    # The reporter completes the sheet of a call sent by e-mail before it is logged.
    Move("complete_sheet", frozenset({Status.SUBMITTED, Status.AWAITING_USER}), _reporter),
    Move("note", EVERY, _support),
    Move("attach", OPEN, _reporter_or_support, guards=(on_their_call,)),
    Move("link_article", OPEN, _desk),
    # Also after closure: the desk's follow-up into problem management.
    Move("link_problem", EVERY, _support, guards=(on_their_call, not_a_request)),
    Move("consult", ACTIVE, _support, guards=(on_their_call, approved_first)),
    Move(
        "consultation_update",
        EVERY,
        _support,
        guards=(on_their_call, consultation_not_closed),
    ),
)

PROBLEM_MOVES: dict[str, Move] = _table(
    Move("problem_update", frozenset(ALL_PROBLEM_STATUSES), _support),
    Move(
        "problem_investigate",
        frozenset({ProblemStatus.OPEN}),
        _support,
        ProblemStatus.INVESTIGATING,
    ),
    Move(
        "problem_publish_known_error",
        PROBLEM_OPEN,
        _support,
        ProblemStatus.KNOWN_ERROR,
        guards=(workaround_written,),
    ),
    Move("problem_link_incident", PROBLEM_OPEN, _support),
    Move("problem_resolve", PROBLEM_OPEN, _support, ProblemStatus.RESOLVED),
    Move("problem_close", frozenset({ProblemStatus.RESOLVED}), _support, ProblemStatus.CLOSED),
)


def refusal(
    move: Move, user: Any, obj: Any, now: datetime | None = None, **subjects: Any
) -> WorkflowError | None:
    """Why the person may not make the move now (None: they may), checked in order:
    who, the state, then the move's own guards (given `subjects`, the other records
    the move acts on)."""
    if not move.who(user, obj):
        return NotAllowed("You are not allowed to do that.")
    if obj.status not in move.sources:
        return InvalidMove(
            f"{obj.reference} is {obj.get_status_display().lower()}: that cannot be done now."
        )
    now = now or timezone.now()
    for guard in move.guards:
        refused = guard(user, obj, now, **subjects)
        if refused is not None:
            return refused
    return None


def can(user: Any, move_name: str, incident: Incident, **subjects: Any) -> bool:
    """Whether the person may make the move now: the flag views pass to templates."""
    return refusal(MOVES[move_name], user, incident, **subjects) is None


def allowed_moves(user: Any, incident: Incident) -> dict[str, bool]:
    return {name: can(user, name, incident) for name in MOVES}


def can_problem(user: Any, move_name: str, problem: Problem) -> bool:
    """Whether the person may make the problem move now."""
    return refusal(PROBLEM_MOVES[move_name], user, problem) is None


def problem_moves(user: Any, problem: Problem) -> dict[str, bool]:
    return {
        name.removeprefix("problem_"): can_problem(user, name, problem) for name in PROBLEM_MOVES
    }
