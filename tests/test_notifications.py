"""Notifications: one per person per event, never to the actor, delivered by the
worker, retried after a failing send, marked failed after the last try."""

import pytest
from django.core import mail
from django.core.management import call_command

from incidents import workflow
from incidents.models import EmailStatus, Notification
from incidents.tasks import deliver_notification


def run_worker():
    call_command(
        "db_worker", batch=True, startup_delay=False, interval=0, reload=False, verbosity=0
    )


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_the_email(incident, desk, reporter):
    mail.outbox.clear()
    workflow.incident_return_to_user(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        question="Which room is it in?",
    )

    run_worker()

    notification = Notification.objects.get(incident=incident, event="more_info_needed")
    assert notification.recipient == reporter
    assert notification.email_status == EmailStatus.SENT
    assert notification.attempts == 1
    sent = [m for m in mail.outbox if m.to == [reporter.email]]
    assert len(sent) == 1
    assert "Which room is it in?" in sent[0].body
    assert incident.reference in sent[0].body


def test_the_actor_is_never_told_about_their_own_change(reporter, site, desk):
    from tests.factories import file_incident

    # The desk logs a call for the desk person themself: nobody else is on the desk.
    incident = file_incident(desk, site=site)
    assert not Notification.objects.filter(incident=incident, recipient=desk).exists()
    incident = file_incident(reporter, site=site)
    assert (
        Notification.objects.filter(incident=incident, recipient=desk, event="filed").count() == 1
    )
    assert not Notification.objects.filter(incident=incident, recipient=reporter).exists()


def test_one_notification_per_person_per_event(incident, desk, technician):
    from accounts.roles import Role, grant

    grant(technician, Role.DESK)  # one person, two roles
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
    assert (
        Notification.objects.filter(
            incident=incident, recipient=technician, event="technician_requested"
        ).count()
        == 1
    )


class FlakyMailer:
    """Refuses the first `failures` sends, then accepts."""

    def __init__(self, failures):
        self.failures = failures
        self.calls = 0

    def send(self, message, *args, **kwargs):
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionRefusedError("mail server refused the connection")
        mail.outbox.append(message)
        return 1

    def patch(self, monkeypatch):
        from django.core.mail import EmailMessage

        monkeypatch.setattr(EmailMessage, "send", lambda message, *a, **k: self.send(message))
        return self


@pytest.mark.django_db(transaction=True)
def test_a_failing_send_is_retried_by_the_worker_then_delivered(
    incident, desk, reporter, monkeypatch
):
    Notification.objects.update(email_status=EmailStatus.SENT)  # the filing's own, out of the way
    FlakyMailer(failures=2).patch(monkeypatch)
    mail.outbox.clear()
    workflow.incident_return_to_user(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        question="Which room?",
    )

    for _ in range(4):  # each run picks up the retries that are due (no wait in tests)
        run_worker()

    notification = Notification.objects.get(incident=incident, event="more_info_needed")
    assert notification.email_status == EmailStatus.SENT
    assert notification.attempts == 3
    assert len([m for m in mail.outbox if m.to == [reporter.email]]) == 1


def test_after_the_last_attempt_the_notification_is_marked_failed(
    incident, desk, settings, monkeypatch
):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    FlakyMailer(failures=99).patch(monkeypatch)
    workflow.incident_return_to_user(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        question="Which room?",
    )
    notification = Notification.objects.get(incident=incident, event="more_info_needed")

    deliver_notification.call(notification.pk)
    notification.refresh_from_db()
    assert (notification.email_status, notification.attempts) == (EmailStatus.PENDING, 1)

    deliver_notification.call(notification.pk)
    notification.refresh_from_db()
    assert (notification.email_status, notification.attempts) == (EmailStatus.FAILED, 2)
    assert "refused" in notification.last_error

    deliver_notification.call(notification.pk)  # a stray retry sends nothing
    notification.refresh_from_db()
    assert notification.attempts == 2


def test_a_sent_notification_is_not_sent_twice(incident, desk):
    mail.outbox.clear()
    workflow.incident_return_to_user(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        question="Which room?",
    )
    notification = Notification.objects.get(incident=incident, event="more_info_needed")
    deliver_notification.call(notification.pk)
    deliver_notification.call(notification.pk)
    assert len(mail.outbox) == 1
