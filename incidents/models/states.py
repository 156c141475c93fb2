"""The states of a call and of a problem, the sets of them the code asks about, and
the words and badge colours each kind of person sees: defined here once.

Everything else imports from here (through `incidents.models`): a module that
writes its own list of states, or a template that picks a state's words or colour,
is a second home for a rule and fails `tests/test_states.py`.

- **open**: not closed: the desk still owns it (the queue's "All open").
- **active**: not resolved or closed: someone still has to act, and the target clock
  runs (or is paused).
- **working**: logged and not yet resolved: the states a fix or a workaround can be
  recorded in, and a technician be asked for.
- **technician's work**: passed to technicians: in the pool, being worked on, on hold.
- **waiting for a technician**: logged or passed to the pool; with no assignee yet,
  no technician has it.
"""

from enum import StrEnum

from django.db import models

# "Waiting for the user", said the one way wherever staff see it: the state, and the
# reason a call is on hold.
WAITING_FOR_USER = "Waiting for the user"


class Status(models.TextChoices):
    """A call's state. The labels are the words staff see (the admin, the queue, the
    call log); the reporter's words are `REPORTER_LABELS`."""

    AWAITING_APPROVAL = "awaiting_approval", "Waiting for approval"
    SUBMITTED = "submitted", "Submitted"
    AWAITING_USER = "awaiting_user", WAITING_FOR_USER
    LOGGED = "logged", "Logged"
    ASSIGNED = "assigned", "Technician requested"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class HoldReason(models.TextChoices):
    SUPPLIER = "supplier", "Waiting for a supplier or third party"
    PARTS = "parts", "Waiting for parts"
    USER = "user", WAITING_FOR_USER
    OTHER = "other", "Other"


class ProblemStatus(models.TextChoices):
    OPEN = "open", "Open"
    INVESTIGATING = "investigating", "Investigating"
    KNOWN_ERROR = "known_error", "Known error"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


# ------------------------------------------------------------------ sets of states
# Tuples, in the order of `Status`, so lists of states (the dashboard's rows) keep it.

ALL_STATUSES: tuple[Status, ...] = tuple(Status)
OPEN_STATUSES: tuple[Status, ...] = tuple(s for s in Status if s != Status.CLOSED)
ACTIVE_STATUSES: tuple[Status, ...] = tuple(s for s in OPEN_STATUSES if s != Status.RESOLVED)
DONE_STATUSES: tuple[Status, ...] = (Status.RESOLVED, Status.CLOSED)
# Sheets the service desk has not logged yet (checked, or sent back to the user).
# A request waiting for its approver is not logged either: nothing is worked on it yet.
UNLOGGED_STATUSES: tuple[Status, ...] = (
    Status.AWAITING_APPROVAL,
    Status.SUBMITTED,
    Status.AWAITING_USER,
)
WORKING_STATUSES: tuple[Status, ...] = (
    Status.LOGGED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
)
TECHNICIAN_STATUSES: tuple[Status, ...] = (Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD)
WAITING_FOR_TECHNICIAN_STATUSES: tuple[Status, ...] = (Status.LOGGED, Status.ASSIGNED)
# The state only a service request is ever in: its approver has not decided yet.
REQUEST_ONLY_STATUSES: tuple[Status, ...] = (Status.AWAITING_APPROVAL,)
# The open states an incident can be in (the dashboard's rows of incidents).
INCIDENT_OPEN_STATUSES: tuple[Status, ...] = tuple(
    s for s in OPEN_STATUSES if s not in REQUEST_ONLY_STATUSES
)

ALL_PROBLEM_STATUSES: tuple[ProblemStatus, ...] = tuple(ProblemStatus)
# Not yet resolved: incidents can still be linked, a known error published.
PROBLEM_OPEN_STATUSES: tuple[ProblemStatus, ...] = (
    ProblemStatus.OPEN,
    ProblemStatus.INVESTIGATING,
    ProblemStatus.KNOWN_ERROR,
)


# ------------------------------------------------------------------ words and colours


class Audience(StrEnum):
    STAFF = "staff"
    REPORTER = "reporter"


STAFF_STATUS_LABELS: dict[str, str] = dict(Status.choices)

# What the reporter's own pages say: what is happening and whether it is their turn.
REPORTER_LABELS: dict[str, str] = {
    Status.AWAITING_APPROVAL: "Waiting for approval",
    Status.SUBMITTED: "Received – the service desk will check it",
    Status.AWAITING_USER: "The service desk needs your answer",
    Status.LOGGED: "Logged by the service desk",
    Status.ASSIGNED: "A technician has been asked to help",
    Status.IN_PROGRESS: "Being worked on",
    Status.ON_HOLD: "On hold",
    Status.RESOLVED: "Resolved – tell us if it is not fixed",
    Status.CLOSED: "Closed",
}
# On hold, the reporter is told what for.
REPORTER_HOLD_LABELS: dict[str, str] = {
    HoldReason.SUPPLIER: "On hold – waiting for a supplier",
    HoldReason.PARTS: "On hold – waiting for parts",
    HoldReason.USER: "On hold – the service desk is waiting for your answer",
}

# Bootstrap badge classes. The words are always shown with the colour: colour is
# never the only cue.
ATTENTION, MOVING, DONE, QUIET = (
    "text-bg-warning",
    "text-bg-primary",
    "text-bg-success",
    "text-bg-secondary",
)
STATUS_STYLES: dict[str, str] = {
    Status.AWAITING_APPROVAL: ATTENTION,
    Status.SUBMITTED: MOVING,
    Status.AWAITING_USER: ATTENTION,
    Status.LOGGED: MOVING,
    Status.ASSIGNED: MOVING,
    Status.IN_PROGRESS: MOVING,
    Status.ON_HOLD: ATTENTION,
    Status.RESOLVED: DONE,
    Status.CLOSED: DONE,
}
PROBLEM_STATUS_STYLES: dict[str, str] = {
    ProblemStatus.OPEN: QUIET,
    ProblemStatus.INVESTIGATING: MOVING,
    ProblemStatus.KNOWN_ERROR: ATTENTION,
    ProblemStatus.RESOLVED: DONE,
    ProblemStatus.CLOSED: DONE,
}


def status_label(status: str, audience: str = Audience.STAFF, *, hold_reason: str = "") -> str:
    """A call's state in the words `audience` sees ("staff" or "reporter")."""
    if Audience(audience) == Audience.REPORTER:
        if status == Status.ON_HOLD and hold_reason in REPORTER_HOLD_LABELS:
            return REPORTER_HOLD_LABELS[hold_reason]
        return REPORTER_LABELS[Status(status)]
    return STAFF_STATUS_LABELS[Status(status)]


def status_style(status: str) -> str:
    """The Bootstrap badge class for a call's state."""
    return STATUS_STYLES[Status(status)]


def problem_status_label(status: str) -> str:
    """A problem's state in words (problems are seen by support staff only)."""
    return ProblemStatus(status).label


def problem_status_style(status: str) -> str:
    return PROBLEM_STATUS_STYLES[ProblemStatus(status)]
