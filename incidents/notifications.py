"""Telling people: one in-app notification per person per event, and its e-mail.

`notify` is called by the workflow inside the transaction that makes the change:
the notification rows and the delivery tasks commit with it or not at all. The
person who made the change is never told about it. The words come from
templates/incidents/notifications/<template>.txt (see incidents.history).
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings

from accounts.roles import Role, people_with

from .history import render_notification, single_line
from .models import EmailStatus, Event, Incident, Notification


def desk_people(school: Any) -> list[Any]:
    """The service desk serving the school: its own desk and the organisation's."""
    return list(people_with(Role.DESK, school))


def technician_people(school: Any) -> list[Any]:
    """The technicians covering the school."""
    return list(people_with(Role.TECHNICIAN, school))


def notify(
    *,
    event: str,
    incident: Incident | None,
    recipients: Iterable[Any],
    actor: Any,
    template: str,
    context: dict[str, Any] | None = None,
) -> list[Notification]:
    """Queue one notification for each recipient but the actor."""
    from .tasks import deliver_notification

    people = []
    seen = set()
    for person in recipients:
        if person is None or not person.is_active or person.pk in seen:
            continue
        seen.add(person.pk)
        if actor is not None and person.pk == actor.pk:
            continue
        people.append(person)
    if not people:
        return []
    subject, body = render_notification(
        template, {"incident": incident, "by": actor, **(context or {})}
    )
    created = []
    for person in people:
        wants_email = bool(person.email) and person.notify_by_email
        notification = Notification.objects.create(
            recipient=person,
            incident=incident,
            event=event,
            subject=subject[:200],
            body=body,
            email_status=EmailStatus.PENDING if wants_email else EmailStatus.NOT_WANTED,
        )
        created.append(notification)
        if wants_email:
            deliver_notification.enqueue(notification.pk)
    return created


def email_subject(notification: Notification) -> str:
    return single_line(notification.subject)


def email_text(notification: Notification) -> str:
    """The e-mail, from its template: the message, and where to read the rest."""
    from django.template.loader import render_to_string

    link = ""
    if notification.incident_id:
        link = f"{settings.SITE_URL}/incidents/{notification.incident.reference}/"
    return render_to_string(
        "incidents/notifications/_email.txt",
        {"notification": notification, "link": link},
    )


__all__ = ["Event", "desk_people", "email_subject", "email_text", "notify", "technician_people"]
