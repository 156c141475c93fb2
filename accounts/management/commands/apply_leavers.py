"""Carry out the leaving dates that have come (see `accounts.directory.applying`).

A staff list may give a leaving date in the future; the person keeps working until
then. `scripts/reminders` runs this every 15 minutes beside `send_reminders`, so a
leaving date takes effect within a quarter of an hour of the day starting.
"""

from django.core.management.base import BaseCommand

from accounts.directory.applying import leavers_due


class Command(BaseCommand):
    help = "Switch off the people whose leaving date has come (roles at that school end)."

    def handle(self, *args, **options):
        done = leavers_due()
        if done or options["verbosity"] > 1:
            self.stdout.write(f"Leavers carried out: {done}")
