"""The incident workflow: every state, every allowed move, and who may make it.

Each move is one function, `incident_<verb>(*, incident, by, version, ...)`: it
runs through `core.transition`, which locks the row, checks the move's guards
from the table in `rules` and the version the person was looking at (a stale
copy is a conflict, never a silent overwrite), saves, writes the history entry
and queues the notifications, all in one transaction.

No other code sets `Incident.status` or `Problem.status`.

    submitted ──(desk: incomplete)──▶ awaiting_user ──(user answers)──▶ submitted
    submitted ──(desk: accept & log)──▶ logged ──(desk: request technician)──▶ assigned
    assigned ──(technician starts)──▶ in_progress ◀──▶ on_hold
    logged | assigned | in_progress | on_hold ──(fix or workaround)──▶ resolved
    resolved ──(desk closes, user told)──▶ closed
    closed ──(desk: sheet put in the paper file)──▶ closed, filed (once)
    awaiting_approval ──(approver: approve)──▶ submitted   (a request that needs approval)
    awaiting_approval ──(approver: decline, with the reason)──▶ closed
    resolved ──(user: not fixed)──▶ in_progress
    any open ──(user: it works again)──▶ flagged for closure (no change of state)

Modules: `rules` (the move table and `can`), `core` (the transition helper),
`clock` (the target clock), then one module per stage.
"""

from .closure import (
    incident_close,
    incident_mark_filed,
    incident_reopen,
    incident_working_again,
)
from .communication import (
    incident_add_note,
    incident_attach,
    incident_link_article,
    incident_mark_read,
    incident_message_reporter,
    incident_reporter_reply,
)
from .consultations import consultation_open, consultation_update
from .core import current_version
from .errors import Conflict, InvalidInput, InvalidMove, NotAllowed, WorkflowError
from .filing import incident_file
from .mail import (
    incident_complete_sheet,
    incident_file_by_email,
    incident_refuse_attachments,
    incident_reply_after_closure,
)
from .problems import (
    problem_close,
    problem_escalate,
    problem_investigate,
    problem_open,
    problem_publish_known_error,
    problem_resolve,
    problem_update,
)
from .requests import answer_lines, request_approve, request_decline, request_file
from .rules import (
    ACTIVE,
    MOVES,
    OPEN,
    PROBLEM_MOVES,
    WORKING,
    Move,
    allowed_moves,
    answer_move,
    can,
    can_problem,
    problem_moves,
    refusal,
    within_reopen_window,
)
from .triage import (
    incident_accept,
    incident_answer,
    incident_answer_hold,
    incident_hand_over,
    incident_request_technician,
    incident_return_to_user,
    incident_set_priority,
    incident_take_ownership,
    incident_update_details,
)
from .work import (
    incident_diagnose,
    incident_hold,
    incident_record_cause,
    incident_resolve,
    incident_start,
    incident_take,
)

__all__ = [
    "ACTIVE",
    "MOVES",
    "OPEN",
    "PROBLEM_MOVES",
    "WORKING",
    "Conflict",
    "InvalidInput",
    "InvalidMove",
    "Move",
    "NotAllowed",
    "WorkflowError",
    "allowed_moves",
    "answer_lines",
    "answer_move",
    "can",
    "can_problem",
    "consultation_open",
    "consultation_update",
    "current_version",
    "incident_accept",
    "incident_add_note",
    "incident_answer",
    "incident_answer_hold",
    "incident_attach",
    "incident_close",
    "incident_complete_sheet",
    "incident_diagnose",
    "incident_file",
    "incident_file_by_email",
    "incident_hand_over",
    "incident_hold",
    "incident_link_article",
    "incident_mark_filed",
    "incident_mark_read",
    "incident_message_reporter",
    "incident_record_cause",
    "incident_refuse_attachments",
    "incident_reopen",
    "incident_reply_after_closure",
    "incident_reporter_reply",
    "incident_request_technician",
    "incident_resolve",
    "incident_return_to_user",
    "incident_set_priority",
    "incident_start",
    "incident_take",
    "incident_take_ownership",
    "incident_update_details",
    "incident_working_again",
    "problem_close",
    "problem_escalate",
    "problem_investigate",
    "problem_moves",
    "problem_open",
    "problem_publish_known_error",
    "problem_resolve",
    "problem_update",
    "refusal",
    "request_approve",
    "request_decline",
    "request_file",
    "within_reopen_window",
]
