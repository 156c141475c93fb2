"""Telling people: one in-app notification per person per event, and its e-mail.

`notify` is called by the workflow inside the transaction that makes the change:
the notification rows and the delivery tasks commit with it or not at all. The
person who made the change is never told about it.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.roles import Role

from .models import EmailStatus, Event, Notification


def desk_people():
    return _people_with(Role.DESK)


def technician_people():
    return _people_with(Role.TECHNICIAN)


def _people_with(role: str):
    return list(get_user_model().objects.filter(groups__name=role, is_active=True).distinct())


def notify(
    *, event: str, incident, recipients: Iterable, actor, subject: str, body: str
) -> list[Notification]:
    """Queue one notification for each recipient but the actor."""
    from .tasks import deliver_notification

    seen = set()
    created = []
    for person in recipients:
        if person is None or not person.is_active or person.pk in seen:
            continue
        seen.add(person.pk)
        if actor is not None and person.pk == actor.pk:
            continue
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


def email_text(notification: Notification) -> str:
    """The e-mail: the message, and where to read the rest."""
    lines = [f"Hello {notification.recipient.display_name},", "", notification.body, ""]
    if notification.incident_id:
        lines.append(f"{settings.SITE_URL}/incidents/{notification.incident.reference}/")
    lines += ["", "— Helpdesk", "", "You receive this because you use the school's IT helpdesk."]
    return "\n".join(lines)


__all__ = ["Event", "desk_people", "email_text", "notify", "technician_people"]
