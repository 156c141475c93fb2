"""E-mail in, against a real IMAP server (Dovecot started by the tests on 127.0.0.1):
what each kind of message becomes, the call log, the photos, and what was sent back
(through a real SMTP server, aiosmtpd)."""

import pytest
from django.core.files.storage import default_storage

from incidents.models import (
    Attachment,
    CallLogEntry,
    Channel,
    InboundMail,
    InboundStatus,
    Incident,
    Notification,
    Status,
)
from tests.inbound_helpers import ADDRESS, fetch, jpeg, mailbox_on, message
from tests.mail_helpers import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def box(dovecot_server, monkeypatch, site, desk):
    mailbox, account = mailbox_on(dovecot_server, monkeypatch)

    def deliver(raw: bytes) -> None:
        dovecot_server.deliver(*account, raw)

    deliver.mailbox = mailbox
    deliver.seen = lambda: dovecot_server.flags(*account)
    return deliver


def test_a_known_persons_mail_becomes_a_submitted_incident_received_by_email(
    box, reporter, desk, smtp_sink
):
    box(message(sender=f"Rita Reporter <{reporter.email}>", message_id="<first@client.example>"))

    fetch()

    incident = Incident.objects.get()
    assert incident.status == Status.SUBMITTED
    assert incident.channel == Channel.EMAIL
    assert incident.reporter == reporter
    assert incident.summary == "Printer in room 12 prints blank pages"
    assert incident.sheet.happened == "Every page comes out blank since this morning."
    assert incident.sheet.expected == "" and incident.sheet.tried_to_repeat == ""
    filed = CallLogEntry.objects.get(incident=incident, event="filed")
    assert "(e-mail)" in filed.rendered
    record = InboundMail.objects.get()
    assert (record.status, record.incident) == (InboundStatus.FILED, incident)
    assert box.seen() == {"<first@client.example>": True}
    # The desk hears of the new sheet; the reporter gets the link to complete it.
    assert Notification.objects.filter(recipient=desk, incident=incident, event="filed").exists()
    run_worker()
    [answer] = smtp_sink.to(reporter.email)
    assert answer["Subject"] == f"{incident.reference}: we have your e-mail"
    assert f"/incidents/{incident.reference}/sheet/" in answer.get_body(("plain",)).get_content()
    assert answer.get_body(("html",)) is not None
    assert answer["Auto-Submitted"] == "auto-generated"
    assert answer["Reply-To"].startswith("helpdesk+i")
    # The desk's check flags what the e-mail could not say.
    page = _desk_page(desk, incident)
    assert "Not answered." in page and "Missing." in page


def _desk_page(desk, incident) -> str:
    from django.test import Client

    client = Client()
    client.force_login(desk)
    return client.get(incident.get_absolute_url()).content.decode()


def test_html_mail_becomes_sanitised_text(box, reporter):
    html = (
        "<html><head><style>p{color:red}</style><script>alert('x')</script></head>"
        "<body><p>The <b>projector</b> says &quot;No signal&quot;.</p>"
        "<img src=x onerror=alert(1)><p>Room 4</p></body></html>"
    )
    box(message(sender=reporter.email, text=None, html=html))

    fetch()

    happened = Incident.objects.get().sheet.happened
    assert happened == 'The projector says "No signal".\n\nRoom 4'
    assert "alert" not in happened and "<" not in happened


def test_a_photo_is_kept_through_the_upload_checks_and_other_files_are_refused(box, reporter):
    box(
        message(
            sender=reporter.email,
            attachments=[
                ("screen.jpg", "image/jpeg", jpeg()),
                ("invoice.pdf", "application/pdf", b"%PDF-1.4 not a picture"),
                ("fake.png", "image/png", b"<script>alert(1)</script>"),
            ],
        )
    )

    fetch()

    incident = Incident.objects.get()
    [photo] = Attachment.objects.filter(incident=incident)
    assert photo.original_name == "screen.jpg" and photo.content_type == "image/jpeg"
    assert default_storage.exists(photo.file.name)
    refused = CallLogEntry.objects.get(incident=incident, event="attachments_refused")
    assert refused.is_public
    assert "invoice.pdf" in refused.rendered
    assert "fake.png (it contains web page or script code" in refused.rendered


def test_a_forwarded_chain_keeps_what_was_forwarded(box, reporter):
    forwarded = (
        "Please see below, the science block is affected too.\n\n"
        "---------- Forwarded message ---------\n"
        "From: Sam Science <sam@school.example>\n"
        "Subject: Wi-Fi down\n\n"
        "The Wi-Fi in S3 dropped at 9:05 and never came back.\n"
    )
    box(message(sender=reporter.email, subject="Fwd: Wi-Fi down", text=forwarded))

    fetch()

    incident = Incident.objects.get()
    assert incident.summary == "Fwd: Wi-Fi down"
    assert "The Wi-Fi in S3 dropped at 9:05" in incident.sheet.happened
    assert "science block is affected too" in incident.sheet.happened


@pytest.mark.parametrize(
    "headers, sender",
    [
        ({"Auto-Submitted": "auto-replied"}, "reporter@school.example"),
        ({"Precedence": "bulk"}, "reporter@school.example"),
        ({"X-Autoreply": "yes"}, "reporter@school.example"),
        ({"List-Id": "<staff.school.example>"}, "reporter@school.example"),
        ({}, "MAILER-DAEMON@mx.school.example"),
        ({}, ADDRESS),
        ({}, "helpdesk+i1p1-0123456789abcdef0123@school.example"),
    ],
    ids=["auto-reply", "bulk", "x-autoreply", "list", "bounce", "our-address", "our-reply-address"],
)
def test_automatic_and_own_mail_never_makes_an_incident_or_an_answer(
    box, reporter, headers, sender, smtp_sink
):
    box(message(sender=sender, headers=headers))

    fetch()
    run_worker()

    assert Incident.objects.count() == 0
    assert InboundMail.objects.get().status == InboundStatus.IGNORED
    assert smtp_sink.received == []
    assert all(box.seen().values())


def test_a_bounce_report_is_ignored(box, reporter, smtp_sink):
    raw = (
        b"From: Mail Delivery System <mailer-daemon@mx.example>\r\n"
        b"To: helpdesk@school.example\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <bounce1@mx.example>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--b--\r\n"
    )
    box(raw)

    fetch()
    run_worker()

    assert Incident.objects.count() == 0
    assert "bounce" in InboundMail.objects.get().reason or "mailer-daemon" in (
        InboundMail.objects.get().reason
    )
    assert smtp_sink.received == []


def test_a_25_mb_message_is_refused_with_a_clear_answer(box, reporter, smtp_sink, figure):
    big = b"x" * (19 * 1024 * 1024)  # 25 MB once base64-encoded, as a mail client sends it
    box(message(sender=reporter.email, attachments=[("video.mp4", "video/mp4", big)]))

    fetch()
    run_worker()

    assert Incident.objects.count() == 0
    record = InboundMail.objects.get()
    assert record.status == InboundStatus.REFUSED and record.size > 25_000_000
    [answer] = smtp_sink.to(reporter.email)
    assert answer["Subject"] == "Your e-mail “Printer in room 12 prints blank pages” was too large"
    body = answer.get_body(("plain",)).get_content()
    assert "was not taken: the service desk takes e-mails of up to 20.0" in body
    assert all(box.seen().values())
    figure(f"e-mail: a {record.size / 1024 / 1024:.1f} MB message refused with an answer")


def test_malformed_mime_still_becomes_an_incident(box, reporter):
    raw = (
        b"From: reporter@school.example\r\n"
        b"To: helpdesk@school.example\r\n"
        b"Subject: =?utf-8?q?Broken=20m=C3=A9ssage?=\r\n"
        b"Message-ID: <broken@client.example>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        b"--never-closed\r\n"
        b"Content-Type: text/plain; charset=no-such-charset\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        b"VGhlIHNjcmVlbiBpcyBibGFuay4=!!!not base64\r\n"
        b"--never-closed\r\n"
        b"Content-Type: image/png; name=broken.png\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        b"iVBORw0KGgo=\r\n"
    )
    box(raw)

    fetch()

    incident = Incident.objects.get()
    assert incident.summary == "Broken méssage"
    assert "The screen is blank." in incident.sheet.happened
    refused = CallLogEntry.objects.get(incident=incident, event="attachments_refused")
    assert "broken.png" in refused.rendered
    assert box.seen() == {"<broken@client.example>": True}


def test_a_subject_with_line_breaks_and_bidi_controls_is_one_clean_line(box, reporter):
    import base64

    # Encoded words may carry CR/LF and bidi controls once decoded.
    words = "Login fails\r\nBcc: all@school.example \u202eexe.txt\u2066".encode()
    encoded = b"=?utf-8?b?" + base64.b64encode(words) + b"?="
    raw = message(sender=reporter.email, subject="PLACEHOLDER")
    box(raw.replace(b"Subject: PLACEHOLDER", b"Subject: " + encoded))

    fetch()

    summary = Incident.objects.get().summary
    assert summary == "Login fails Bcc: all@school.example exe.txt"
    assert "\r" not in summary and "\n" not in summary and "\u202e" not in summary


def test_the_demo_command_drops_a_sample_message_that_becomes_an_incident(box, reporter):
    from django.core.management import call_command

    call_command("mail_demo", sender=f"Rita Reporter <{reporter.email}>")
    fetch()

    incident = Incident.objects.get()
    assert incident.summary == "The interactive whiteboard in room 5 is frozen"
    assert incident.reporter == reporter and incident.channel == Channel.EMAIL
    assert "the pen does nothing" in incident.sheet.happened


def test_a_mailbox_whose_password_is_missing_is_reported_and_the_run_fails(
    box, monkeypatch, capsys
):
    from django.core.management import call_command

    monkeypatch.delenv(box.mailbox.password_env)
    with pytest.raises(SystemExit):
        call_command("fetch_mail")
    box.mailbox.refresh_from_db()
    assert f"The password variable {box.mailbox.password_env} is not set." in (
        box.mailbox.last_error
    )


def test_a_mailbox_signs_in_with_oauth2_xoauth2(dovecot_server, monkeypatch, reporter, site):
    """Microsoft 365 and Google sign-in: a token from the token endpoint (client
    credentials), then IMAP AUTHENTICATE XOAUTH2, checked by Dovecot with the
    authorisation server."""
    from incidents.models import MailAuth

    username, password = dovecot_server.new_account()
    client_id, secret = dovecot_server.oauth.register(username)
    monkeypatch.setenv("HELPDESK_TEST_OAUTH_SECRET", secret)
    from incidents.models import Mailbox

    Mailbox.objects.create(
        name="Microsoft 365",
        host="127.0.0.1",
        port=dovecot_server.port,
        use_tls=False,
        username=username,
        auth=MailAuth.OAUTH2,
        oauth_token_url=f"{dovecot_server.oauth.url}/token",
        oauth_client_id=client_id,
        oauth_client_secret_env="HELPDESK_TEST_OAUTH_SECRET",
        address=ADDRESS,
    )
    dovecot_server.deliver(username, password, message(sender=reporter.email))
    issued = dovecot_server.oauth.issued

    fetch()

    assert dovecot_server.oauth.issued == issued + 1
    assert Incident.objects.get().channel == Channel.EMAIL
    assert "method=XOAUTH2" in dovecot_server.log()


def test_a_wrong_oauth2_secret_is_reported_on_the_mailbox(dovecot_server, monkeypatch, site):
    from django.core.management import call_command

    from incidents.models import MailAuth, Mailbox

    username, _ = dovecot_server.new_account()
    client_id, _secret = dovecot_server.oauth.register(username)
    monkeypatch.setenv("HELPDESK_TEST_OAUTH_SECRET", "not-the-secret")
    mailbox = Mailbox.objects.create(
        name="Microsoft 365",
        host="127.0.0.1",
        port=dovecot_server.port,
        use_tls=False,
        username=username,
        auth=MailAuth.OAUTH2,
        oauth_token_url=f"{dovecot_server.oauth.url}/token",
        oauth_client_id=client_id,
        oauth_client_secret_env="HELPDESK_TEST_OAUTH_SECRET",
        address=ADDRESS,
    )

    with pytest.raises(SystemExit):
        call_command("fetch_mail")

    mailbox.refresh_from_db()
    assert mailbox.last_error.startswith("The OAuth token endpoint did not give a token")
