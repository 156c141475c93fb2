"""Messages between the desk and the reporter, internal notes, photos, and the
knowledge base."""

from collections.abc import Iterable
from typing import Any

from accounts import roles
from incidents import notifications
from incidents.models import (
    Attachment,
    EntryKind,
    Event,
    Incident,
    KnowledgeArticle,
)

from .core import transition


def incident_message_reporter(*, incident: Incident, by: Any, text: str, version: int) -> Incident:
    """Support staff write to the reporter: in the public call log and in their inbox."""
    with transition(incident, "message_reporter", by, version) as step:
        step.respond()
        step.tell_owner_if_technician("message_to_reporter_owner", message=text)
        step.log(
            "message_to_reporter",
            kind=EntryKind.MESSAGE_TO_USER,
            public=True,
            text=text,
            message=text,
        )
        step.notify(Event.MESSAGE, [step.incident.reporter], "message_to_reporter", message=text)
    return step.incident


def incident_reporter_reply(*, incident: Incident, by: Any, text: str, version: int) -> Incident:
    """The reporter writes to the desk while the incident is open."""
    with transition(incident, "reporter_reply", by, version) as step:
        current = step.incident
        if current.owner_id:
            step.set(owner_unread=True)
        step.log(
            "reporter_message",
            kind=EntryKind.MESSAGE_FROM_USER,
            public=True,
            text=text,
            message=text,
        )
        people = [p for p in (current.owner, current.assignee) if p is not None]
        step.notify(
            Event.MESSAGE,
            people or notifications.desk_people(step.incident.school_id),
            "reporter_message",
            message=text,
        )
    return step.incident


def incident_add_note(*, incident: Incident, by: Any, text: str, version: int) -> Incident:
    """An internal note: support staff only, never shown to the user."""
    with transition(incident, "note", by, version) as step:
        step.tell_owner_if_technician("note", note=text)
        step.log("note", kind=EntryKind.NOTE, text=text, note=text)
    return step.incident


def incident_attach(
    *, incident: Incident, by: Any, photos: Iterable[dict[str, Any]], version: int
) -> list[Attachment]:
    """Add photos of the error while the incident is open."""
    with transition(incident, "attach", by, version) as step:
        created = [
            Attachment.objects.create(
                incident=step.incident, uploaded_by=by, created_at=step.now, **photo
            )
            for photo in photos
        ]
        if not created:
            step.nothing_to_do()
            return created
        names = [a.original_name for a in created]
        if not roles.is_staff_at(by, step.incident.school_id) and step.incident.owner_id:
            step.set(owner_unread=True)
        step.tell_owner_if_technician("attached", names=names)
        step.log(
            "attached", kind=EntryKind.ATTACHMENT, public=True, text=" ".join(names), names=names
        )
    return created


def incident_mark_read(*, incident: Incident, by: Any) -> None:
    """The owner has looked at the latest updates. Not a move: no log line, no version."""
    if incident.owner_unread and incident.owner_id == by.pk:
        Incident.objects.filter(pk=incident.pk, owner=by).update(owner_unread=False)
        incident.owner_unread = False


def incident_link_article(
    *,
    incident: Incident,
    by: Any,
    article: KnowledgeArticle,
    fix_applied: bool = False,
    version: int,
) -> Incident:
    """The desk checked the knowledge base: link what matched, and say if its fix was applied."""
    with transition(incident, "link_article", by, version) as step:
        step.incident.knowledge_articles.add(article)
        step.respond()
        if fix_applied:
            step.set(known_fix_applied=True)
        step.log(
            "article_linked",
            kind=EntryKind.KNOWLEDGE,
            title=article.title,
            article=article.pk,
            fix_applied=fix_applied,
        )
    return step.incident
