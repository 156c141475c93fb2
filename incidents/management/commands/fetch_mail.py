"""Read every active mailbox once (see `incidents.mail.imap`).

Run it every minute or so: `make run` does, through `scripts/mail`; in production
the worker's container runs the same loop (see the README).
"""

from django.core.management.base import BaseCommand

from incidents.mail.imap import Tally, read_all


class Command(BaseCommand):
    help = "Read the active mailboxes: new calls, replies and the desk's unrecognised mail."

    def handle(self, *args, **options):
        failed = False
        for name, result in read_all().items():
            if isinstance(result, Tally):
                if result.read or options["verbosity"] > 1:
                    outcomes = ", ".join(f"{k}: {n}" for k, n in sorted(result.outcomes.items()))
                    self.stdout.write(
                        f"{name}: {result.read} read, {result.taken} taken, "
                        f"{result.already} already taken, {result.refused} too large, "
                        f"{result.failed} failed{' (' + outcomes + ')' if outcomes else ''}"
                    )
            else:
                failed = True
                self.stderr.write(f"{name}: {result}")
        if failed:
            raise SystemExit(1)
