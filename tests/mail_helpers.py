"""Delivering queued notifications with the real task worker and reading what each
person received through the locmem e-mail backend."""

from django.core import mail
from django.core.management import call_command


def run_worker() -> None:
    call_command(
        "db_worker", batch=True, startup_delay=False, interval=0, reload=False, verbosity=0
    )


def mail_to(person) -> list[mail.EmailMessage]:
    """The e-mails the worker sent to the person."""
    run_worker()
    return [message for message in mail.outbox if message.to == [person.email]]
