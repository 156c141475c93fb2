"""Replies by e-mail thread into the call log: the reporter's answer or message,
quoted text stripped; a closed call within the reopen window takes the reply and
offers the way back, a later one gets a new sheet that links the old. Tokens are
signed: a forged one, or a reference typed in a subject, is never trusted.

Real servers: Dovecot (IMAP) on 127.0.0.1, aiosmtpd receiving what the product sends."""

from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.utils import timezone

from incidents import workflow
from incidents.models import CallLogEntry, InboundMail, InboundStatus, Incident, Status
from tests.factories import file_incident
from tests.inbound_helpers import fetch, mailbox_on
from tests.mail_helpers import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def box(dovecot_server, monkeypatch, site):
    _mailbox, account = mailbox_on(dovecot_server, monkeypatch)
    return lambda raw: dovecot_server.deliver(*account, raw)


def reply_to(sent: EmailMessage, *, sender: str, words: str) -> bytes:
    """A reply as a mail client writes it: to the Reply-To, threaded, quoting the original."""
    original = sent.get_body(("plain",)).get_content()
    quoted = "\n".join(f"> {line}" for line in original.splitlines())
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = sent["Reply-To"]
    reply["Subject"] = f"Re: {sent['Subject']}"
    reply["Message-ID"] = make_msgid(domain="client.example")
    reply["In-Reply-To"] = sent["Message-ID"]
    reply["References"] = f"{sent['References']} {sent['Message-ID']}"
    reply.set_content(
        f"{words}\n\nOn Mon, 1 Dec 2026 at 09:00, Helpdesk <helpdesk@school.example> wrote:\n"
        f"{quoted}\n"
    )
    return bytes(reply)


def test_the_reporters_reply_answers_the_desks_question(box, reporter, desk, site, smtp_sink):
    incident = file_incident(reporter, site=site)
    workflow.incident_return_to_user(
        incident=incident, by=desk, question="Which room is it?", version=incident.version
    )
    run_worker()
    [asked] = smtp_sink.to(reporter.email)
    assert asked["Subject"] == f"{incident.reference}: the service desk needs your answer"

    box(reply_to(asked, sender=reporter.email, words="Room 12, the one by the stairs."))
    fetch()

    incident.refresh_from_db()
    assert incident.status == Status.SUBMITTED  # back with the desk
    answer = CallLogEntry.objects.get(incident=incident, event="answered")
    assert answer.actor == reporter and answer.is_public
    assert answer.data["answer"] == "Room 12, the one by the stairs."  # quote stripped
    assert InboundMail.objects.get().status == InboundStatus.REPLY
    assert Incident.objects.count() == 1


def test_a_reply_to_an_open_call_is_the_reporters_message_and_flags_the_owner(
    box, reporter, desk, site, smtp_sink
):
    incident = file_incident(reporter, site=site)
    workflow.incident_accept(
        incident=incident, by=desk, category=None, impact=2, urgency=2, version=incident.version
    )
    run_worker()
    [logged] = smtp_sink.to(reporter.email)

    box(reply_to(logged, sender=reporter.email, words="It is now making a clicking noise too."))
    fetch()

    incident.refresh_from_db()
    assert incident.owner_unread
    entry = CallLogEntry.objects.get(incident=incident, event="reporter_message")
    assert entry.data["message"] == "It is now making a clicking noise too."
    run_worker()
    to_desk = smtp_sink.to(desk.email)
    assert any(
        "It is now making a clicking noise too." in str(m.get_body(("plain",)).get_content())
        for m in to_desk
    )


def test_every_mail_about_a_call_is_one_thread(reporter, desk, site, smtp_sink):
    incident = file_incident(reporter, site=site)
    workflow.incident_return_to_user(
        incident=incident, by=desk, question="Which room?", version=incident.version
    )
    incident.refresh_from_db()
    workflow.incident_answer(incident=incident, by=reporter, answer="12", version=incident.version)
    incident.refresh_from_db()
    workflow.incident_accept(
        incident=incident, by=desk, category=None, impact=2, urgency=2, version=incident.version
    )
    run_worker()
    mails = smtp_sink.to(reporter.email)
    assert len(mails) == 2
    assert len({m["References"] for m in mails}) == 1
    assert len({m["Message-ID"] for m in mails}) == 2


def test_a_reply_to_a_resolved_call_is_logged_and_offers_to_reopen(
    box, reporter, desk, technician, site, smtp_sink
):
    incident = _resolved(reporter, desk, technician, site)
    run_worker()
    resolved_mail = [m for m in smtp_sink.to(reporter.email) if "resolved" in m["Subject"]][-1]

    box(reply_to(resolved_mail, sender=reporter.email, words="Still blank pages, sorry."))
    fetch()
    run_worker()

    assert CallLogEntry.objects.filter(incident=incident, event="reporter_message").exists()
    offer = smtp_sink.to(reporter.email)[-1]
    assert offer["Subject"] == f"{incident.reference}: your reply reached the service desk"
    assert "reopen it on its page" in offer.get_body(("plain",)).get_content()


def test_a_reply_to_a_closed_call_within_the_window_is_taken_on_it(
    box, reporter, desk, technician, site, smtp_sink
):
    incident = _closed(reporter, desk, technician, site)
    run_worker()
    closed_mail = smtp_sink.to(reporter.email)[-1]

    box(reply_to(closed_mail, sender=reporter.email, words="It stopped working again."))
    fetch()
    run_worker()

    incident.refresh_from_db()
    assert incident.status == Status.CLOSED and incident.owner_unread
    entry = CallLogEntry.objects.get(incident=incident, event="reporter_message")
    assert entry.data["message"] == "It stopped working again."
    assert Incident.objects.count() == 1
    assert any("replied after it was closed" in m["Subject"] for m in smtp_sink.to(desk.email))
    offer = smtp_sink.to(reporter.email)[-1]
    assert "file a new sheet that follows on from it" in offer.get_body(("plain",)).get_content()


def test_a_reply_to_a_call_closed_long_ago_becomes_a_new_sheet_linking_the_old(
    box, reporter, desk, technician, site, smtp_sink, settings
):
    incident = _closed(reporter, desk, technician, site)
    run_worker()
    closed_mail = smtp_sink.to(reporter.email)[-1]
    Incident.objects.filter(pk=incident.pk).update(
        resolved_at=timezone.now() - timedelta(days=settings.REOPEN_WINDOW_DAYS + 1)
    )

    box(reply_to(closed_mail, sender=reporter.email, words="The same fault is back."))
    fetch()

    new = Incident.objects.exclude(pk=incident.pk).get()
    assert new.status == Status.SUBMITTED
    assert new.sheet.further_info == f"Follows on from {incident.reference}."
    assert not CallLogEntry.objects.filter(incident=incident, event="reporter_message").exists()


def test_a_forged_token_or_a_typed_reference_is_not_trusted(box, reporter, other_reporter, site):
    theirs = file_incident(other_reporter, site=site, summary="Oscar's laptop")
    forged = EmailMessage()
    forged["From"] = reporter.email
    forged["To"] = f"helpdesk+i{theirs.pk}p{reporter.pk}-0123456789abcdef0123@school.example"
    forged["Subject"] = f"Re: {theirs.reference}: a message"
    forged["Message-ID"] = make_msgid(domain="client.example")
    forged["In-Reply-To"] = (
        f"<i{theirs.pk}p{other_reporter.pk}-ffffffffffffffffffff.n1@school.example>"
    )
    forged.set_content("Let me in.")
    box(bytes(forged))

    fetch()

    assert not CallLogEntry.objects.filter(incident=theirs).exclude(event="filed").exists()
    mine = Incident.objects.get(reporter=reporter)
    assert mine.summary == f"Re: {theirs.reference}: a message"


def _resolved(reporter, desk, technician, site):
    incident = file_incident(reporter, site=site)
    workflow.incident_accept(
        incident=incident, by=desk, category=None, impact=2, urgency=2, version=incident.version
    )
    incident.refresh_from_db()
    workflow.incident_resolve(
        incident=incident,
        by=desk,
        resolution="New toner.",
        kind="fix",
        version=incident.version,
    )
    incident.refresh_from_db()
    return incident


def _closed(reporter, desk, technician, site):
    incident = _resolved(reporter, desk, technician, site)
    workflow.incident_close(
        incident=incident, by=desk, code="fixed", resolution="New toner.", version=incident.version
    )
    incident.refresh_from_db()
    return incident


def test_staff_replying_to_a_notification_make_no_new_call(box, reporter, desk, site, smtp_sink):
    incident = file_incident(reporter, site=site)
    run_worker()
    [told] = smtp_sink.to(desk.email)  # "New incident sheet INC-…"

    box(reply_to(told, sender=desk.email, words="I will take this one."))
    fetch()

    assert list(Incident.objects.all()) == [incident]
    record = InboundMail.objects.get()
    assert record.status == InboundStatus.HELD
    assert "did not report the call" in record.reason
