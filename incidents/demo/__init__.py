"""Demo data that looks like a real trust: a primary (two sites, the equipment that
breaks, support groups, knowledge articles and ~40 calls in every state), a secondary
with its own ICT lead, a special school, and a school of a second organisation; people
for every role at each, each moved through the real workflow on its own day (see `clock`), so its
call log, diagnostics, notifications and problems are what the application itself
would have written then.

Loading twice changes nothing the second time. Queued work is never deleted: only
the e-mails the demo's own history queued are withdrawn (it is not news).
"""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from incidents.models import EmailStatus, Notification
from incidents.tasks import deliver_notification

from .catalogue import load_catalogue
from .clock import DemoClock
from .people import DEMO_PASSWORD, PEOPLE, load_people
from .requests import load_request_catalogue, load_requests
from .rota import load_rota
from .schools import load_schools
from .stories import load_incidents, load_other_schools

__all__ = ["DEMO_PASSWORD", "PEOPLE", "is_loaded", "load"]


def is_loaded() -> bool:
    return (
        get_user_model().objects.filter(username="desk", email="sam.patel@school.example").exists()
    )


def load(*, now: datetime | None = None) -> None:
    """Load the demo as of `now` (the real time unless given)."""
    clock = DemoClock(until=now or timezone.now())
    with transaction.atomic():
        newest = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        schools = load_schools()
        people = load_people(schools)
        load_catalogue(people, schools)
        load_request_catalogue(people, schools)
        load_incidents(people, clock)
        load_requests(people, clock)
        load_other_schools(people, clock)
        load_rota(people, clock)
        demo = Notification.objects.filter(pk__gt=newest)
        _withdraw_emails(demo)
        # People have read what happened before the last two days, when it happened.
        demo.filter(created_at__lt=clock.until - timedelta(days=2)).update(read_at=F("created_at"))


def _withdraw_emails(notifications) -> None:
    """Demo history is not news: nobody is e-mailed about it, and only its own
    delivery tasks are taken off the queue."""
    pending = set(
        notifications.filter(email_status=EmailStatus.PENDING).values_list("pk", flat=True)
    )
    notifications.filter(pk__in=pending).update(email_status=EmailStatus.NOT_WANTED)
    queued = DBTaskResult.objects.filter(
        task_path=deliver_notification.module_path, status="READY"
    ).values_list("pk", "args_kwargs")
    ours = [
        pk for pk, call in queued if call.get("args", [None])[:1] and call["args"][0] in pending
    ]
    DBTaskResult.objects.filter(pk__in=ours).delete()
