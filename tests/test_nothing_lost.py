"""Nothing lost: concurrent saves, technicians racing for one call, a form sent ten
times at once, and notification delivery across a killed worker and a mail server
that refuses for a while.

The races need real concurrent connections, so they run on PostgreSQL (CI runs the
suite on both databases); SQLite serialises writers and has its own tests of the same
rules in test_workflow_moves.py.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from accounts.roles import Role
from incidents import workflow
from incidents.models import CallLogEntry, EmailStatus, EntryKind, Incident, Notification
from tests.factories import SHEET, UserFactory, file_incident
from tests.support.smtp import SMTPServer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"
    ),
]
ROOT = Path(__file__).resolve().parents[1]


def run_at_once(count, action):
    """Run action(i) in `count` threads released together; returns (ok, errors)."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = ("ok", action(index))
        except Exception as error:
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    ok = [value for kind, value in results if kind == "ok"]
    errors = [value for kind, value in results if kind == "error"]
    return ok, errors


def test_twenty_saves_from_one_version_one_wins_the_rest_are_told(incident, desk, figure):
    version = incident.version

    def save(index):
        return workflow.incident_update_details(
            incident=Incident(pk=incident.pk),
            by=desk,
            version=version,
            summary=f"Projector fault {index}",
        )

    ok, errors = run_at_once(20, save)

    assert len(ok) == 1
    assert len(errors) == 19
    assert all(isinstance(error, workflow.Conflict) for error in errors)
    incident.refresh_from_db()
    assert incident.version == version + 1
    assert CallLogEntry.objects.filter(incident=incident, kind=EntryKind.DETAILS).count() == 1
    figure(
        f"20 concurrent saves of one version: {len(ok)} saved, {len(errors)} told of the conflict, 1 change logged"
    )


def test_five_technicians_taking_one_call_leave_one_owner(incident, desk, figure):
    technicians = [UserFactory(username=f"racer{i}", roles=[Role.TECHNICIAN]) for i in range(5)]
    workflow.incident_accept(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        category=None,
        impact=2,
        urgency=2,
    )
    workflow.incident_request_technician(
        version=workflow.current_version(incident), incident=incident, by=desk, technician=None
    )

    ok, errors = run_at_once(
        5,
        lambda i: workflow.incident_take(
            version=workflow.current_version(Incident(pk=incident.pk)),
            incident=Incident(pk=incident.pk),
            by=technicians[i],
        ),
    )

    assert len(ok) == 1
    assert all(isinstance(error, workflow.Conflict) for error in errors)
    incident.refresh_from_db()
    assert incident.assignee == ok[0].assignee
    [taken] = CallLogEntry.objects.filter(
        incident=incident, kind=EntryKind.ASSIGNMENT, event="taken"
    )
    assert (taken.actor, taken.rendered) == (
        incident.assignee,
        f"{incident.assignee} took the call.",
    )
    figure(f"5 technicians taking one call: 1 owner, {len(errors)} told")


def test_ten_identical_submissions_at_once_make_one_incident(reporter, site, desk, figure):
    token = uuid.uuid4()

    def submit(index):
        return workflow.incident_file(
            by=reporter,
            summary="Room 12 projector: no signal",
            site=site,
            sheet=SHEET,
            submission_token=token,
        )

    ok, errors = run_at_once(10, submit)

    assert errors == []
    assert len({incident.pk for incident, _ in ok}) == 1
    assert sum(created for _, created in ok) == 1
    assert Incident.objects.filter(reporter=reporter).count() == 1
    assert (
        CallLogEntry.objects.filter(kind=EntryKind.FILED, incident__reporter=reporter).count() == 1
    )
    figure("10 identical sheet submissions at once: 1 incident, 1 call-log entry")


def _worker(env):
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "--no-reload",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_notifications_survive_a_killed_worker_and_a_refusing_mail_server(
    reporter, desk, site, figure
):
    for index in range(15):
        file_incident(reporter, site=site, summary=f"Printer fault {index}")
    pending = Notification.objects.filter(email_status=EmailStatus.PENDING)
    queued = pending.count()
    assert queued == 15

    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@{settings_dict['HOST']}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    with SMTPServer() as smtp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "worker-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "localhost",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "NOTIFY_RETRY_BASE_SECONDS": "1",
            "NOTIFY_MAX_ATTEMPTS": "20",
        }
        smtp.refusing = True
        worker = _worker(env)
        deadline = time.monotonic() + 30
        while smtp.refused < 10 and time.monotonic() < deadline:
            time.sleep(0.1)
        worker.send_signal(signal.SIGKILL)  # killed mid-run, no chance to tidy up
        worker.wait(timeout=10)
        refused_while_down = smtp.refused

        smtp.refusing = False
        subprocess.run(
            [sys.executable, "manage.py", "notifications_requeue", "--stalled-minutes", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        worker = _worker(env)
        try:
            deadline = time.monotonic() + 90
            while pending.exists() and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=20)

        delivered = Notification.objects.filter(email_status=EmailStatus.SENT).count()
        subjects = smtp.subjects_to(desk.email)
    assert refused_while_down >= 10
    assert delivered == queued
    assert len(subjects) == queued
    assert len(set(subjects)) == queued  # none twice
    figure(
        f"notifications: {queued} queued, {delivered} delivered, 0 lost, 0 twice "
        f"({refused_while_down} sends refused while the mail server was down, worker killed once)"
    )
