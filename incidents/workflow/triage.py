"""Triage by the service desk: ask for more, accept and log, details, ownership,
and passing the call to a technician."""

from datetime import date
from typing import Any

from incidents import notifications
from incidents.models import (
    Category,
    EntryKind,
    Equipment,
    Event,
    Incident,
    Room,
    Site,
    priority_for,
)
from incidents.priority_set import PRIORITY_SET
from incidents.targets import apply_targets

from . import rules
from .core import label_of, transition
from .errors import InvalidInput


def incident_return_to_user(
    *, incident: Incident, by: Any, question: str, version: int
) -> Incident:
    """The sheet is incomplete: ask the user and wait for the answer (clock paused)."""
    with transition(incident, "return_to_user", by, version) as step:
        step.respond()
        if step.incident.owner_id is None:
            step.set(owner=by)
        step.log(
            "returned_to_user", kind=EntryKind.STATUS, public=True, text=question, question=question
        )
        step.notify(
            Event.MORE_INFO_NEEDED, [step.incident.reporter], "more_info_needed", question=question
        )
    return step.incident


def incident_answer(*, incident: Incident, by: Any, answer: str, version: int) -> Incident:
    """The user answers the desk's question; the sheet goes back to the desk."""
    return _answer(incident, "answer", by, answer, version)


def incident_answer_hold(*, incident: Incident, by: Any, answer: str, version: int) -> Incident:
    """On hold waiting for the user: their answer ends the hold and the clock runs again."""
    return _answer(incident, "answer_hold", by, answer, version)


def _answer(incident: Incident, move: str, by: Any, answer: str, version: int) -> Incident:
    with transition(incident, move, by, version) as step:
        current = step.incident
        step.set(hold_reason="")
        step.log(
            "answered", kind=EntryKind.MESSAGE_FROM_USER, public=True, text=answer, answer=answer
        )
        step.notify(
            Event.USER_ANSWERED,
            [current.owner, current.assignee]
            if current.owner
            else notifications.desk_people(current.school_id),
            "user_answered",
            answer=answer,
        )
    return step.incident


def incident_accept(
    *,
    incident: Incident,
    by: Any,
    category: Category | None,
    impact: int,
    urgency: int,
    site: Site | None = None,
    room: Room | None = None,
    equipment: Equipment | None = None,
    channel: str | None = None,
    version: int,
) -> Incident:
    """Accept the sheet and log it in the call log; the desk person owns the call."""
    with transition(incident, "accept", by, version) as step:
        current = step.incident
        _stays_at_school(current, site=site, room=room, equipment=equipment)
        step.set(
            category=category,
            impact=impact,
            urgency=urgency,
            priority=priority_for(impact, urgency),
            site=site if site is not None else current.site,
            room=room if room is not None else current.room,
            equipment=equipment if equipment is not None else current.equipment,
            channel=channel or current.channel,
            logged_at=step.now,
            received_by=by,
            owner=current.owner or by,
        )
        apply_targets(current)
        step.fields |= {"response_due_at", "resolution_due_at"}
        step.respond()
        step.log(
            "accepted",
            kind=EntryKind.STATUS,
            public=True,
            priority=current.get_priority_display(),
            category=str(category) if category else "",
            owner=str(current.owner),
        )
        step.notify(Event.LOGGED, [current.reporter], "logged")
    return step.incident


def _stays_at_school(incident: Incident, **places: Any) -> None:
    """A call stays at its school: a site, room or equipment of another is refused."""
    site_ids = set()
    for name, thing in places.items():
        if thing is not None:
            site_ids.add(thing.pk if name == "site" else thing.site_id)
    if site_ids and Site.objects.filter(pk__in=site_ids).exclude(school_id=incident.school_id):
        raise InvalidInput("The site, room and equipment must be at the call's school.")


DETAILS = {"category", "impact", "urgency", "site", "room", "equipment", "channel", "summary"}


def incident_update_details(
    *, incident: Incident, by: Any, version: int, **changes: Any
) -> Incident:
    """Change category, impact/urgency (and so priority), place or equipment."""
    unknown = set(changes) - DETAILS
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} here.")
    with transition(incident, "update_details", by, version) as step:
        current = step.incident
        _stays_at_school(
            current,
            **{name: changes.get(name) for name in ("site", "room", "equipment")},
        )
        described = []
        changed = set()
        for name, value in changes.items():
            if getattr(current, name) != value:
                changed.add(name)
                step.set(**{name: value})
                label = label_of(Incident, name)
                described.append([label, str(value) if value else ""])
        if not described:
            step.nothing_to_do()
            return current
        new_priority = priority_for(current.impact, current.urgency)
        if new_priority != current.priority:
            step.set(priority=new_priority)
            apply_targets(current)
            step.fields |= {"response_due_at", "resolution_due_at"}
            described.append(["priority", current.get_priority_display()])
        data: dict[str, Any] = {PRIORITY_SET: True} if changed & {"impact", "urgency"} else {}
        step.log("details_changed", kind=EntryKind.DETAILS, changes=described, **data)
    return step.incident


def incident_set_priority(*, incident: Incident, by: Any, priority: int, version: int) -> Incident:
    """Set priority directly (bulk action): impact and urgency follow the nearest pair."""
    impact = max(1, min(3, priority - 1)) if priority > 1 else 1
    urgency = priority + 1 - impact
    return incident_update_details(
        incident=incident, by=by, version=version, impact=impact, urgency=urgency
    )


def incident_take_ownership(*, incident: Incident, by: Any, version: int) -> Incident:
    return _give_to(incident, by, by, version, "take_ownership")


def incident_hand_over(*, incident: Incident, by: Any, to: Any, version: int) -> Incident:
    """Give the call to a service desk person (or take it yourself)."""
    move = "take_ownership" if to.pk == by.pk else "hand_over"
    return _give_to(incident, by, to, version, move)


def _give_to(incident: Incident, by: Any, to: Any, version: int, move: str) -> Incident:
    with transition(incident, move, by, version) as step:
        if not rules.holds(to, rules.roles.Role.DESK, step.incident):
            raise InvalidInput(f"{to} is not on the service desk of this school.")
        current = step.incident
        if current.owner_id == to.pk:
            step.nothing_to_do()
            return current
        previous = current.owner
        step.set(owner=to, owner_unread=False)
        step.respond()
        step.log(
            "ownership_taken" if to.pk == by.pk else "handed_over",
            kind=EntryKind.OWNERSHIP,
            to=str(to),
            previous=str(previous) if previous else "",
        )
        step.notify(Event.OWNERSHIP, [to], "ownership")
    return step.incident


def incident_request_technician(
    *,
    incident: Incident,
    by: Any,
    technician: Any = None,
    note: str = "",
    visit_date: date | None = None,
    version: int,
) -> Incident:
    """Pass the call to a technician, or to the technician pool when none is named."""
    with transition(incident, "request_technician", by, version) as step:
        if technician is not None and not rules.holds(
            technician, rules.roles.Role.TECHNICIAN, step.incident
        ):
            raise InvalidInput(f"{technician} is not a technician of this school.")
        current = step.incident
        step.set(
            assignee=technician,
            assigned_at=step.now,
            visit_date=visit_date,
            technician_note=note,
            hold_reason="",
            owner=current.owner or by,
        )
        step.log(
            "technician_requested",
            kind=EntryKind.ASSIGNMENT,
            public=True,
            technician=str(technician) if technician else "",
            visit_date=visit_date.isoformat() if visit_date else "",
        )
        if note:
            step.log("technician_note", kind=EntryKind.NOTE, text=note, note=note)
        context = {"technician": technician, "visit_date": visit_date, "note": note}
        recipients = (
            [technician] if technician else notifications.technician_people(current.school_id)
        )
        step.notify(Event.TECHNICIAN_REQUESTED, recipients, "technician_requested", **context)
        step.notify(
            Event.TECHNICIAN_REQUESTED,
            [current.reporter],
            "technician_requested_reporter",
            **context,
        )
    return step.incident
