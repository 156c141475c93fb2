"""The e-mail of a notification: HTML with a plain-text alternative, from templates,
threaded per incident, with a reply address that maps a reply to its incident.

Every e-mail says it was sent automatically (`Auto-Submitted: auto-generated`,
RFC 3834), so out-of-office responders do not answer it, and the mailbox reader
ignores anything that says the same of itself: no mail loops.
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from incidents.history import single_line
from incidents.models import Notification
from incidents.notifications import target_path

from . import addresses


def _context(notification: Notification) -> dict[str, Any]:
    link = ""
    if notification.incident_id:
        link = settings.SITE_URL + target_path(notification)
    return {
        "notification": notification,
        "subject": single_line(notification.subject),
        "link": link,
        "reply_possible": bool(notification.incident_id),
        "preferences_link": settings.SITE_URL + reverse("mail_preferences"),
    }


def headers_for(notification: Notification) -> dict[str, str]:
    headers = {
        "Message-ID": addresses.message_id(
            notification.pk, notification.incident_id, notification.recipient_id
        ),
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    if notification.incident_id:
        root = addresses.thread_root(notification.incident_id)
        headers["In-Reply-To"] = root
        headers["References"] = root
    return headers


def build(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail that carries one notification to its recipient."""
    context = _context(notification)
    reply_to = []
    if notification.incident_id:
        reply_to = [
            addresses.reply_address(
                notification.incident_id,
                notification.recipient_id,
                notification.incident.school_id,
            )
        ]
    message = EmailMultiAlternatives(
        subject=context["subject"],
        body=render_to_string("incidents/notifications/_email.txt", context),
        to=[notification.recipient.email],
        reply_to=reply_to,
        headers=headers_for(notification),
    )
    message.attach_alternative(
        render_to_string("incidents/notifications/_email.html", context), "text/html"
    )
    return message


def build_digest(person: Any, notifications: list[Notification]) -> EmailMultiAlternatives:
    """One e-mail with every notification that waited for the person's daily digest."""
    context = {
        "person": person,
        "notifications": notifications,
        "count": len(notifications),
        "site_url": settings.SITE_URL,
        "preferences_link": settings.SITE_URL + reverse("mail_preferences"),
    }
    subject = single_line(
        f"Helpdesk: your daily digest ({len(notifications)} "
        f"update{'s' if len(notifications) != 1 else ''})"
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("incidents/notifications/_digest.txt", context),
        to=[person.email],
        headers={
            "Message-ID": f"<digest.p{person.pk}.n{notifications[-1].pk}@{addresses.domain()}>",
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    message.attach_alternative(
        render_to_string("incidents/notifications/_digest.html", context), "text/html"
    )
    return message
