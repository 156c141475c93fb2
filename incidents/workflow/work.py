"""The technician's work: take from the pool, start, hold, diagnose, resolve."""

from datetime import datetime
from typing import Any

from django.conf import settings

from accounts import roles
from incidents.models import (
    DiagnosticEntry,
    EntryKind,
    Event,
    HoldReason,
    Incident,
    ResolutionKind,
)

from .core import transition
from .errors import InvalidInput


def incident_take(*, incident: Incident, by: Any, version: int) -> Incident:
    """A technician takes a call from the pool. Only one can: the others are told."""
    with transition(incident, "take", by, version) as step:
        step.set(assignee=by, assigned_at=step.now)
        step.tell_owner("taken")
        step.log("taken", kind=EntryKind.ASSIGNMENT, technician=str(by))
    return step.incident


def incident_start(*, incident: Incident, by: Any, version: int) -> Incident:
    """The technician starts work (taking the call from the pool if nobody has)."""
    with transition(incident, "start", by, version) as step:
        step.set(hold_reason="")
        taken = step.incident.assignee_id is None and roles.has_role(
            by, roles.Role.TECHNICIAN, incident.school_id
        )
        if taken:
            # Starting a pool call takes it: the assignment is recorded like a take.
            step.set(assignee=by, assigned_at=step.now)
        step.tell_owner("started", taken=taken)
        step.log("started", kind=EntryKind.STATUS, public=True, by=str(by))
        if taken:
            step.log("taken", kind=EntryKind.ASSIGNMENT, technician=str(by))
    return step.incident


def incident_hold(
    *, incident: Incident, by: Any, reason: str, note: str = "", version: int
) -> Incident:
    """Put the call on hold: waiting for a supplier, parts or the user."""
    with transition(incident, "hold", by, version) as step:
        if reason not in HoldReason.values:
            raise InvalidInput("Choose why the incident is on hold.")
        step.set(hold_reason=reason)
        label = HoldReason(reason).label
        step.tell_owner("held", reason=label, note=note)
        step.log("held", kind=EntryKind.STATUS, public=True, text=note, reason=label, note=note)
        if reason == HoldReason.USER:
            step.notify(
                Event.MORE_INFO_NEEDED, [step.incident.reporter], "held_for_user", note=note
            )
    return step.incident


def incident_diagnose(
    *,
    incident: Incident,
    by: Any,
    action_taken: str,
    result: str = "",
    minutes_spent: int = 0,
    performed_at: datetime | None = None,
    version: int,
) -> DiagnosticEntry:
    """Add a line to the incident diagnostics sheet (internal) and tell the owner."""
    with transition(incident, "diagnose", by, version) as step:
        entry = DiagnosticEntry.objects.create(
            incident=step.incident,
            author=by,
            performed_at=performed_at or step.now,
            action_taken=action_taken,
            result=result,
            minutes_spent=minutes_spent,
            created_at=step.now,
        )
        data: dict[str, Any] = {"action": action_taken, "result": result, "minutes": minutes_spent}
        step.tell_owner("diagnosed", **data)
        step.respond()
        step.log("diagnosed", kind=EntryKind.DIAGNOSTIC, text=f"{action_taken}\n{result}", **data)
    return entry


def incident_record_cause(
    *,
    incident: Incident,
    by: Any,
    cause: str = "",
    parts_used: str = "",
    workaround: str | None = None,
    version: int,
) -> Incident:
    """Record the cause found, the parts used and (optionally) a workaround in place."""
    with transition(incident, "record_cause", by, version) as step:
        step.set(cause=cause, parts_used=parts_used)
        if workaround is not None:
            step.set(workaround=workaround)
        data: dict[str, Any] = {
            "cause": cause,
            "parts_used": parts_used,
            "workaround": workaround or "",
        }
        step.tell_owner("cause_recorded", **data)
        step.log("cause_recorded", kind=EntryKind.DIAGNOSTIC, text=cause, **data)
    return step.incident


def incident_resolve(
    *,
    incident: Incident,
    by: Any,
    resolution: str,
    kind: str = ResolutionKind.FIX,
    version: int,
) -> Incident:
    """Record a fix or a workaround: the service is restored. The user is told."""
    with transition(incident, "resolve", by, version) as step:
        if not resolution.strip():
            raise InvalidInput("Say what was done to resolve it.")
        if kind not in ResolutionKind.values:
            raise InvalidInput("Choose fix or workaround.")
        current = step.incident
        step.set(
            resolution=resolution,
            resolution_kind=kind,
            resolved_at=step.now,
            resolved_by=by,
            hold_reason="",
        )
        if kind == ResolutionKind.WORKAROUND:
            step.set(workaround=resolution)
        step.fields.add("owner_unread")
        step.tell_owner_if_technician("resolved_owner", resolution=resolution)
        step.respond()
        step.log(
            "resolved",
            kind=EntryKind.RESOLUTION,
            public=True,
            text=resolution,
            resolution_kind=ResolutionKind(kind).label,
            resolution=resolution,
        )
        step.notify(
            Event.RESOLVED,
            [current.reporter],
            "resolved",
            resolution=resolution,
            reopen_days=settings.REOPEN_WINDOW_DAYS,
        )
    return step.incident
