"""The demo school: loaded only where it is safe, never touching queued work, each
row dated on its story's day, and loading twice changes nothing."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from incidents.models import (
    CallLogEntry,
    EmailStatus,
    Incident,
    KnowledgeArticle,
    Notification,
    Problem,
    Status,
)
from incidents.tasks import deliver_notification

pytestmark = pytest.mark.django_db(transaction=False)


def load(**options):
    call_command("load_demo", stdout=open("/dev/null", "w"), **options)  # noqa: SIM115


def test_the_demo_refuses_to_load_without_debug():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="--force"):
        load()
    assert not User.objects.filter(username="desk").exists()
    assert Incident.objects.count() == 0


@override_settings(DEBUG=False)
def test_force_loads_it_and_queued_work_survives(reporter, desk):
    from tests.factories import SiteFactory, file_incident

    file_incident(
        reporter, site=SiteFactory(name="Annexe", code="ANX")
    )  # a real call, whose e-mails are queued
    queued = set(DBTaskResult.objects.values_list("pk", flat=True))
    pending = set(
        Notification.objects.filter(email_status=EmailStatus.PENDING).values_list("pk", flat=True)
    )
    assert queued and pending

    load(force=True)

    assert Incident.objects.count() > 40
    assert queued <= set(DBTaskResult.objects.values_list("pk", flat=True))
    assert (
        set(
            Notification.objects.filter(
                pk__in=pending, email_status=EmailStatus.PENDING
            ).values_list("pk", flat=True)
        )
        == pending
    )
    # The demo's own history e-mails nobody and leaves nothing of its own on the queue.
    assert not Notification.objects.exclude(pk__in=pending).filter(email_status=EmailStatus.PENDING)
    demo_tasks = [
        pk
        for pk, call in DBTaskResult.objects.filter(
            task_path=deliver_notification.module_path
        ).values_list("pk", "args_kwargs")
        if call["args"][0] not in pending
    ]
    assert demo_tasks == []


@override_settings(DEBUG=True)
def test_the_demos_rows_carry_their_storys_dates():
    load()
    today = timezone.localdate()

    def days(queryset, field):
        return {timezone.localdate(value) for value in queryset.values_list(field, flat=True)}

    for model, field in (
        (Notification, "created_at"),
        (Problem, "created_at"),
        (KnowledgeArticle, "created_at"),
        (CallLogEntry, "at"),
        (Incident, "created_at"),
    ):
        dated = days(model.objects.all(), field)
        assert dated - {today}, f"every {model.__name__} is dated today"
        assert max(dated) <= today, f"a {model.__name__} is dated in the future"
    oldest = min(days(Notification.objects.all(), "created_at"))
    assert oldest <= today - timedelta(days=60)
    read = Notification.objects.filter(read_at__isnull=False)
    assert read and all(n.read_at == n.created_at for n in read)

    closed = Incident.objects.filter(status=Status.CLOSED, summary="Hall projector no sound").get()
    entries = list(closed.log.order_by("id"))
    assert [entry.at for entry in entries] == sorted(entry.at for entry in entries)
    assert timezone.localdate(entries[0].at) == today - timedelta(days=47)
    assert entries[-1].to_status == Status.CLOSED and entries[-1].at == closed.closed_at
    assert closed.created_at <= entries[0].at
    assert all(
        timezone.localdate(d.performed_at) == timezone.localdate(d.created_at)
        and d.created_at >= closed.created_at
        for d in closed.diagnostics.all()
    )
    problem = Problem.objects.get(title__startswith="Epson")
    first = Incident.objects.get(summary="Room 3 projector switches off after ten minutes")
    assert timezone.localdate(problem.created_at) == today - timedelta(days=9)
    assert problem.created_at > first.created_at


@override_settings(DEBUG=True)
def test_loading_twice_changes_nothing():
    load()
    counts = [
        model.objects.count()
        for model in (User, Incident, CallLogEntry, Notification, Problem, DBTaskResult)
    ]
    load()
    assert [
        model.objects.count()
        for model in (User, Incident, CallLogEntry, Notification, Problem, DBTaskResult)
    ] == counts
