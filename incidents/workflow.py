"""The incident workflow: every state, every allowed move, and who may make it.

Each move is one function, `incident_<verb>(*, incident, by, ...)`. It checks who
may make the move, locks the incident's row inside a transaction, checks the
version the person was looking at (so a stale copy is a conflict, never a silent
overwrite), saves, writes the call-log entry and queues the notifications — all
in the same transaction, so a move that fails leaves none of them behind.

No other code sets `Incident.status`.

    submitted ──(desk: incomplete)──▶ awaiting_user ──(user answers)──▶ submitted
    submitted ──(desk: accept & log)──▶ logged ──(desk: request technician)──▶ assigned
    assigned ──(technician starts)──▶ in_progress ◀──▶ on_hold
    logged | assigned | in_progress | on_hold ──(fix or workaround)──▶ resolved
    resolved ──(desk closes, user told)──▶ closed
    resolved ──(user: not fixed)──▶ in_progress
    any open ──(user: it works again)──▶ flagged for closure (no change of state)
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import roles

from . import notifications
from .models import (
    DEFAULT_TARGETS,
    Attachment,
    CallLogEntry,
    Category,
    Channel,
    ClosureCode,
    Consultation,
    ConsultationStatus,
    DiagnosticEntry,
    EntryKind,
    Equipment,
    Event,
    HoldReason,
    Incident,
    IncidentSheet,
    KnowledgeArticle,
    PriorityTarget,
    Problem,
    ResolutionKind,
    Room,
    Site,
    Status,
    priority_for,
)


class WorkflowError(Exception):
    """A move that cannot be made. The message is written for the person who tried."""


class NotAllowed(WorkflowError):
    """The person's roles do not allow this move (views answer 403)."""


class InvalidMove(WorkflowError):
    """The move is not possible from the incident's present state."""


class Conflict(WorkflowError):
    """Someone else changed the incident since the person loaded it."""

    def __init__(self, current: Incident):
        self.current = current
        super().__init__(
            f"{current.reference} was changed by someone else while you were looking at it "
            f"(it is now {current.get_status_display().lower()}). "
            "Your change was not saved: check the latest version and try again."
        )


# Who may make a move. Each takes the person and the (locked) incident.
def _desk(user, incident: Incident) -> bool:
    return roles.is_desk(user)


def _support(user, incident: Incident) -> bool:
    return roles.is_support_staff(user)


def _reporter(user, incident: Incident) -> bool:
    return user.pk == incident.reporter_id


def _reporter_or_support(user, incident: Incident) -> bool:
    return _reporter(user, incident) or _support(user, incident)


def _reporter_or_desk(user, incident: Incident) -> bool:
    return _reporter(user, incident) or _desk(user, incident)


OPEN = frozenset(s for s in Status.values if s != Status.CLOSED)
ACTIVE = frozenset(OPEN - {Status.RESOLVED})
WORKING = frozenset({Status.LOGGED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD})


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset
    who: Callable
    target: str | None = None  # None: the state does not change


MOVES = {
    move.name: move
    for move in [
        Move(
            "return_to_user",
            frozenset({Status.SUBMITTED, Status.LOGGED}),
            _desk,
            Status.AWAITING_USER,
        ),
        Move("answer", frozenset({Status.AWAITING_USER}), _reporter_or_desk, Status.SUBMITTED),
        Move("accept", frozenset({Status.SUBMITTED}), _desk, Status.LOGGED),
        Move("request_technician", WORKING, _desk, Status.ASSIGNED),
        Move("take", frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD}), _support),
        Move("start", frozenset({Status.ASSIGNED, Status.ON_HOLD}), _support, Status.IN_PROGRESS),
        Move("hold", frozenset({Status.ASSIGNED, Status.IN_PROGRESS}), _support, Status.ON_HOLD),
        Move("resolve", WORKING, _support, Status.RESOLVED),
        Move("close", OPEN, _desk, Status.CLOSED),
        Move("reopen", frozenset({Status.RESOLVED}), _reporter_or_desk, Status.IN_PROGRESS),
        Move("working_again", ACTIVE, _reporter_or_desk),
        Move("take_ownership", OPEN, _desk),
        Move("hand_over", OPEN, _desk),
        Move("update_details", OPEN, _desk),
        Move("message_user", OPEN, _support),
        Move("user_message", OPEN, _reporter),
        Move("note", frozenset(Status.values), _support),
        Move("diagnose", OPEN, _support),
        Move("record_cause", OPEN, _support),
        Move("link_article", OPEN, _desk),
        Move("link_problem", OPEN, _support),
        Move("consult", ACTIVE, _support),
        Move("consultation_update", frozenset(Status.values), _support),
        Move("attach", OPEN, _reporter_or_support),
        Move("mark_read", frozenset(Status.values), _desk),
    ]
}


def can(user, move_name: str, incident: Incident) -> bool:
    """Whether the person may make the move now: the flag views pass to templates."""
    move = MOVES[move_name]
    if incident.status not in move.sources or not move.who(user, incident):
        return False
    if move_name == "reopen" and _reporter(user, incident) and not roles.is_desk(user):
        return within_reopen_window(incident)
    if move_name == "working_again":
        return incident.working_again_at is None
    return True


def allowed_moves(user, incident: Incident) -> dict[str, bool]:
    return {name: can(user, name, incident) for name in MOVES}


def within_reopen_window(incident: Incident, now=None) -> bool:
    if incident.resolved_at is None:
        return False
    now = now or timezone.now()
    return now - incident.resolved_at <= timedelta(days=settings.REOPEN_WINDOW_DAYS)


def _lock(incident: Incident, move_name: str, by, version: int | None) -> Incident:
    """Lock the row, then check the role, the state and the version, in that order."""
    current = Incident.objects.select_for_update().get(pk=incident.pk)
    move = MOVES[move_name]
    if not move.who(by, current):
        raise NotAllowed("You are not allowed to do that.")
    if version is not None and current.version != version:
        raise Conflict(current)
    if current.status not in move.sources:
        raise InvalidMove(
            f"{current.reference} is {current.get_status_display().lower()}: that cannot be done now."
        )
    return current


def _log(
    incident: Incident,
    by,
    kind: str,
    text: str = "",
    *,
    public: bool,
    from_status: str = "",
    to_status: str = "",
    now=None,
) -> CallLogEntry:
    return CallLogEntry.objects.create(
        incident=incident,
        actor=by,
        kind=kind,
        text=text,
        is_public=public,
        from_status=from_status,
        to_status=to_status,
        at=now or timezone.now(),
    )


def _target_minutes(priority: int) -> tuple[int, int]:
    target = PriorityTarget.objects.filter(priority=priority).first()
    if target:
        return target.response_minutes, target.resolution_minutes
    return DEFAULT_TARGETS[priority]


def _apply_targets(incident: Incident) -> None:
    """Due times from the priority, counted in the target's hours from the report."""
    from .targets import apply_targets

    apply_targets(incident)


def _clock_should_pause(incident: Incident) -> bool:
    """The target clock stops while we wait for the user or for a third party."""
    from .targets import clock_should_pause

    return clock_should_pause(incident)


def _sync_clock(incident: Incident, now) -> list[str]:
    """Start or end a pause of the target clock; returns the fields it changed."""
    from .targets import sync_clock

    return sync_clock(incident, now)


def _save(incident: Incident, fields: Iterable[str], now) -> None:
    """Bump the version, keep the target clock right and save only what changed."""
    incident.version += 1
    changed = set(fields) | set(_sync_clock(incident, now)) | {"version", "updated_at"}
    incident.save(update_fields=sorted(changed))


def _respond(incident: Incident, by, now) -> list[str]:
    """The desk's first action answers the response target."""
    if incident.responded_at is None and roles.is_support_staff(by):
        incident.responded_at = now
        return ["responded_at"]
    return []


def _sentence(text: str) -> str:
    """First letter up, the rest as written (names and references keep their case)."""
    return text[:1].upper() + text[1:] + "."


def _change_status(incident: Incident, to_status: str) -> str:
    from_status = incident.status
    incident.status = to_status
    return from_status


def _desk_and_assignee(incident: Incident) -> list:
    return [p for p in (incident.owner, incident.assignee) if p is not None]


def _keep_desk_informed(incident: Incident, by, subject: str, body: str) -> None:
    """The technician keeps the service desk informed at all stages."""
    if incident.owner_id and incident.owner_id != by.pk:
        incident.owner_unread = True
    notifications.notify(
        event=Event.TECHNICIAN_UPDATE,
        incident=incident,
        recipients=[incident.owner] if incident.owner else [],
        actor=by,
        subject=subject,
        body=body,
    )


# ---------------------------------------------------------------- filing


def incident_file(
    *,
    by,
    reporter=None,
    summary: str,
    site: Site,
    room: Room | None = None,
    equipment: Equipment | None = None,
    equipment_description: str = "",
    sheet: dict,
    channel: str = Channel.WEB,
    submission_token=None,
    photos: Iterable[dict] = (),
) -> tuple[Incident, bool]:
    """File an incident sheet, by the user or by the desk on the user's behalf.

    Returns (incident, created). A repeated submission of the same form (same
    token) returns the incident it already made, so a double click makes one.
    """
    reporter = reporter or by
    if reporter.pk != by.pk and not roles.is_desk(by):
        raise NotAllowed("Only the service desk may log a call for someone else.")
    if submission_token is not None:
        existing = _already_filed(submission_token, reporter)
        if existing is not None:
            return existing, False
    try:
        return _file_new(
            by=by,
            reporter=reporter,
            summary=summary,
            site=site,
            room=room,
            equipment=equipment,
            equipment_description=equipment_description,
            sheet=sheet,
            channel=channel,
            submission_token=submission_token,
            photos=photos,
        ), True
    except IntegrityError:
        # Two copies of the same form raced: the other one made the incident.
        existing = _already_filed(submission_token, reporter) if submission_token else None
        if existing is None:
            raise
        return existing, False


def _already_filed(submission_token, reporter) -> Incident | None:
    existing = Incident.objects.filter(submission_token=submission_token).first()
    if existing is not None and existing.reporter_id != reporter.pk:
        raise NotAllowed("That form was already used.")
    return existing


def _file_new(
    *,
    by,
    reporter,
    summary,
    site,
    room,
    equipment,
    equipment_description,
    sheet,
    channel,
    submission_token,
    photos,
) -> Incident:
    now = timezone.now()
    with transaction.atomic():
        incident = Incident(
            summary=summary,
            reporter=reporter,
            entered_by=by,
            channel=channel,
            site=site,
            room=room,
            equipment=equipment,
            equipment_description=equipment_description,
            submission_token=submission_token,
            created_at=now,
        )
        incident.priority = priority_for(incident.impact, incident.urgency)
        _apply_targets(incident)
        incident.save()
        IncidentSheet.objects.create(incident=incident, **sheet)
        for photo in photos:
            Attachment.objects.create(incident=incident, uploaded_by=by, **photo)
        how = "" if channel == Channel.WEB else f" ({incident.get_channel_display().lower()})"
        text = f"Incident sheet filed{how}."
        if reporter.pk != by.pk:
            text = f"Logged by {by} for {reporter}{how}."
        _log(incident, by, EntryKind.FILED, text, public=True, to_status=Status.SUBMITTED, now=now)
        notifications.notify(
            event=Event.FILED,
            incident=incident,
            recipients=notifications.desk_people(),
            actor=by,
            subject=f"New incident sheet {incident.reference}: {summary}",
            body=f"{reporter} reported: {summary}\nSite: {site}" + (f", {room}" if room else ""),
        )
        if reporter.pk != by.pk:
            notifications.notify(
                event=Event.FILED,
                incident=incident,
                recipients=[reporter],
                actor=by,
                subject=f"We have logged your call {incident.reference}",
                body=f"The service desk logged your call: {summary}. "
                "You can follow it under My incidents.",
            )
    return incident


# ---------------------------------------------------------------- the desk


def incident_return_to_user(
    *, incident: Incident, by, question: str, version: int | None = None
) -> Incident:
    """The sheet is incomplete: ask the user and wait for the answer (clock paused)."""
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "return_to_user", by, version)
        from_status = _change_status(incident, Status.AWAITING_USER)
        fields = ["status", *_respond(incident, by, now)]
        if incident.owner_id is None:
            incident.owner = by
            fields.append("owner")
        _save(incident, fields, now)
        _log(
            incident,
            by,
            EntryKind.STATUS,
            f"More information needed: {question}",
            public=True,
            from_status=from_status,
            to_status=incident.status,
            now=now,
        )
        notifications.notify(
            event=Event.MORE_INFO_NEEDED,
            incident=incident,
            recipients=[incident.reporter],
            actor=by,
            subject=f"{incident.reference}: the service desk needs more information",
            body=f"About your incident \u201c{incident.summary}\u201d, the service desk asks:\n\n"
            f"{question}\n\nPlease answer on the incident's page.",
        )
    return incident


def incident_answer(*, incident: Incident, by, answer: str, version: int | None = None) -> Incident:
    """The user answers the desk's question; the sheet goes back to the desk."""
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "answer", by, version)
        from_status = _change_status(incident, Status.SUBMITTED)
        _save(incident, ["status"], now)
        _log(
            incident,
            by,
            EntryKind.MESSAGE_FROM_USER,
            answer,
            public=True,
            from_status=from_status,
            to_status=incident.status,
            now=now,
        )
        notifications.notify(
            event=Event.USER_ANSWERED,
            incident=incident,
            recipients=[incident.owner] if incident.owner else notifications.desk_people(),
            actor=by,
            subject=f"{incident.reference}: {incident.reporter} answered",
            body=answer,
        )
    return incident


def incident_accept(
    *,
    incident: Incident,
    by,
    category: Category | None,
    impact: int,
    urgency: int,
    site: Site | None = None,
    room: Room | None = None,
    equipment: Equipment | None = None,
    channel: str | None = None,
    version: int | None = None,
) -> Incident:
    """Accept the sheet and log it in the call log; the desk person owns the call."""
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "accept", by, version)
        from_status = _change_status(incident, Status.LOGGED)
        incident.category = category
        incident.impact, incident.urgency = impact, urgency
        incident.priority = priority_for(impact, urgency)
        if site is not None:
            incident.site = site
        incident.room = room if room is not None else incident.room
        incident.equipment = equipment if equipment is not None else incident.equipment
        if channel:
            incident.channel = channel
        incident.logged_at = now
        incident.received_by = by
        if incident.owner_id is None:
            incident.owner = by
        _apply_targets(incident)
        fields = [
            "status",
            "category",
            "impact",
            "urgency",
            "priority",
            "site",
            "room",
            "equipment",
            "channel",
            "logged_at",
            "received_by",
            "owner",
            "response_due_at",
            "resolution_due_at",
            *_respond(incident, by, now),
        ]
        _save(incident, fields, now)
        _log(
            incident,
            by,
            EntryKind.STATUS,
            f"Logged as priority {incident.get_priority_display()}"
            + (f", {category}" if category else "")
            + f". Owner: {incident.owner}.",
            public=True,
            from_status=from_status,
            to_status=incident.status,
            now=now,
        )
        notifications.notify(
            event=Event.LOGGED,
            incident=incident,
            recipients=[incident.reporter],
            actor=by,
            subject=f"{incident.reference} has been logged",
            body=f"The service desk logged your incident \u201c{incident.summary}\u201d. "
            f"{incident.owner} is looking after it.",
        )
    return incident


def incident_update_details(
    *,
    incident: Incident,
    by,
    version: int | None = None,
    **changes,
) -> Incident:
    """Change category, impact/urgency (and so priority), place or equipment."""
    allowed = {"category", "impact", "urgency", "site", "room", "equipment", "channel", "summary"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} here.")
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "update_details", by, version)
        described = []
        for field, value in changes.items():
            if getattr(incident, field) != value:
                setattr(incident, field, value)
                described.append(f"{incident._meta.get_field(field).verbose_name}: {value or '—'}")
        if not described:
            return incident
        fields = list(changes)
        new_priority = priority_for(incident.impact, incident.urgency)
        if new_priority != incident.priority:
            incident.priority = new_priority
            _apply_targets(incident)
            fields += ["priority", "response_due_at", "resolution_due_at"]
            described.append(f"priority: {incident.get_priority_display()}")
        _save(incident, fields, now)
        _log(
            incident,
            by,
            EntryKind.DETAILS,
            _sentence("; ".join(described)),
            public=False,
            now=now,
        )
    return incident


def incident_set_priority(
    *, incident: Incident, by, priority: int, version: int | None = None
) -> Incident:
    """Set priority directly (bulk action): impact and urgency follow the nearest pair."""
    impact = max(1, min(3, priority - 1)) if priority > 1 else 1
    urgency = priority + 1 - impact
    return incident_update_details(
        incident=incident, by=by, version=version, impact=impact, urgency=urgency
    )


def incident_take_ownership(*, incident: Incident, by, version: int | None = None) -> Incident:
    return incident_hand_over(incident=incident, by=by, to=by, version=version)


def incident_hand_over(*, incident: Incident, by, to, version: int | None = None) -> Incident:
    """Give the call to a service desk person (or take it yourself)."""
    if not roles.is_desk(to):
        raise NotAllowed(f"{to} is not on the service desk.")
    now = timezone.now()
    move = "take_ownership" if to.pk == by.pk else "hand_over"
    with transaction.atomic():
        incident = _lock(incident, move, by, version)
        if incident.owner_id == to.pk:
            return incident
        previous = incident.owner
        incident.owner = to
        incident.owner_unread = False
        _save(incident, ["owner", "owner_unread", *_respond(incident, by, now)], now)
        text = f"{to} took ownership" if to.pk == by.pk else f"Ownership handed to {to}"
        if previous:
            text += f" (was {previous})"
        _log(incident, by, EntryKind.OWNERSHIP, text + ".", public=False, now=now)
        notifications.notify(
            event=Event.OWNERSHIP,
            incident=incident,
            recipients=[to],
            actor=by,
            subject=f"{incident.reference} is now yours",
            body=f"{by} handed you {incident.reference}: {incident.summary}",
        )
    return incident


def incident_request_technician(
    *,
    incident: Incident,
    by,
    technician=None,
    note: str = "",
    visit_date: date | None = None,
    version: int | None = None,
) -> Incident:
    """Pass the call to a technician, or to the technician pool when none is named."""
    if technician is not None and not roles.is_technician(technician):
        raise NotAllowed(f"{technician} is not a technician.")
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "request_technician", by, version)
        from_status = _change_status(incident, Status.ASSIGNED)
        incident.assignee = technician
        incident.assigned_at = now
        incident.visit_date = visit_date
        incident.technician_note = note
        incident.hold_reason = ""
        if incident.owner_id is None:
            incident.owner = by
        _save(
            incident,
            [
                "status",
                "assignee",
                "assigned_at",
                "visit_date",
                "technician_note",
                "hold_reason",
                "owner",
            ],
            now,
        )
        who = str(technician) if technician else "the technician pool"
        visit = f" Planned visit: {visit_date:%A %d %B %Y}." if visit_date else ""
        _log(
            incident,
            by,
            EntryKind.ASSIGNMENT,
            f"Technician support requested from {who}.{visit}",
            public=True,
            from_status=from_status,
            to_status=incident.status,
            now=now,
        )
        if note:
            _log(incident, by, EntryKind.NOTE, f"For the technician: {note}", public=False, now=now)
        recipients = [technician] if technician else notifications.technician_people()
        notifications.notify(
            event=Event.TECHNICIAN_REQUESTED,
            incident=incident,
            recipients=recipients,
            actor=by,
            subject=f"{incident.reference} passed to {'you' if technician else 'the technician pool'}",
            body=f"{incident.summary}\nSite: {incident.site}.{visit}"
            + (f"\n\nNote: {note}" if note else ""),
        )
        notifications.notify(
            event=Event.TECHNICIAN_REQUESTED,
            incident=incident,
            recipients=[incident.reporter],
            actor=by,
            subject=f"{incident.reference}: a technician has been asked to help",
            body=f"The service desk asked a technician to look at \u201c{incident.summary}\u201d."
            + (f" The technician plans to visit on {visit_date:%A %d %B}." if visit_date else ""),
        )
    return incident


# ---------------------------------------------------------------- technicians


def incident_take(*, incident: Incident, by, version: int | None = None) -> Incident:
    """A technician takes a call from the pool. Only one can: the others are told."""
    if not roles.is_technician(by):
        raise NotAllowed("Only a technician can take a call.")
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "take", by, version)
        if incident.assignee_id == by.pk:
            return incident
        if incident.assignee_id is not None:
            raise Conflict(incident)
        incident.assignee = by
        incident.assigned_at = now
        _keep_desk_informed(
            incident, by, f"{incident.reference}: {by} took the call", incident.summary
        )
        _save(incident, ["assignee", "assigned_at", "owner_unread"], now)
        _log(incident, by, EntryKind.ASSIGNMENT, f"{by} took the call.", public=False, now=now)
    return incident


def incident_start(*, incident: Incident, by, version: int | None = None) -> Incident:
    """The technician starts work (taking the call from the pool if nobody has)."""
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "start", by, version)
        if incident.assignee_id and incident.assignee_id != by.pk and not roles.is_desk(by):
            raise NotAllowed(f"{incident.reference} is assigned to {incident.assignee}.")
        from_status = _change_status(incident, Status.IN_PROGRESS)
        fields = ["status", "hold_reason"]
        incident.hold_reason = ""
        if incident.assignee_id is None and roles.is_technician(by):
            incident.assignee = by
            fields.append("assignee")
        _keep_desk_informed(
            incident, by, f"{incident.reference}: work started by {by}", incident.summary
        )
        _save(incident, [*fields, "owner_unread"], now)
        _log(
            incident,
            by,
            EntryKind.STATUS,
            f"Work started by {by}.",
            public=True,
            from_status=from_status,
            to_status=incident.status,
            now=now,
        )
    return incident


def incident_hold(
    *, incident: Incident, by, reason: str, note: str = "", version: int | None = None
) -> Incident:
    """Put the call on hold: waiting for a supplier, parts or the user."""
    if reason not in HoldReason.values:
        raise InvalidMove("Choose why the incident is on hold.")
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "hold", by, version)
        from_status = _change_status(incident, Status.ON_HOLD)
        incident.hold_reason = reason
        text = f"On hold: {HoldReason(reason).label.lower()}." + (f" {note}" if note else "")
        _keep_desk_informed(incident, by, f"{incident.reference} on hold", text)
        _save(incident, ["status", "hold_reason", "owner_unread"], now)
        _log(
            incident,
            by,
            EntryKind.STATUS,
            text,
            public=True,
            from_status=from_status,
            to_status=incident.status,
            now=now,
        )
    return incident


def incident_diagnose(
    *,
    incident: Incident,
    by,
    action_taken: str,
    result: str = "",
    minutes_spent: int = 0,
    performed_at=None,
) -> DiagnosticEntry:
    """Add a line to the incident diagnostics sheet (internal) and tell the owner."""
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "diagnose", by, None)
        entry = DiagnosticEntry.objects.create(
            incident=incident,
            author=by,
            performed_at=performed_at or now,
            action_taken=action_taken,
            result=result,
            minutes_spent=minutes_spent,
            created_at=now,
        )
        text = (
            f"{action_taken}"
            + (f" → {result}" if result else "")
            + (f" ({minutes_spent} min)" if minutes_spent else "")
        )
        _keep_desk_informed(incident, by, f"{incident.reference}: diagnostics recorded", text)
        _save(incident, ["owner_unread", *_respond(incident, by, now)], now)
        _log(incident, by, EntryKind.DIAGNOSTIC, text, public=False, now=now)
    return entry


def incident_record_cause(
    *, incident: Incident, by, cause: str = "", parts_used: str = "", workaround: str | None = None
) -> Incident:
    """Record the cause found, the parts used and (optionally) a workaround in place."""
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "record_cause", by, None)
        incident.cause, incident.parts_used = cause, parts_used
        fields = ["cause", "parts_used"]
        parts = []
        if cause:
            parts.append(f"Cause: {cause}")
        if parts_used:
            parts.append(f"Parts used: {parts_used}")
        if workaround is not None:
            incident.workaround = workaround
            fields.append("workaround")
            if workaround:
                parts.append(f"Workaround in place: {workaround}")
        text = ". ".join(parts) or "Cause and parts cleared."
        _keep_desk_informed(incident, by, f"{incident.reference}: cause recorded", text)
        _save(incident, [*fields, "owner_unread"], now)
        _log(incident, by, EntryKind.DIAGNOSTIC, text, public=False, now=now)
    return incident


def incident_resolve(
    *,
    incident: Incident,
    by,
    resolution: str,
    kind: str = ResolutionKind.FIX,
    version: int | None = None,
) -> Incident:
    """Record a fix or a workaround: the service is restored. The user is told."""
    if not resolution.strip():
        raise InvalidMove("Say what was done to resolve it.")
    if kind not in ResolutionKind.values:
        raise InvalidMove("Choose fix or workaround.")
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "resolve", by, version)
        from_status = _change_status(incident, Status.RESOLVED)
        incident.resolution = resolution
        incident.resolution_kind = kind
        if kind == ResolutionKind.WORKAROUND:
            incident.workaround = resolution
        incident.resolved_at = now
        incident.resolved_by = by
        incident.hold_reason = ""
        if roles.is_technician(by) and not roles.is_desk(by):
            _keep_desk_informed(incident, by, f"{incident.reference} resolved by {by}", resolution)
        _save(
            incident,
            [
                "status",
                "resolution",
                "resolution_kind",
                "workaround",
                "resolved_at",
                "resolved_by",
                "hold_reason",
                "owner_unread",
                *_respond(incident, by, now),
            ],
            now,
        )
        _log(
            incident,
            by,
            EntryKind.RESOLUTION,
            f"Resolved ({ResolutionKind(kind).label.lower()}): {resolution}",
            public=True,
            from_status=from_status,
            to_status=incident.status,
            now=now,
        )
        notifications.notify(
            event=Event.RESOLVED,
            incident=incident,
            recipients=[incident.reporter],
            actor=by,
            subject=f"{incident.reference} is resolved",
            body=f"\u201c{incident.summary}\u201d has been resolved.\n\n{resolution}\n\n"
            f"If it is not fixed, say so on the incident's page within "
            f"{settings.REOPEN_WINDOW_DAYS} days and it will be reopened.",
        )
    return incident


# ---------------------------------------------------------------- closure


def incident_close(
    *,
    incident: Incident,
    by,
    code: str,
    resolution: str = "",
    duplicate_of: Incident | None = None,
    version: int | None = None,
) -> Incident:
    """Close the call with a closure code and tell the user the resolution."""
    if code not in ClosureCode.values:
        raise InvalidMove("Choose a closure code.")
    if code == ClosureCode.DUPLICATE:
        if duplicate_of is None:
            raise InvalidMove("Say which incident this one duplicates.")
        if duplicate_of.pk == incident.pk:
            raise InvalidMove("An incident cannot duplicate itself.")
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "close", by, version)
        resolution = resolution.strip() or incident.resolution
        if code == ClosureCode.DUPLICATE:
            resolution = (
                resolution or f"Duplicate of {duplicate_of.reference}, which is being dealt with."
            )
        elif code == ClosureCode.RESOLVED_ITSELF and not resolution:
            resolution = "The equipment started working again by itself."
        elif code == ClosureCode.NOT_AN_INCIDENT and not resolution:
            resolution = "This was not an incident."
        elif code == ClosureCode.NO_FAULT_FOUND and not resolution:
            resolution = "No fault was found."
        if not resolution:
            raise InvalidMove("Record the resolution before closing.")
        from_status = _change_status(incident, Status.CLOSED)
        incident.closure_code = code
        incident.resolution = resolution
        incident.duplicate_of = duplicate_of if code == ClosureCode.DUPLICATE else None
        incident.closed_at = now
        incident.closed_by = by
        incident.user_notified_at = now
        incident.owner_unread = False
        if incident.resolved_at is None:
            incident.resolved_at = now
            incident.resolved_by = by
        if not incident.resolution_kind and code in (ClosureCode.FIXED, ClosureCode.WORKAROUND):
            # Closed at first contact: the desk's fix or workaround is the resolution.
            incident.resolution_kind = (
                ResolutionKind.FIX if code == ClosureCode.FIXED else ResolutionKind.WORKAROUND
            )
        if incident.owner_id is None:
            incident.owner = by
        _save(
            incident,
            [
                "status",
                "closure_code",
                "resolution",
                "duplicate_of",
                "closed_at",
                "closed_by",
                "user_notified_at",
                "owner_unread",
                "resolved_at",
                "resolved_by",
                "resolution_kind",
                "owner",
                *_respond(incident, by, now),
            ],
            now,
        )
        _log(
            incident,
            by,
            EntryKind.STATUS,
            f"Closed – {ClosureCode(code).label.lower()}. Resolution: {resolution}",
            public=True,
            from_status=from_status,
            to_status=incident.status,
            now=now,
        )
        notifications.notify(
            event=Event.CLOSED,
            incident=incident,
            recipients=[incident.reporter],
            actor=by,
            subject=f"{incident.reference} is closed",
            body=f"Your incident \u201c{incident.summary}\u201d is closed "
            f"({ClosureCode(code).label.lower()}).\n\nThe resolution: {resolution}",
        )
    return incident


def incident_reopen(*, incident: Incident, by, reason: str, version: int | None = None) -> Incident:
    """ "Still not fixed": back to whoever resolved it, within the reopen window."""
    if not reason.strip():
        raise InvalidMove("Tell us what is still wrong.")
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "reopen", by, version)
        if not roles.is_desk(by) and not within_reopen_window(incident, now):
            raise InvalidMove(
                f"It is more than {settings.REOPEN_WINDOW_DAYS} days since it was resolved: "
                "please file a new incident sheet."
            )
        from_status = _change_status(incident, Status.IN_PROGRESS)
        resolver = incident.resolved_by
        if resolver is not None and roles.is_technician(resolver):
            incident.assignee = resolver
        incident.reopen_count += 1
        incident.resolved_at = None
        incident.resolution_kind = ""
        _save(
            incident, ["status", "assignee", "reopen_count", "resolved_at", "resolution_kind"], now
        )
        _log(
            incident,
            by,
            EntryKind.STATUS,
            f"Not fixed – reopened: {reason}",
            public=True,
            from_status=from_status,
            to_status=incident.status,
            now=now,
        )
        notifications.notify(
            event=Event.REOPENED,
            incident=incident,
            recipients=[p for p in (resolver, incident.owner, incident.assignee) if p is not None],
            actor=by,
            subject=f"{incident.reference} reopened: not fixed",
            body=f"{by} says \u201c{incident.summary}\u201d is not fixed:\n\n{reason}",
        )
    return incident


def incident_working_again(*, incident: Incident, by, note: str = "") -> Incident:
    """The user says it works again before the visit: the desk can close it in one click."""
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "working_again", by, None)
        if incident.working_again_at is not None:
            return incident
        incident.working_again_at = now
        incident.working_again_note = note
        _save(incident, ["working_again_at", "working_again_note"], now)
        _log(
            incident,
            by,
            EntryKind.WORKING_AGAIN,
            "It is working again." + (f" {note}" if note else ""),
            public=True,
            now=now,
        )
        recipients = _desk_and_assignee(incident) or notifications.desk_people()
        notifications.notify(
            event=Event.WORKING_AGAIN,
            incident=incident,
            recipients=recipients,
            actor=by,
            subject=f"{incident.reference}: the user says it works again",
            body=f"{incident.reporter} says \u201c{incident.summary}\u201d works again."
            + (f"\n\n{note}" if note else "")
            + "\n\nYou can close it as resolved itself.",
        )
    return incident


# ---------------------------------------------------------------- messages and notes


def incident_message_user(*, incident: Incident, by, text: str) -> CallLogEntry:
    """A message to the user: in the public call log and in their inbox."""
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "message_user", by, None)
        _save(incident, _respond(incident, by, now), now)
        entry = _log(incident, by, EntryKind.MESSAGE_TO_USER, text, public=True, now=now)
        notifications.notify(
            event=Event.MESSAGE,
            incident=incident,
            recipients=[incident.reporter],
            actor=by,
            subject=f"{incident.reference}: a message from the service desk",
            body=text,
        )
    return entry


def incident_user_message(*, incident: Incident, by, text: str) -> CallLogEntry:
    """The user adds something while the incident is open."""
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "user_message", by, None)
        if incident.owner_id:
            incident.owner_unread = True
        _save(incident, ["owner_unread"], now)
        entry = _log(incident, by, EntryKind.MESSAGE_FROM_USER, text, public=True, now=now)
        notifications.notify(
            event=Event.MESSAGE,
            incident=incident,
            recipients=_desk_and_assignee(incident) or notifications.desk_people(),
            actor=by,
            subject=f"{incident.reference}: a message from {by}",
            body=text,
        )
    return entry


def incident_add_note(*, incident: Incident, by, text: str) -> CallLogEntry:
    """An internal note: support staff only, never shown to the user."""
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "note", by, None)
        if roles.is_technician(by) and not roles.is_desk(by):
            _keep_desk_informed(incident, by, f"{incident.reference}: note from {by}", text)
        _save(incident, ["owner_unread"], now)
        return _log(incident, by, EntryKind.NOTE, text, public=False, now=now)


def incident_attach(*, incident: Incident, by, photos: Iterable[dict]) -> list[Attachment]:
    """Add photos of the error while the incident is open."""
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "attach", by, None)
        created = [
            Attachment.objects.create(incident=incident, uploaded_by=by, created_at=now, **photo)
            for photo in photos
        ]
        if not created:
            return created
        names = ", ".join(a.original_name for a in created)
        if not roles.is_support_staff(by) and incident.owner_id:
            incident.owner_unread = True
        _save(incident, ["owner_unread"], now)
        _log(incident, by, EntryKind.ATTACHMENT, f"Added {names}.", public=True, now=now)
    return created


def incident_mark_read(*, incident: Incident, by) -> None:
    """The owner has looked at the latest updates. Not a change worth a log line."""
    if incident.owner_unread and incident.owner_id == by.pk:
        Incident.objects.filter(pk=incident.pk).update(owner_unread=False)
        incident.owner_unread = False


# ---------------------------------------------------------------- knowledge and problems


def incident_link_article(
    *, incident: Incident, by, article: KnowledgeArticle, fix_applied: bool = False
) -> Incident:
    """The desk checked the knowledge base: link what matched, and say if its fix was applied."""
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "link_article", by, None)
        incident.knowledge_articles.add(article)
        fields = list(_respond(incident, by, now))
        text = f"Knowledge base: {article.title}."
        if fix_applied:
            incident.known_fix_applied = True
            fields.append("known_fix_applied")
            text += " Known fix applied."
        _save(incident, fields, now)
        _log(incident, by, EntryKind.KNOWLEDGE, text, public=False, now=now)
    return incident


def incident_link_problem(*, incident: Incident, by, problem: Problem) -> Incident:
    """Follow an incident into problem management."""
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "link_problem", by, None)
        if incident.problem_id == problem.pk:
            return incident
        incident.problem = problem
        fields = ["problem", "owner_unread"]
        if problem.workaround and not incident.workaround:
            incident.workaround = problem.workaround
            fields.append("workaround")
        if roles.is_technician(by) and not roles.is_desk(by):
            _keep_desk_informed(
                incident, by, f"{incident.reference} linked to {problem.reference}", problem.title
            )
        _save(incident, fields, now)
        _log(
            incident,
            by,
            EntryKind.PROBLEM,
            f"Linked to problem {problem.reference}: {problem.title}.",
            public=False,
            now=now,
        )
    return incident


# ---------------------------------------------------------------- consultations


def consultation_open(
    *,
    incident: Incident,
    by,
    group,
    reason: str,
    contact=None,
    case_reference: str = "",
    chase_on: date | None = None,
    contacted_at=None,
) -> Consultation:
    """Consult a support group. While they are working on it the target clock waits."""
    if contact is not None and contact.group_id != group.pk:
        raise InvalidMove("That contact belongs to another group.")
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident, "consult", by, None)
        consultation = Consultation.objects.create(
            incident=incident,
            group=group,
            contact=contact,
            reason=reason,
            case_reference=case_reference,
            chase_on=chase_on,
            contacted_at=contacted_at or now,
            opened_by=by,
        )
        text = f"Consulted {group}" + (f" ({contact})" if contact else "")
        text += f": {reason}" + (
            f" Their case reference: {case_reference}." if case_reference else ""
        )
        if chase_on:
            text += f" Chase on {chase_on:%d %b %Y}."
        _keep_desk_informed(incident, by, f"{incident.reference}: {group} consulted", text)
        _save(incident, ["owner_unread"], now)
        _log(incident, by, EntryKind.CONSULTATION, text, public=False, now=now)
    return consultation


def consultation_update(
    *,
    consultation: Consultation,
    by,
    answer: str | None = None,
    case_reference: str | None = None,
    chase_on: date | None = None,
    close: bool = False,
) -> Consultation:
    """Record the group's answer or a new chase date, or close the consultation."""
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(consultation.incident, "consultation_update", by, None)
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.status == "closed":
            raise InvalidMove("That consultation is closed.")
        parts = []
        if case_reference:
            consultation.case_reference = case_reference
            parts.append(f"case reference {case_reference}")
        if chase_on:
            consultation.chase_on = chase_on
            parts.append(f"chase on {chase_on:%d %b %Y}")
        if answer:
            consultation.answer = answer
            consultation.status = ConsultationStatus.ANSWERED
            consultation.answered_at = now
            parts.append(f"answer: {answer}")
        if close:
            consultation.status = ConsultationStatus.CLOSED
            consultation.closed_at = now
            parts.append("closed")
        if not parts:
            return consultation
        consultation.save()
        text = f"{consultation.group}: " + "; ".join(parts) + "."
        _keep_desk_informed(
            incident, by, f"{incident.reference}: {consultation.group} update", text
        )
        _save(incident, ["owner_unread"], now)
        _log(incident, by, EntryKind.CONSULTATION, text, public=False, now=now)
    return consultation


# ---------------------------------------------------------------- problem management


def _may_manage_problems(by) -> None:
    if not roles.is_support_staff(by):
        raise NotAllowed("Only the service desk and technicians manage problems.")


def _lock_problem(problem: Problem, by, version: int | None) -> Problem:
    _may_manage_problems(by)
    current = Problem.objects.select_for_update().get(pk=problem.pk)
    if version is not None and current.version != version:
        raise WorkflowError(
            f"{current.reference} was changed by someone else: check the latest version and try again."
        )
    return current


def problem_open(
    *,
    by,
    title: str,
    description: str,
    proactive: bool = True,
    category: Category | None = None,
    equipment: Equipment | None = None,
    workaround: str = "",
) -> Problem:
    """Open a problem: proactively, before any incident comes in, or from an incident."""
    _may_manage_problems(by)
    return Problem.objects.create(
        title=title,
        description=description,
        proactive=proactive,
        category=category,
        equipment=equipment,
        workaround=workaround,
        opened_by=by,
    )


def problem_escalate(
    *,
    incident: Incident,
    by,
    workaround: str = "",
    no_workaround_reason: str = "",
    problem: Problem | None = None,
    title: str = "",
    description: str = "",
) -> Problem:
    """Escalate an incident into problem management, new or existing.

    Workarounds come first, to take the time pressure off the problem: escalation
    needs the workaround in place, or why there is none. The incident stays open.
    """
    if not workaround.strip() and not no_workaround_reason.strip():
        raise InvalidMove(
            "Record the workaround in place, or say why there is none, before escalating."
        )
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(incident, "link_problem", by, None)
        if problem is None:
            problem = Problem.objects.create(
                title=title or locked.summary,
                description=description or locked.summary,
                proactive=False,
                category=locked.category,
                equipment=locked.equipment,
                workaround=workaround,
                no_workaround_reason=no_workaround_reason,
                opened_by=by,
            )
        else:
            problem = _lock_problem(problem, by, None)
            changed = []
            if workaround and not problem.workaround:
                problem.workaround = workaround
                changed.append("workaround")
            if not problem.is_open:
                raise InvalidMove(f"{problem.reference} is {problem.get_status_display().lower()}.")
            if changed:
                problem.version += 1
                problem.save(update_fields=[*changed, "version", "updated_at"])
        locked.problem = problem
        fields = ["problem", "owner_unread"]
        if workaround:
            locked.workaround = workaround
            fields.append("workaround")
        text = f"Escalated into problem management: {problem.reference} {problem.title}. " + (
            f"Workaround in place: {workaround}"
            if workaround
            else f"No workaround: {no_workaround_reason}"
        )
        _keep_desk_informed(
            locked, by, f"{locked.reference} escalated to {problem.reference}", text
        )
        _save(locked, fields, now)
        _log(locked, by, EntryKind.PROBLEM, text, public=False, now=now)
    return problem


def problem_update(*, problem: Problem, by, version: int | None = None, **changes) -> Problem:
    """Record what is found: root cause, workaround, status."""
    allowed = {
        "title",
        "description",
        "root_cause",
        "workaround",
        "no_workaround_reason",
        "status",
        "category",
        "equipment",
    }
    if set(changes) - allowed:
        raise ValueError("Those fields are not changed here.")
    with transaction.atomic():
        problem = _lock_problem(problem, by, version)
        for field, value in changes.items():
            setattr(problem, field, value)
        problem.version += 1
        problem.save(update_fields=[*changes, "version", "updated_at"])
    return problem


def problem_publish_known_error(
    *, problem: Problem, by, symptoms: str = "", version: int | None = None
) -> KnowledgeArticle:
    """Make the problem a known error: its workaround becomes a knowledge article that
    the desk and users find when they file a sheet."""
    from .models import ArticleKind, ProblemStatus

    with transaction.atomic():
        problem = _lock_problem(problem, by, version)
        if not problem.workaround.strip():
            raise InvalidMove("A known error needs its workaround written down first.")
        article = KnowledgeArticle.objects.filter(problem=problem).first()
        if article is None:
            article = KnowledgeArticle(problem=problem, created_by=by)
        article.title = problem.title
        article.kind = ArticleKind.KNOWN_ERROR
        article.symptoms = symptoms or problem.description
        article.body = problem.workaround
        article.category = problem.category
        article.equipment_kind = problem.equipment.kind if problem.equipment else ""
        article.is_published = True
        article.save()
        problem.is_known_error = True
        if problem.status in (ProblemStatus.OPEN, ProblemStatus.INVESTIGATING):
            problem.status = ProblemStatus.KNOWN_ERROR
        problem.version += 1
        problem.save(update_fields=["is_known_error", "status", "version", "updated_at"])
    return article


def problem_resolve(
    *,
    problem: Problem,
    by,
    resolution: str,
    root_cause: str = "",
    resolve_incidents: Iterable[Incident] = (),
    version: int | None = None,
) -> list[Incident]:
    """Resolve the problem and, if chosen, its open incidents: each gets its own
    call-log entry and its user is told."""
    from .models import ProblemStatus

    if not resolution.strip():
        raise InvalidMove("Say how the problem was resolved.")
    now = timezone.now()
    resolved = []
    with transaction.atomic():
        problem = _lock_problem(problem, by, version)
        problem.status = ProblemStatus.RESOLVED
        problem.resolution = resolution
        if root_cause:
            problem.root_cause = root_cause
        problem.resolved_at = now
        problem.version += 1
        problem.save(
            update_fields=[
                "status",
                "resolution",
                "root_cause",
                "resolved_at",
                "version",
                "updated_at",
            ]
        )
        for incident in resolve_incidents:
            if incident.problem_id != problem.pk or incident.status not in WORKING:
                continue
            resolved.append(
                incident_resolve(
                    incident=incident,
                    by=by,
                    resolution=f"{resolution} (problem {problem.reference} resolved)",
                    kind=ResolutionKind.FIX,
                )
            )
    return resolved
