"""Background delivery of notification e-mails (run by `manage.py db_worker`).

A failed send is tried again later, with the wait doubling each time, up to
NOTIFY_MAX_ATTEMPTS; after that the notification is marked failed and shows as
such in the admin. The Notification row, locked while sending, is the truth about
whether a message went out, so a task run twice does not send twice.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import EmailStatus, Notification

logger = logging.getLogger(__name__)


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


@task
def deliver_notification(notification_id: int) -> str:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "incident")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.email_status != EmailStatus.PENDING:
            return "nothing to do"
        from .mail.outgoing import build

        message = build(notification)
        notification.attempts += 1
        try:
            message.send()
        except Exception as error:  # any failure of the mail server: try again later
            notification.last_error = f"{type(error).__name__}: {error}"[:500]
            if notification.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
                notification.email_status = EmailStatus.FAILED
                logger.error("Notification %s failed for good: %s", notification.pk, error)
            else:
                deliver_notification.using(
                    run_after=timezone.now() + retry_delay(notification.attempts)
                ).enqueue(notification.pk)
            notification.save(update_fields=["attempts", "last_error", "email_status"])
            return notification.email_status
        notification.email_status = EmailStatus.SENT
        notification.sent_at = timezone.now()
        notification.save(update_fields=["attempts", "email_status", "sent_at", "last_error"])
        return "sent"
