"""Filing a sheet tells the school's whole service desk, in the same number of
queries however many people are on it: their notifications and delivery tasks are
inserted together, not one person at a time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.models import EmailChoice
from accounts.roles import Role
from incidents.models import EmailStatus, Incident, Notification
from tests.factories import UserFactory
from tests.portal_helpers import sheet_post

REPORT = reverse("incidents:report")


def _file(client, site, summary: str = "Projector shows no picture") -> tuple[int, Incident]:
    """(queries of the POST, the incident it filed)."""
    client.get(REPORT)
    before = Incident.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(REPORT, sheet_post(site=site, summary=summary))
    assert response.status_code == 302
    assert Incident.objects.count() == before + 1
    return len(queries), Incident.objects.latest("pk")


def _desk(n: int, start: int) -> list:
    return [UserFactory(username=f"desk{start + i}", roles=[Role.DESK]) for i in range(n)]


def test_filing_runs_the_same_queries_with_2_or_12_on_the_desk(client_for, reporter, site):
    client = client_for(reporter)
    desk = _desk(2, 0)
    with_two, first = _file(client, site)
    assert set(
        Notification.objects.filter(incident=first, event="filed").values_list(
            "recipient", flat=True
        )
    ) == {person.pk for person in desk}

    desk += _desk(10, 2)
    with_twelve, second = _file(client, site, "The printer in room 4 jams")

    told = Notification.objects.filter(incident=second, event="filed")
    assert sorted(told.values_list("recipient", flat=True)) == sorted(p.pk for p in desk)
    assert with_twelve == with_two


def test_each_pending_notification_gets_one_delivery_task(client_for, reporter, site):
    """Bulk or not: a task per e-mail to send, none for those who chose none or a digest."""
    desk = _desk(4, 0)
    desk[0].notify_by_email = False
    desk[0].save()
    desk[1].email_choice = EmailChoice.DIGEST
    desk[1].save()
    before = DBTaskResult.objects.count()

    _count, incident = _file(client_for(reporter), site)

    told = {n.recipient_id: n for n in Notification.objects.filter(incident=incident)}
    assert set(told) == {person.pk for person in desk}
    assert told[desk[0].pk].email_status == EmailStatus.NOT_WANTED
    assert told[desk[1].pk].email_status == EmailStatus.DIGEST
    pending = sorted(pk for pk, n in told.items() if n.email_status == EmailStatus.PENDING)
    assert pending == sorted([told[desk[2].pk].recipient_id, told[desk[3].pk].recipient_id])
    tasks = DBTaskResult.objects.order_by("enqueued_at")[before:]
    queued = sorted(task.args_kwargs["args"][0] for task in tasks)
    assert queued == sorted(told[pk].pk for pk in pending)
    assert {task.task_path for task in tasks} == {"incidents.tasks.deliver_notification"}


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_each_of_a_bulk_enqueued_desk(client_for, reporter, site):
    from django.core import mail
    from django.core.management import call_command

    desk = _desk(3, 0)
    mail.outbox.clear()
    _count, incident = _file(client_for(reporter), site)

    call_command(
        "db_worker", batch=True, startup_delay=False, interval=0, reload=False, verbosity=0
    )

    told = Notification.objects.filter(incident=incident, event="filed")
    assert {n.email_status for n in told} == {EmailStatus.SENT}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in desk)
