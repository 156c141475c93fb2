"""The target clock: due times from the priority, and its pauses."""

from datetime import timedelta

from incidents.models import (
    DEFAULT_TARGETS,
    ConsultationStatus,
    HoldReason,
    Incident,
    PriorityTarget,
    Status,
)

from .rules import ACTIVE


def _target_minutes(priority: int) -> tuple[int, int]:
    target = PriorityTarget.objects.filter(priority=priority).first()
    if target:
        return target.response_minutes, target.resolution_minutes
    return DEFAULT_TARGETS[priority]


def _apply_targets(incident: Incident) -> None:
    """Due times from the priority, counted from the report, less the time paused."""
    response, resolution = _target_minutes(incident.priority)
    paused = timedelta(seconds=incident.paused_seconds)
    incident.response_due_at = incident.created_at + timedelta(minutes=response) + paused
    incident.resolution_due_at = incident.created_at + timedelta(minutes=resolution) + paused


def _clock_should_pause(incident: Incident) -> bool:
    """The target clock stops while we wait for the user or for a third party."""
    if incident.status == Status.AWAITING_USER:
        return True
    if incident.status == Status.ON_HOLD and incident.hold_reason != HoldReason.OTHER:
        return True
    if incident.status in ACTIVE:
        return incident.consultations.filter(status=ConsultationStatus.OPEN).exists()
    return False


def _sync_clock(incident: Incident, now) -> list[str]:
    """Start or end a pause of the target clock; returns the fields it changed."""
    pause = _clock_should_pause(incident)
    if pause and incident.paused_since is None:
        incident.paused_since = now
        return ["paused_since"]
    if not pause and incident.paused_since is not None:
        paused_for = now - incident.paused_since
        incident.paused_seconds += int(paused_for.total_seconds())
        incident.paused_since = None
        if incident.resolution_due_at:
            incident.resolution_due_at += paused_for
        if incident.response_due_at and incident.responded_at is None:
            incident.response_due_at += paused_for
        return ["paused_since", "paused_seconds", "resolution_due_at", "response_due_at"]
    return []
