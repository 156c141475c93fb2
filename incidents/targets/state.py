"""The state of a call's targets, defined once: in Python for one incident and as
query expressions for lists, side by side (a test checks they agree on a grid).

For each target — response (done when the desk first acts, `responded_at`) and
resolution (done when fixed or worked around, `resolved_at`) — in this order:

- **none**: no due time, or the call left the active states before it was done;
- **met** / **missed**: done by / after the due time;
- **breached**: not done and the due time has passed. The clock reads the moment
  the pause began while paused, else now: a call paused after its due time passed
  is breached, and stays so;
- **paused**: not done, not past due, and the clock stands still (waiting for the
  user or a third party);
- **at_risk**: running, with a quarter or less of the span from the report to the
  due time left;
- **ok**: running, with more left.

The call's state: while active (not resolved or closed), the first of breached,
at_risk, paused, ok that either target has; otherwise the resolution target's
state. Time left (or over, negative) is the wall-clock time from the clock to the
due time; once done, the time from the due time to when it was done.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from ..models import ACTIVE_STATUSES, Incident
from .duration import format_duration

NONE, MET, MISSED, BREACHED, PAUSED, AT_RISK, OK = (
    "none",
    "met",
    "missed",
    "breached",
    "paused",
    "at_risk",
    "ok",
)
RUNNING_STATES = (BREACHED, AT_RISK, PAUSED, OK)  # in order of precedence
LABELS = {
    NONE: "no target",
    MET: "met",
    MISSED: "missed",
    BREACHED: "breached",
    PAUSED: "paused",
    AT_RISK: "at risk",
    OK: "on track",
}
BADGES = {
    NONE: "text-bg-light border",
    MET: "text-bg-success",
    OK: "text-bg-success",
    MISSED: "text-bg-danger",
    BREACHED: "text-bg-danger",
    PAUSED: "text-bg-secondary",
    AT_RISK: "text-bg-warning",
}
AT_RISK_SHARE = 4  # at risk when remaining × 4 ≤ the span from the report to the due time

# (name, due field, done field) of each target.
TARGETS = (
    ("Response", "response_due_at", "responded_at"),
    ("Resolution", "resolution_due_at", "resolved_at"),
)


@dataclass(frozen=True)
class TargetClock:
    """One target of one incident as every page reads it."""

    name: str
    due: datetime | None
    done_at: datetime | None
    state: str
    left: timedelta | None  # negative when over
    paused: bool

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def badge(self) -> str:
        return BADGES[self.state]

    @property
    def text(self) -> str:
        """What the badge says: "met", "2 h 10 min left", "breached 1 h 00 min ago"…"""
        if self.state == NONE:
            return "no target" if self.due is None else "not measured"
        if self.state == MET:
            return "met"
        span = format_duration(abs(self.left)) if self.left is not None else ""
        if self.state == MISSED:
            return f"missed by {span}"
        if self.state == BREACHED:
            return f"breached {span} ago" + (" (clock paused)" if self.paused else "")
        if self.state == PAUSED:
            return f"paused ({span} left)"
        return f"{span} left"


def _target_state(incident: Incident, due, done_at, now: datetime) -> str:
    if due is None:
        return NONE
    if done_at is not None:
        return MET if done_at <= due else MISSED
    if incident.status not in ACTIVE_STATUSES:
        return NONE
    clock = incident.paused_since or now
    if due < clock:
        return BREACHED
    if incident.paused_since is not None:
        return PAUSED
    if (due - now) * AT_RISK_SHARE <= due - incident.created_at:
        return AT_RISK
    return OK


def target_clocks(incident: Incident, now: datetime | None = None) -> list[TargetClock]:
    """The response and the resolution target of one incident."""
    now = now or timezone.now()
    clock = incident.paused_since or now
    result = []
    for name, due_field, done_field in TARGETS:
        due, done_at = getattr(incident, due_field), getattr(incident, done_field)
        state = _target_state(incident, due, done_at, now)
        if due is None or state == NONE:
            left = None
        elif done_at is not None:
            left = due - done_at
        else:
            left = due - clock
        paused = incident.paused_since is not None and state in RUNNING_STATES
        result.append(TargetClock(name, due, done_at, state, left, paused))
    return result


def call_state(clocks: list[TargetClock], incident: Incident) -> str:
    """The call's state from its two targets' states."""
    if incident.status in ACTIVE_STATUSES:
        states = {clock.state for clock in clocks}
        for state in RUNNING_STATES:
            if state in states:
                return state
    return clocks[-1].state


def target_state(incident: Incident, now: datetime | None = None) -> str:
    """The call's target state (see the module's docstring)."""
    return call_state(target_clocks(incident, now), incident)


def headline_clock(incident: Incident, now: datetime | None = None) -> TargetClock:
    """The target that decides the call's state (a breached response before a
    running resolution): what one-line lists show."""
    clocks = target_clocks(incident, now)
    state = call_state(clocks, incident)
    for clock in reversed(clocks):
        if clock.state == state:
            return clock
    return clocks[-1]


# ---------------------------------------------------------------- the same, in SQL


def _now(now: datetime | None) -> Value:
    return Value(now or timezone.now(), output_field=DateTimeField())


def _active() -> Q:
    return Q(status__in=ACTIVE_STATUSES)


def _running(due: str, done: str) -> Q:
    return _active() & Q(**{f"{done}__isnull": True, f"{due}__isnull": False})


def _breached(due: str, done: str, now) -> Q:
    clock = Coalesce("paused_since", _now(now))
    return _running(due, done) & Q(**{f"{due}__lt": clock})


def _at_risk(due: str, done: str, now) -> Q:
    now_value = _now(now)
    remaining = ExpressionWrapper(F(due) - now_value, output_field=DurationField())
    span = ExpressionWrapper(F(due) - F("created_at"), output_field=DurationField())
    times_share = ExpressionWrapper(
        remaining + remaining + remaining + remaining, output_field=DurationField()
    )
    return (
        _running(due, done)
        & Q(paused_since__isnull=True, **{f"{due}__gte": now_value})
        & Q(LessThanOrEqual(times_share, span))
    )


def _paused(due: str, done: str) -> Q:
    return _running(due, done) & Q(paused_since__isnull=False, **{f"{due}__gte": F("paused_since")})


def target_state_expression(due: str, done: str, now: datetime | None = None) -> Case:
    """One target's state as a database expression (same order as `_target_state`)."""
    return Case(
        When(Q(**{f"{due}__isnull": True}), then=Value(NONE)),
        When(Q(**{f"{done}__isnull": False, f"{done}__lte": F(due)}), then=Value(MET)),
        When(Q(**{f"{done}__isnull": False}), then=Value(MISSED)),
        When(~_active(), then=Value(NONE)),
        When(_breached(due, done, now), then=Value(BREACHED)),
        When(Q(paused_since__isnull=False), then=Value(PAUSED)),
        When(_at_risk(due, done, now), then=Value(AT_RISK)),
        default=Value(OK),
        output_field=CharField(),
    )


def met_q(due: str, done: str) -> Q:
    """One target's state is *met* (`target_state_expression`): done by its due time.
    The same calls as the `CASE` (a comparison with either side empty is never
    true), without computing every other state of each row: the reports count it
    over a month of calls."""
    return Q(**{f"{done}__lte": F(due)})


def missed_q(due: str, done: str) -> Q:
    """One target's state is *missed*: done after its due time (as `met_q`)."""
    return Q(**{f"{done}__gt": F(due)})


def target_breached_q(due: str, done: str, now: datetime | None = None) -> Q:
    """One target's state is *breached* now: running and past its due time (the
    `CASE` reaches *breached* only for these, and for every one of them)."""
    return _breached(due, done, now)


def breached_q(now: datetime | None = None) -> Q:
    """Active calls with a target breached."""
    return Q(_breached("response_due_at", "responded_at", now)) | _breached(
        "resolution_due_at", "resolved_at", now
    )


def at_risk_q(now: datetime | None = None) -> Q:
    """Active calls at risk and not breached."""
    return (
        _at_risk("response_due_at", "responded_at", now)
        | _at_risk("resolution_due_at", "resolved_at", now)
    ) & ~breached_q(now)


def paused_q() -> Q:
    return _paused("response_due_at", "responded_at") | _paused("resolution_due_at", "resolved_at")


def call_state_expression(now: datetime | None = None) -> Case:
    """The call's state as a database expression (same rule as `call_state`)."""
    running = _running("response_due_at", "responded_at") | _running(
        "resolution_due_at", "resolved_at"
    )
    return Case(
        When(breached_q(now), then=Value(BREACHED)),
        When(
            _at_risk("response_due_at", "responded_at", now)
            | _at_risk("resolution_due_at", "resolved_at", now),
            then=Value(AT_RISK),
        ),
        When(paused_q(), then=Value(PAUSED)),
        When(running, then=Value(OK)),
        default=target_state_expression("resolution_due_at", "resolved_at", now),
        output_field=CharField(),
    )


def with_target_states(qs, now: datetime | None = None):
    """Annotate `response_state`, `resolution_state` and `target_state` on a queryset."""
    return qs.annotate(
        response_state=target_state_expression("response_due_at", "responded_at", now),
        resolution_state=target_state_expression("resolution_due_at", "resolved_at", now),
        target_state=call_state_expression(now),
    )
