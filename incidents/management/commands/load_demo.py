"""`manage.py load_demo`: the demo school (see `incidents.demo`), for a demo or a
developer's machine only."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from incidents import demo


class Command(BaseCommand):
    help = "Load demo data: people for every role, a school's equipment and ~40 incidents."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off (the demo people share a published password).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "The demo creates fourteen accounts with a published password, one of them a "
                "support admin. It runs with DEBUG on; use --force to load it anyway."
            )
        if demo.is_loaded():
            self.stdout.write("Demo data is already loaded.")
            return
        demo.load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in with any demo person:"))
        for username, first, last, job, _roles in demo.PEOPLE:
            self.stdout.write(f"  {username:10} {demo.DEMO_PASSWORD}   {first} {last}, {job}")
