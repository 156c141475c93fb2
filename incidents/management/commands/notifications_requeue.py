"""Give every notification e-mail that is still waiting a delivery task again.

Run it before starting `db_worker` (and from cron if you like): a worker killed in
the middle of a send leaves its task marked running for ever, and that e-mail would
otherwise never go. Sending is idempotent — the notification row says whether it
went — so an extra task costs nothing.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from incidents.models import EmailStatus, Notification
from incidents.tasks import deliver_notification

TASK_PATH = f"{deliver_notification.func.__module__}.{deliver_notification.func.__qualname__}"


def requeue_stalled(*, stalled_after: timedelta = timedelta(minutes=5)) -> int:
    """Fail tasks stuck in 'running' and queue a task for each pending e-mail without one."""
    now = timezone.now()
    with transaction.atomic():
        DBTaskResult.objects.filter(
            task_path=TASK_PATH,
            status=TaskResultStatus.RUNNING,
            started_at__lt=now - stalled_after,
        ).update(status=TaskResultStatus.FAILED, finished_at=now)
        queued = {
            args_kwargs["args"][0]
            for args_kwargs in DBTaskResult.objects.filter(
                task_path=TASK_PATH, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
            ).values_list("args_kwargs", flat=True)
            if args_kwargs.get("args")
        }
        waiting = Notification.objects.filter(email_status=EmailStatus.PENDING).exclude(
            pk__in=queued
        )
        count = 0
        for pk in waiting.values_list("pk", flat=True).iterator():
            deliver_notification.enqueue(pk)
            count += 1
    return count


class Command(BaseCommand):
    help = "Queue delivery again for notification e-mails left behind by a stopped worker."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stalled-minutes",
            type=int,
            default=5,
            help="A task running longer than this is taken as dead (default: 5).",
        )

    def handle(self, *args, stalled_minutes, **options):
        count = requeue_stalled(stalled_after=timedelta(minutes=stalled_minutes))
        self.stdout.write(f"{count} notification e-mail(s) queued again.")
