"""Telling people: one in-app notification per person per event, and its e-mail.

`notify` is called by the workflow inside the transaction that makes the change:
the notification rows and the delivery tasks commit with it or not at all. The
person who made the change is never told about it. The words come from
templates/incidents/notifications/<template>.txt (see incidents.history).
"""

from collections.abc import Iterable
from typing import Any

from accounts.models import EmailChoice
from accounts.roles import Role, is_support_staff, people_with, support_staff_among

from .history import render_notification
from .models import EmailStatus, Event, Incident, Notification, format_reference


def desk_people(school: Any) -> list[Any]:
    """The service desk serving the school: its own desk and the organisation's.
    Every one of them is support staff (`notify(all_staff=True)`)."""
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
    all_staff: bool = False,
) -> list[Notification]:
    """Queue one notification for each recipient but the actor.

    `all_staff`: the recipients are all support staff (`desk_people`, whose desk and
    support-admin memberships make them so), which saves asking who is."""
    from .tasks import enqueue_deliveries

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
    # Whole lists of people are told at once (a new sheet tells the school's whole
    # desk): one query for who among them is support staff, one INSERT for the
    # notifications and one for their delivery tasks, however many they are.
    staff = {person.pk for person in people} if all_staff else support_staff_among(people)
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=person,
                incident=incident,
                event=event,
                subject=subject[:200],
                body=body,
                email_status=email_status_for(person, incident, event, staff=person.pk in staff),
            )
            for person in people
        ]
    )
    enqueue_deliveries(
        [
            notification.pk
            for notification in created
            if notification.email_status == EmailStatus.PENDING
        ]
    )
    return created


# Answers to the person's own e-mail: sent at once whatever they chose for the rest.
DIRECT_EVENTS = {Event.MAIL_RECEIVED, Event.MAIL_REFUSED, Event.REOPEN_OFFERED}


def email_status_for(
    person: Any, incident: Incident | None, event: str, *, staff: bool | None = None
) -> str:
    """Whether and how the person gets this notification by e-mail, by their choice:
    everyone may turn e-mail off; support staff may also have only their own calls
    (owned, worked on or reported) or one daily digest (`manage.py send_digest`).
    `staff`: whether they are support staff, when the caller already knows."""
    if not person.email or not person.notify_by_email:
        return EmailStatus.NOT_WANTED
    if staff is None:
        staff = is_support_staff(person)
    if event in DIRECT_EVENTS or not staff:
        return EmailStatus.PENDING
    if person.email_choice == EmailChoice.MINE and incident is not None:
        theirs = {incident.owner_id, incident.assignee_id, incident.reporter_id}
        if person.pk not in theirs:
            return EmailStatus.NOT_WANTED
    if person.email_choice == EmailChoice.DIGEST:
        return EmailStatus.DIGEST
    return EmailStatus.PENDING


def target_path(notification: Notification) -> str:
    """Where a notification leads: the approver to their approvals page (the request
    itself is not theirs to open), anyone else to the call, or to their notifications."""
    from django.urls import reverse

    if notification.event == Event.APPROVAL_NEEDED:
        return reverse("incidents:approvals")
    if notification.incident_id:
        return reverse("incidents:detail", args=[format_reference("INC", notification.incident_id)])
    return reverse("incidents:notifications")


__all__ = [
    "Event",
    "desk_people",
    "email_status_for",
    "notify",
    "target_path",
    "technician_people",
]
