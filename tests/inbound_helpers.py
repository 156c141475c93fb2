"""Real messages for the e-mail tests, a mailbox on the test's Dovecot, and reading it.

Messages are built with the standard library as a mail client would send them and
delivered into the IMAP server with APPEND; `fetch()` runs the real
`manage.py fetch_mail` against it.
"""

import io
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.core.management import call_command
from django.utils import timezone

from incidents.models import Mailbox

ADDRESS = "helpdesk@school.example"


def mailbox_on(server, monkeypatch, **extra) -> tuple[Mailbox, tuple[str, str]]:
    """A fresh account on the test's Dovecot and the Mailbox row that reads it; its
    password lives in an environment variable, as in production."""
    username, password = server.new_account()
    variable = f"HELPDESK_TEST_MAILBOX_{uuid.uuid4().hex[:6].upper()}"
    monkeypatch.setenv(variable, password)
    mailbox = Mailbox.objects.create(
        name="ICT office",
        host="127.0.0.1",
        port=server.port,
        use_tls=False,
        username=username,
        password_env=variable,
        address=ADDRESS,
        **extra,
    )
    return mailbox, (username, password)


def message(
    *,
    sender: str,
    subject: str = "Printer in room 12 prints blank pages",
    text: str | None = "Every page comes out blank since this morning.",
    html: str | None = None,
    to: str = ADDRESS,
    headers: dict | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
    message_id: str | None = None,
) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(timezone.now())
    mail["Message-ID"] = message_id or make_msgid(domain="client.example")
    for name, value in (headers or {}).items():
        mail[name] = value
    if text is not None:
        mail.set_content(text)
    if html is not None:
        if text is None:
            mail.set_content(html, subtype="html")
        else:
            mail.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(mail)


def jpeg(size=(64, 48)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def fetch() -> str:
    out = io.StringIO()
    call_command("fetch_mail", stdout=out, stderr=out)
    return out.getvalue()
