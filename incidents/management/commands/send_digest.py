"""Send the daily digests that are due (see `incidents.mail.digest`), each once a day.

`scripts/reminders` runs it every 15 minutes beside `send_reminders`.
"""

from django.core.management.base import BaseCommand

from incidents.mail.digest import send_digests


class Command(BaseCommand):
    help = "Send the daily digest to the support staff who chose it, once a day."

    def handle(self, *args, **options):
        sent = send_digests()
        if sent or options["verbosity"] > 1:
            self.stdout.write(f"Daily digests sent: {sent}")
