"""`manage.py mail_demo`: drop a sample message into the active mailboxes (IMAP APPEND),
so the next `fetch_mail` (every minute under `make run`) shows the e-mail channel at
work: a new incident sheet received by e-mail, and the reporter's answer by e-mail.
"""

from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from incidents.mail.imap import MailboxError, connect
from incidents.models import Mailbox


class Command(BaseCommand):
    help = "Put a sample e-mail from a known person into each active mailbox."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="sender",
            default="",
            help="The sender's address (default: the first active person with an e-mail "
            "address who is not support staff, e.g. the demo teacher).",
        )
        parser.add_argument("--subject", default="The interactive whiteboard in room 5 is frozen")

    def handle(self, *args, **options):
        mailboxes = list(Mailbox.objects.filter(active=True).order_by("pk"))
        if not mailboxes:
            raise CommandError(
                "No active mailbox: add one in the admin (Incidents > Mailboxes), "
                "see the README's 'E-mail in and out'."
            )
        sender = options["sender"] or self._someone()
        for mailbox in mailboxes:
            raw = self._sample(sender, mailbox.address, options["subject"])
            try:
                client = connect(mailbox)
                try:
                    client.append(raw, mailbox.folder)
                finally:
                    client.logout()
            except (MailboxError, OSError) as error:
                raise CommandError(f"{mailbox}: {error}") from None
            self.stdout.write(
                self.style.SUCCESS(
                    f"Sample e-mail from {sender} put in {mailbox}; fetch_mail takes it next."
                )
            )

    def _someone(self) -> str:
        person = (
            get_user_model()
            .objects.filter(is_active=True, groups__name="User", is_staff=False)
            .exclude(email="")
            .order_by("pk")
            .first()
        )
        if person is None:
            raise CommandError("Nobody has an e-mail address: load the demo or pass --from.")
        return formataddr((person.display_name, person.email))

    def _sample(self, sender: str, to: str, subject: str) -> bytes:
        message = EmailMessage()
        message["From"] = sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = format_datetime(timezone.now())
        message["Message-ID"] = make_msgid(domain="demo.school.example")
        message.set_content(
            "Hello,\n\nThe whiteboard in room 5 froze in the middle of the lesson: the "
            "picture stays but the pen does nothing. Turning it off and on did not help.\n\n"
            "Thanks"
        )
        message.add_alternative(
            "<p>Hello,</p><p>The whiteboard in room 5 froze in the middle of the lesson: the "
            "picture stays but the pen does nothing. <b>Turning it off and on did not help.</b>"
            "</p><p>Thanks</p>",
            subtype="html",
        )
        return bytes(message)
