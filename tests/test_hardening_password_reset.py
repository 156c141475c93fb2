"""Password reset: queued for the worker whatever the address, retried when the
mail server fails, and limited per address and per client address."""

from django.core import mail
from django.test import Client
from django_tasks_db.models import DBTaskResult

from accounts.password_reset import send_password_reset

RESET = "/accounts/password/reset/"


def ask(client, email, ip="203.0.113.5"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def queued():
    return DBTaskResult.objects.filter(task_path__endswith="send_password_reset").order_by(
        "enqueued_at"
    )


def run_queued():
    """Run every queued reset task now, as `db_worker` would."""
    for row in queued().filter(status="READY"):
        result = send_password_reset.call(**row.args_kwargs["kwargs"])
        row.status = "SUCCESSFUL"
        row.return_value = result
        row.save(update_fields=["status", "return_value"])


def test_known_and_unknown_addresses_take_the_same_path(client, reporter):
    known = ask(client, reporter.email)
    unknown = ask(client, "nobody@school.example")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []  # nothing is sent, or even looked up, during the request
    assert [r.args_kwargs["kwargs"]["email"] for r in queued()] == [
        reporter.email,
        "nobody@school.example",
    ]

    run_queued()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [reporter.email]
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_a_failing_mail_server_means_a_retry_not_a_lost_email(client, reporter, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_hardening_password_reset.DownBackend"}}
    ask(client, reporter.email)

    run_queued()

    assert mail.outbox == []
    retries = queued().filter(status="READY")
    assert [r.args_kwargs["kwargs"]["attempt"] for r in retries] == [2]

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    run_queued()

    assert [m.to for m in mail.outbox] == [[reporter.email]]


def test_an_address_gets_only_a_few_reset_emails_an_hour(client, reporter, settings):
    for n in range(10):
        response = ask(client, reporter.email, ip=f"198.51.100.{n}")
        assert response.status_code == 302

    run_queued()

    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_ADDRESS


def test_a_client_is_refused_after_many_requests(reporter, settings):
    settings.PASSWORD_RESET_PER_CLIENT = 4
    client = Client()
    for n in range(4):
        assert ask(client, f"person{n}@school.example").status_code == 302

    refused = ask(client, reporter.email)

    assert refused.status_code == 429
    assert "Too many requests" in refused.text
    assert queued().count() == 4
    elsewhere = ask(Client(), reporter.email, ip="198.51.100.77")
    assert elsewhere.status_code == 302


class DownBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")
