"""Setting and moving an incident's due times.

A priority's targets are minutes of school time (the site's calendar) or of all
hours, as its `PriorityTarget` says. Due times count from the report. While the
clock is paused (waiting for the user or a third party) it stands still: when the
pause ends, the target time that was left when it began starts again from then.
A pause that begins after a due time has passed changes nothing for that target —
a breach stays a breach. `paused_seconds` adds up the counted time the clock stood
still before the resolution was due, in the kind of time the target counts.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from ..models import (
    ACTIVE_STATUSES,
    DEFAULT_TARGET_HOURS,
    DEFAULT_TARGETS,
    ConsultationStatus,
    HoldReason,
    Incident,
    PriorityTarget,
    Status,
    TargetHours,
)
from .school_time import AllHours, SchoolTime, kept_for_clocks, school_time_for_site


@dataclass(frozen=True)
class TargetRule:
    """One priority's targets: minutes to respond and to resolve, and which hours count."""

    response_minutes: int
    resolution_minutes: int
    hours: str

    @property
    def counts_school_hours(self) -> bool:
        return self.hours == TargetHours.SCHOOL


def rule_for(priority: int) -> TargetRule:
    """The admin's target for this priority, else the default."""
    rule = rules().get(int(priority))
    if rule is not None:
        return rule
    response, resolution = DEFAULT_TARGETS[priority]
    return TargetRule(response, resolution, DEFAULT_TARGET_HOURS[priority])


def rules() -> dict[int, TargetRule]:
    """Every priority's rule: one query, or none while the shared cache keeps them
    (`incidents.caching.TARGET_CLOCKS`: any write to a priority's targets moves it)."""
    return kept_for_clocks("rules", _read_rules)


def _read_rules() -> dict[int, TargetRule]:
    found = {
        t.priority: TargetRule(t.response_minutes, t.resolution_minutes, t.hours)
        for t in PriorityTarget.objects.using(DEFAULT_DB_ALIAS).all()
    }
    return {
        int(p): found.get(int(p)) or TargetRule(r, s, DEFAULT_TARGET_HOURS[p])
        for p, (r, s) in DEFAULT_TARGETS.items()
    }


def rule_for_call(incident: Incident) -> TargetRule:
    """A request's targets are its type's; an incident's are its priority's."""
    request_type = incident.request_type if incident.request_type_id else None
    if request_type is not None:
        return TargetRule(
            request_type.response_minutes, request_type.resolution_minutes, request_type.hours
        )
    return rule_for(incident.priority)


def clock_for(incident: Incident, rule: TargetRule | None = None) -> SchoolTime | AllHours:
    """The kind of time this incident's targets count."""
    rule = rule or rule_for_call(incident)
    if rule.counts_school_hours:
        return school_time_for_site(incident.site_id)
    return AllHours()


def apply_targets(incident: Incident) -> None:
    """Due times from the priority (a request's: its type), counted from the report
    (an approved request: from its approval, when it may be worked on), plus the time
    paused. A request waiting for its approver has none yet."""
    if incident.status == Status.AWAITING_APPROVAL:
        incident.response_due_at = incident.resolution_due_at = None
        return
    rule = rule_for_call(incident)
    clock = clock_for(incident, rule)
    paused = timedelta(seconds=incident.paused_seconds)
    start = incident.approval_decided_at or incident.created_at
    incident.response_due_at = clock.add(start, timedelta(minutes=rule.response_minutes) + paused)
    incident.resolution_due_at = clock.add(
        start, timedelta(minutes=rule.resolution_minutes) + paused
    )


def clock_should_pause(incident: Incident) -> bool:
    """The target clock stops while we wait for the user or for a third party."""
    if incident.status == Status.AWAITING_USER:
        return True
    if incident.status == Status.ON_HOLD and incident.hold_reason != HoldReason.OTHER:
        return True
    if incident.status in ACTIVE_STATUSES:
        return incident.consultations.filter(status=ConsultationStatus.OPEN).exists()
    return False


def _resume(clock, due: datetime | None, paused_since: datetime, now: datetime):
    """The due time after a pause: what was left when it began, counted again from now."""
    if due is None or paused_since >= due:
        return due
    return clock.add(now, clock.measure(paused_since, due))


def sync_clock(incident: Incident, now: datetime) -> list[str]:
    """Start or end a pause of the target clock; returns the fields it changed."""
    pause = clock_should_pause(incident)
    if pause and incident.paused_since is None:
        incident.paused_since = now
        return ["paused_since"]
    if not pause and incident.paused_since is not None:
        since = incident.paused_since
        clock = clock_for(incident)
        if incident.resolution_due_at and since < incident.resolution_due_at:
            stood_still = clock.measure(since, now)
            incident.paused_seconds += int(stood_still.total_seconds())
        incident.resolution_due_at = _resume(clock, incident.resolution_due_at, since, now)
        if incident.responded_at is None:
            incident.response_due_at = _resume(clock, incident.response_due_at, since, now)
        incident.paused_since = None
        return ["paused_since", "paused_seconds", "resolution_due_at", "response_due_at"]
    return []


def visit_after_target(incident: Incident, visit_date: date | None) -> bool:
    """A booked visit on a day after the resolution target is due (the desk is warned)."""
    due = incident.resolution_due_at
    if visit_date is None or due is None or incident.resolved_at is not None:
        return False
    return visit_date > timezone.localdate(due)
