"""Nothing lost, nothing twice, no loops, against a real IMAP server (Dovecot).

A message is marked handled on the server only after what it became has committed;
the same Message-ID read twice makes one incident; a worker killed before or after
the commit loses nothing and makes nothing twice; a sender over the hourly limit is
held for the desk; our own mail coming back is ignored."""

import pytest

from incidents.mail import imap
from incidents.models import InboundMail, InboundStatus, Incident, Notification
from tests.inbound_helpers import ADDRESS, fetch, mailbox_on, message
from tests.mail_helpers import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


class Killed(BaseException):
    """The worker process dying: not an Exception, nothing catches it."""


@pytest.fixture
def box(dovecot_server, monkeypatch, site):
    _mailbox, account = mailbox_on(dovecot_server, monkeypatch)

    def deliver(raw: bytes) -> None:
        dovecot_server.deliver(*account, raw)

    deliver.seen = lambda: dovecot_server.flags(*account)
    return deliver


def test_the_same_message_id_read_twice_makes_one_incident(box, reporter):
    raw = message(sender=reporter.email, message_id="<twice@client.example>")
    box(raw)
    box(raw)  # delivered twice: two copies on the server

    fetch()
    fetch()

    assert Incident.objects.count() == 1
    assert InboundMail.objects.count() == 1
    assert box.seen() == {"<twice@client.example>": True}


def test_a_worker_killed_after_the_commit_loses_nothing_and_makes_nothing_twice(
    box, reporter, monkeypatch, figure
):
    for n in range(5):
        box(
            message(sender=reporter.email, subject=f"Call {n}", message_id=f"<k{n}@client.example>")
        )
    real_mark = imap.mark_handled
    calls = {"n": 0}

    def dies_on_the_third(client, uid):
        calls["n"] += 1
        if calls["n"] == 3:
            raise Killed  # between the commit and marking it on the server
        real_mark(client, uid)

    monkeypatch.setattr(imap, "mark_handled", dies_on_the_third)
    with pytest.raises(Killed):
        fetch()
    assert Incident.objects.count() == 3  # two marked, one committed but not marked
    monkeypatch.setattr(imap, "mark_handled", real_mark)

    fetch()

    summaries = sorted(Incident.objects.values_list("summary", flat=True))
    assert summaries == [f"Call {n}" for n in range(5)]
    assert all(box.seen().values())
    figure("e-mail, worker killed after a commit: 5 messages, 5 incidents, 0 twice, 0 lost")


def test_a_worker_killed_inside_the_transaction_leaves_nothing_behind(
    box, reporter, monkeypatch, figure
):
    from incidents import workflow

    for n in range(3):
        box(
            message(sender=reporter.email, subject=f"Call {n}", message_id=f"<t{n}@client.example>")
        )
    real_file = workflow.incident_file_by_email

    def dies_on_call_1(**kwargs):
        incident = real_file(**kwargs)
        if kwargs["summary"] == "Call 1":
            raise Killed  # the incident is written, the transaction not committed
        return incident

    monkeypatch.setattr(workflow, "incident_file_by_email", dies_on_call_1)
    with pytest.raises(Killed):
        fetch()
    assert list(Incident.objects.values_list("summary", flat=True)) == ["Call 0"]
    assert InboundMail.objects.count() == 1
    assert box.seen() == {
        "<t0@client.example>": True,
        "<t1@client.example>": False,
        "<t2@client.example>": False,
    }
    monkeypatch.setattr(workflow, "incident_file_by_email", real_file)

    fetch()

    assert sorted(Incident.objects.values_list("summary", flat=True)) == [
        "Call 0",
        "Call 1",
        "Call 2",
    ]
    assert Notification.objects.filter(event="mail_received").count() == 3
    figure("e-mail, worker killed mid-transaction: 3 messages, 3 incidents, 0 twice, 0 lost")


def test_a_sender_over_the_hourly_limit_is_held_for_the_desk(box, reporter, settings):
    settings.MAIL_SENDER_LIMIT_PER_HOUR = 2
    for n in range(4):
        box(message(sender=reporter.email, subject=f"Call {n}"))

    fetch()

    assert Incident.objects.count() == 2
    held = InboundMail.objects.filter(status=InboundStatus.HELD)
    assert held.count() == 2
    assert all(m.raw for m in held)  # kept, so the desk can still file it


def test_our_own_mail_coming_back_makes_no_loop(box, reporter, desk, site, smtp_sink, figure):
    """A notification bounced or auto-answered back into the mailbox, then the
    auto-answer to that: nothing is filed and nothing is sent, however often it runs."""
    from tests.factories import file_incident

    incident = file_incident(reporter, site=site)
    from incidents import workflow

    workflow.incident_return_to_user(
        incident=incident, by=desk, question="Which room?", version=incident.version
    )
    run_worker()
    [sent] = smtp_sink.to(reporter.email)
    sent_count = len(smtp_sink.received)
    # The notification itself arriving back (a misaddressed copy), and an
    # out-of-office answer to it.
    box(bytes(sent).replace(b"To: " + reporter.email.encode(), b"To: " + ADDRESS.encode()))
    box(
        message(
            sender=reporter.email,
            to=sent["Reply-To"],
            subject=f"Automatic reply: {sent['Subject']}",
            text="I am out of the office until Monday.",
            headers={"Auto-Submitted": "auto-replied", "In-Reply-To": sent["Message-ID"]},
        )
    )

    for _ in range(3):
        fetch()
        run_worker()

    assert len(smtp_sink.received) == sent_count
    assert Incident.objects.count() == 1
    assert set(InboundMail.objects.values_list("status", flat=True)) == {InboundStatus.IGNORED}
    figure("e-mail loops: 0 (own mail and auto-replies read 3 times, 0 sent back)")
