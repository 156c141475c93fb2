"""Send the reminders that have come due (see `incidents.reminders`), each at most once.

Run it every few minutes: `make run` does, beside the worker; in production a cron
entry or the loop in `scripts/reminders` (see the README). The e-mails go through
the notification worker like any other.
"""

from django.core.management.base import BaseCommand

from incidents.models import ReminderKind
from incidents.reminders import send_due


class Command(BaseCommand):
    help = "Send the reminders that have come due, each at most once."

    def handle(self, *args, **options):
        sent = send_due()
        if options["verbosity"] > 1 or any(sent.values()):
            summary = ", ".join(f"{ReminderKind(kind).label}: {n}" for kind, n in sent.items())
            self.stdout.write(f"Reminders sent. {summary}")
