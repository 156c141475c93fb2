"""Background delivery of notification e-mails (run by `manage.py db_worker`).

A failed send is tried again later, with the wait doubling each time, up to
NOTIFY_MAX_ATTEMPTS; after that the notification is marked failed and shows as
such in the admin. The Notification row, locked while sending, is the truth about
whether a message went out, so a task run twice does not send twice.
"""

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.tasks.signals import task_enqueued
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


def enqueue_deliveries(notification_ids: Sequence[int]) -> None:
    """Queue `deliver_notification` for each notification, as `enqueue` would, in
    one INSERT when the tasks live in the database: a call's whole desk is told in
    the same number of queries as one person. Called inside the transaction that
    makes the change, so the tasks commit with it. Any other backend (tests may
    use the immediate or dummy one) enqueues them one by one."""
    if not notification_ids:
        return
    backend = deliver_notification.get_backend()
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(backend, DatabaseBackend) or len(notification_ids) == 1:
        for notification_id in notification_ids:
            deliver_notification.enqueue(notification_id)
        return
    from django.utils.json import normalize_json
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend.validate_task(deliver_notification)
    rows = DBTaskResult.objects.bulk_create(
        [
            DBTaskResult(
                id=backend._get_id(),
                args_kwargs=normalize_json({"args": [notification_id], "kwargs": {}}),
                priority=deliver_notification.priority,
                task_path=deliver_notification.module_path,
                queue_name=deliver_notification.queue_name,
                # What the backend's pre_save handler does, which bulk_create skips.
                run_after=deliver_notification.run_after or get_date_max(),
                backend_name=backend.alias,
            )
            for notification_id in notification_ids
        ]
    )
    for row in rows:
        task_enqueued.send(type(backend), task_result=row.task_result)
