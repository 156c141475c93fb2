"""Closure: close with a code, "still not fixed", "it's working again", and the closed
sheet put in the paper file."""

from typing import Any

from accounts import roles
from incidents import notifications
from incidents.models import (
    Category,
    Channel,
    ClosureCode,
    Consultation,
    ConsultationStatus,
    EntryKind,
    Event,
    Incident,
    ResolutionKind,
)

from .core import Step, transition
from .errors import InvalidInput

# The resolution a closure code implies when none was written.
DEFAULT_RESOLUTION = {
    ClosureCode.RESOLVED_ITSELF: "The equipment started working again by itself.",
    ClosureCode.NOT_AN_INCIDENT: "This was not an incident.",
    ClosureCode.NO_FAULT_FOUND: "No fault was found.",
}


def incident_close(
    *,
    incident: Incident,
    by: Any,
    code: str,
    resolution: str = "",
    duplicate_of: Incident | None = None,
    category: Category | None = None,
    channel: str | None = None,
    version: int,
) -> Incident:
    """Close the call with a closure code and tell the user the resolution.

    A sheet the desk never logged is logged first, with its category and how it
    was received (both needed): nothing is closed without being in the call log.
    """
    with transition(incident, "close", by, version) as step:
        if code not in ClosureCode.values:
            raise InvalidInput("Choose a closure code.")
        if step.incident.logged_at is None:
            _log_before_closing(step, category, channel)
        if code == ClosureCode.DUPLICATE:
            if duplicate_of is None:
                raise InvalidInput("Say which incident this one duplicates.")
            if duplicate_of.pk == incident.pk:
                raise InvalidInput("An incident cannot duplicate itself.")
        current = step.incident
        resolution = resolution.strip() or current.resolution
        if code == ClosureCode.DUPLICATE and not resolution and duplicate_of is not None:
            resolution = f"Duplicate of {duplicate_of.reference}, which is being dealt with."
        resolution = resolution or DEFAULT_RESOLUTION.get(ClosureCode(code), "")
        if not resolution:
            raise InvalidInput("Record the resolution before closing.")
        step.set(
            closure_code=code,
            resolution=resolution,
            duplicate_of=duplicate_of if code == ClosureCode.DUPLICATE else None,
            closed_at=step.now,
            closed_by=by,
            user_notified_at=step.now,
            owner_unread=False,
            owner=current.owner or by,
        )
        if current.resolved_at is None:
            step.set(resolved_at=step.now, resolved_by=by)
        if not current.resolution_kind and code in (ClosureCode.FIXED, ClosureCode.WORKAROUND):
            # Closed at first contact: the desk's fix or workaround is the resolution.
            fixed = code == ClosureCode.FIXED
            step.set(resolution_kind=ResolutionKind.FIX if fixed else ResolutionKind.WORKAROUND)
        step.respond()
        label = ClosureCode(code).label
        step.log(
            "closed",
            kind=EntryKind.STATUS,
            public=True,
            text=resolution,
            code=label,
            resolution=resolution,
        )
        _close_consultations(step, label)
        step.notify(Event.CLOSED, [current.reporter], "closed", code=label, resolution=resolution)
        step.notify(
            Event.CLOSED, [current.assignee], "closed_assignee", code=label, resolution=resolution
        )
    return step.incident


def _close_consultations(step: Step, code: str) -> None:
    """No loose ends: consultations still open are closed with the call, with a note."""
    current = step.incident
    loose = list(
        Consultation.objects.select_for_update()
        .filter(incident=current)
        .exclude(status=ConsultationStatus.CLOSED)
        .select_related("group")
        .order_by("id")
    )
    if not loose:
        return
    note = f"Closed with {current.reference} ({code.lower()})."
    for consultation in loose:
        consultation.status = ConsultationStatus.CLOSED
        consultation.closed_at = step.now
        consultation.closing_note = note
        consultation.save(update_fields=["status", "closed_at", "closing_note"])
    step.log(
        "consultations_closed",
        kind=EntryKind.CONSULTATION,
        groups=[str(c.group) for c in loose],
        note=note,
    )


def _log_before_closing(step: Step, category: Category | None, channel: str | None) -> None:
    current = step.incident
    if category is None or channel not in Channel.values:
        raise InvalidInput(
            f"{current.reference} was never logged: choose its category and how it was "
            "reported, so it is logged in the call log before it is closed."
        )
    step.set(
        category=category,
        channel=channel,
        logged_at=step.now,
        received_by=step.by,
        owner=current.owner or step.by,
    )
    step.log(
        "logged_on_closure",
        kind=EntryKind.DETAILS,
        category=str(category),
        channel=Channel(channel).label,
    )


def incident_reopen(*, incident: Incident, by: Any, reason: str, version: int) -> Incident:
    """ "Still not fixed": back to whoever resolved it, within the reopen window."""
    with transition(incident, "reopen", by, version) as step:
        if not reason.strip():
            raise InvalidInput("Tell us what is still wrong.")
        current = step.incident
        resolver = current.resolved_by
        if resolver is not None and roles.has_role(
            resolver, roles.Role.TECHNICIAN, current.school_id
        ):
            step.set(assignee=resolver)
        step.set(reopen_count=current.reopen_count + 1, resolved_at=None, resolution_kind="")
        step.log("reopened", kind=EntryKind.STATUS, public=True, text=reason, reason=reason)
        step.notify(
            Event.REOPENED,
            [resolver, current.owner, current.assignee],
            "reopened",
            reason=reason,
        )
    return step.incident


def incident_working_again(
    *, incident: Incident, by: Any, note: str = "", version: int
) -> Incident:
    """The user says it works again before the visit: the desk can close it in one click."""
    with transition(incident, "working_again", by, version) as step:
        current = step.incident
        step.set(working_again_at=step.now, working_again_note=note)
        step.log("working_again", kind=EntryKind.WORKING_AGAIN, public=True, text=note, note=note)
        recipients = [p for p in (current.owner, current.assignee) if p is not None]
        step.notify(
            Event.WORKING_AGAIN,
            recipients or notifications.desk_people(current.school_id),
            "working_again",
            note=note,
        )
    return step.incident


def incident_mark_filed(*, incident: Incident, by: Any, version: int) -> Incident:
    """The desk has put the closed sheet in the paper file: who and when, once."""
    with transition(incident, "mark_filed", by, version) as step:
        step.set(filed_away_at=step.now, filed_away_by=by)
        step.log("filed_away", kind=EntryKind.FILED_AWAY, by=str(by))
    return step.incident
