"""Targets: how fast a call must be answered and resolved, counted in school time.

- `state`: the state of a call's targets (ok, at risk, breached, paused, met,
  missed, time left), in Python for one call and as query expressions for lists;
- `clock`: setting and moving due times as the workflow moves a call;
- `school_time`: a site's opening hours, closures and bank holidays;
- `duration`: the one way durations are written.
"""

from .clock import (
    TargetRule,
    apply_targets,
    clock_for,
    clock_should_pause,
    rule_for,
    rule_for_call,
    rules,
    sync_clock,
    visit_after_target,
)
from .duration import format_duration, format_target
from .school_time import AllHours, SchoolTime, school_time_for_site
from .state import (
    AT_RISK,
    BREACHED,
    LABELS,
    MET,
    MISSED,
    NONE,
    OK,
    PAUSED,
    TargetClock,
    at_risk_q,
    breached_q,
    call_state,
    call_state_expression,
    headline_clock,
    met_q,
    missed_q,
    target_breached_q,
    target_clocks,
    target_state,
    target_state_expression,
    with_target_states,
)

__all__ = [
    "AT_RISK",
    "BREACHED",
    "LABELS",
    "MET",
    "MISSED",
    "NONE",
    "OK",
    "PAUSED",
    "AllHours",
    "SchoolTime",
    "TargetClock",
    "TargetRule",
    "apply_targets",
    "at_risk_q",
    "breached_q",
    "call_state",
    "call_state_expression",
    "clock_for",
    "clock_should_pause",
    "format_duration",
    "format_target",
    "headline_clock",
    "met_q",
    "missed_q",
    "rule_for",
    "rule_for_call",
    "rules",
    "school_time_for_site",
    "sync_clock",
    "target_breached_q",
    "target_clocks",
    "target_state",
    "target_state_expression",
    "visit_after_target",
    "with_target_states",
]
