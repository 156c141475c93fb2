"""The transition helper every move runs through.

`transition` locks the row, checks who, the version the person was looking at
and the move's state and guards (from the move table in `rules`), lets the move
make its domain changes on a `Step`, then saves only the changed fields, writes
the history entries, rewrites the search document when the words changed and
queues the notifications, all in one transaction: a move that fails leaves none
of them behind.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts import roles
from incidents import notifications
from incidents.models import (
    CallLogEntry,
    EntryKind,
    Event,
    Incident,
    Problem,
    ProblemLogEntry,
)
from incidents.search import refresh_search_document
from incidents.targets import sync_clock

from .errors import Conflict, NotAllowed
from .rules import MOVES, PROBLEM_MOVES, Move, refusal


@dataclass
class _Entry:
    event: str
    kind: str
    public: bool
    data: dict[str, Any]
    text: str


@dataclass
class Step:
    """One move in progress: the locked record and what the move changes on it."""

    obj: Any
    by: Any
    now: datetime
    move: Move
    from_status: str
    subjects: dict[str, Any] = field(default_factory=dict)
    fields: set[str] = field(default_factory=set)
    entries: list[_Entry] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    unchanged: bool = False
    # The move changed words the incident is searched by outside the record itself
    # (its sheet): see `reindex`.
    words_changed: bool = False

    @property
    def incident(self) -> Incident:
        return self.obj

    def set(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self.obj, name, value)
            self.fields.add(name)

    def respond(self) -> None:
        """The desk's first action answers the response target."""
        if self.obj.responded_at is None and roles.is_staff_at(self.by, self.obj.school_id):
            self.set(responded_at=self.now)

    def log(
        self, event: str, *, kind: str = "", public: bool = False, text: str = "", **data: Any
    ) -> None:
        """A history entry: its event code and data; `text` is what was typed (for search)."""
        self.entries.append(_Entry(event, kind, public, data, text))

    def notify(self, event: str, recipients: Any, template: str, **context: Any) -> None:
        self.messages.append(
            {"event": event, "recipients": recipients, "template": template, "context": context}
        )

    def tell_owner(self, template: str, **context: Any) -> None:
        """The technician keeps the service desk informed at all stages: the owner's
        call is flagged and they are told (the whole desk while nobody owns it)."""
        incident = self.obj
        if incident.owner_id and incident.owner_id != self.by.pk:
            self.set(owner_unread=True)
        self.notify(
            Event.TECHNICIAN_UPDATE,
            [incident.owner] if incident.owner else notifications.desk_people(incident.school_id),
            template,
            **context,
        )

    def tell_owner_if_technician(self, template: str, **context: Any) -> None:
        school = self.obj.school_id
        if roles.has_role(self.by, roles.Role.TECHNICIAN, school) and not roles.has_role(
            self.by, roles.Role.DESK, school
        ):
            self.tell_owner(template, **context)

    def reindex(self) -> None:
        """The move changed the sheet's answers: rewrite the search document too.
        (A new summary or an entry with typed text is noticed without asking.)"""
        self.words_changed = True

    @property
    def changes_search_words(self) -> bool:
        return (
            self.words_changed
            or "summary" in self.fields
            or any(entry.text for entry in self.entries)
        )

    def nothing_to_do(self) -> None:
        """The move changes nothing (it was already done): no save, no entry."""
        self.unchanged = True


def _check(
    move: Move, obj: Any, by: Any, version: int | None, now: datetime, subjects: dict[str, Any]
) -> None:
    if not move.who(by, obj):
        raise NotAllowed("You are not allowed to do that.")
    if version is None or obj.version != version:
        raise Conflict(obj)
    refused = refusal(move, by, obj, now, **subjects)
    if refused is not None:
        raise refused


@contextmanager
def transition(
    obj: Any, move_name: str, by: Any, version: int | None, **subjects: Any
) -> Iterator[Step]:
    """Lock, check, let the move change the record, then save, log and notify.

    `subjects` are other records the move acts on (a consultation of the incident):
    they are locked after the record, checked by the move's guards as they are now,
    and handed to the move as `step.subjects`.
    """
    is_incident = isinstance(obj, Incident)
    move = (MOVES if is_incident else PROBLEM_MOVES)[move_name]
    now = timezone.now()
    with transaction.atomic():
        current = type(obj).objects.select_for_update().get(pk=obj.pk)
        locked = {
            name: type(subject).objects.select_for_update().get(pk=subject.pk)
            for name, subject in subjects.items()
        }
        _check(move, current, by, version, now, locked)
        step = Step(current, by, now, move, from_status=current.status, subjects=locked)
        if move.target:
            step.set(status=move.target)
        yield step
        if step.unchanged:
            return
        _save(step, is_incident)
        _write_entries(step, is_incident)
        if is_incident and step.changes_search_words:
            refresh_search_document(current.pk)
        for message in step.messages:
            notifications.notify(
                event=message["event"],
                incident=current if is_incident else None,
                recipients=message["recipients"],
                actor=by,
                template=message["template"],
                context={"now": now, **message["context"]},
            )


def _save(step: Step, is_incident: bool) -> None:
    """Bump the version, keep the target clock right and save only what changed."""
    obj = step.obj
    obj.version += 1
    changed = step.fields | {"version", "updated_at"}
    if is_incident:
        changed |= set(sync_clock(obj, step.now))
    obj.save(update_fields=sorted(changed))


def _write_entries(step: Step, is_incident: bool) -> None:
    moved = step.obj.status != step.from_status
    # The change of state goes on the move's status entry (its first entry if none).
    kinds = [entry.kind for entry in step.entries]
    carrier = kinds.index(EntryKind.STATUS) if EntryKind.STATUS in kinds else 0
    for index, entry in enumerate(step.entries):
        statuses = {}
        if index == carrier and moved:
            statuses = {"from_status": step.from_status, "to_status": step.obj.status}
        if is_incident:
            CallLogEntry.objects.create(
                incident=step.obj,
                actor=step.by,
                kind=entry.kind,
                event=entry.event,
                data=entry.data,
                text=entry.text,
                is_public=entry.public,
                at=step.now,
                **statuses,
            )
        else:
            ProblemLogEntry.objects.create(
                problem=step.obj,
                actor=step.by,
                event=entry.event,
                data=entry.data,
                at=step.now,
                **statuses,
            )


def log_problem(problem: Problem, by: Any, event: str, now: datetime, **data: Any) -> None:
    """A history line for a problem made outside a transition (opening it)."""
    ProblemLogEntry.objects.create(problem=problem, actor=by, event=event, data=data, at=now)


def label_of(model: Any, name: str) -> str:
    """A field's name as people read it (its verbose name), for history entries."""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def current_version(obj: Any) -> int:
    """The version a record has now: for scripts and demo data acting as a person who
    has just loaded it. (A consultation answers with its incident's version.)"""
    if hasattr(obj, "incident_id") and not isinstance(obj, Incident):
        obj = obj.incident
    return type(obj).objects.values_list("version", flat=True).get(pk=obj.pk)
