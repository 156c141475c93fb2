"""The desk's list of unrecognised mail (attach to a person, or discard), the
reporter completing an e-mailed sheet, and each person's choice of e-mails."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import EmailChoice
from incidents import workflow
from incidents.mail import intake
from incidents.models import (
    Attachment,
    CallLogEntry,
    Channel,
    EmailStatus,
    InboundMail,
    InboundStatus,
    Incident,
    Notification,
    Status,
)
from tests.factories import file_incident
from tests.inbound_helpers import jpeg, message
from tests.mail_helpers import run_worker

pytestmark = pytest.mark.django_db


def _unknown(**extra) -> InboundMail:
    return intake.receive(
        message(
            sender="Pat Parent <pat@home.example>",
            subject="Supply teacher cannot log in",
            text="The supply teacher in room 4 cannot log in.",
            **extra,
        )
    )


def test_mail_from_an_unknown_sender_waits_in_the_desks_list(client_for, desk, site):
    record = _unknown()

    page = client_for(desk).get(reverse("incidents:desk_mail"))

    assert record.status == InboundStatus.UNRECOGNISED
    assert Incident.objects.count() == 0
    body = page.content.decode()
    assert "Supply teacher cannot log in" in body and "pat@home.example" in body
    assert "The supply teacher in room 4 cannot log in." in body


def test_the_desk_attaches_unknown_mail_to_a_person_and_it_becomes_their_incident(
    client_for, desk, reporter, site
):
    record = _unknown(attachments=[("screen.jpg", "image/jpeg", jpeg())])

    response = client_for(desk).post(
        reverse("incidents:desk_mail_attach", args=[record.pk]),
        {f"m{record.pk}-person": reporter.pk},
    )

    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == incident.get_absolute_url()
    assert (incident.reporter, incident.entered_by) == (reporter, desk)
    assert incident.channel == Channel.EMAIL and incident.status == Status.SUBMITTED
    assert incident.sheet.happened == "The supply teacher in room 4 cannot log in."
    assert Attachment.objects.filter(incident=incident).count() == 1
    record.refresh_from_db()
    assert (record.status, record.incident, record.handled_by) == (
        InboundStatus.ATTACHED,
        incident,
        desk,
    )
    assert bytes(record.raw) == b""
    assert Notification.objects.filter(recipient=reporter, event="mail_received").exists()
    assert (
        "Nothing waiting." in client_for(desk).get(reverse("incidents:desk_mail")).content.decode()
    )


def test_attaching_without_a_person_says_so_next_to_the_field(client_for, desk, site):
    record = _unknown()

    response = client_for(desk).post(reverse("incidents:desk_mail_attach", args=[record.pk]), {})

    assert response.status_code == 400
    assert "Choose the person who sent it." in response.content.decode()
    assert Incident.objects.count() == 0


def test_the_desk_discards_unknown_mail_and_its_text_is_gone(client_for, desk, site):
    record = _unknown()

    client_for(desk).post(reverse("incidents:desk_mail_discard", args=[record.pk]))

    record.refresh_from_db()
    assert record.status == InboundStatus.DISCARDED and record.handled_by == desk
    assert record.text == "" and bytes(record.raw) == b""
    assert Incident.objects.count() == 0
    again = client_for(desk).post(reverse("incidents:desk_mail_discard", args=[record.pk]))
    assert again.status_code == 302  # a second click is told it was dealt with
    record.refresh_from_db()
    assert record.status == InboundStatus.DISCARDED


def test_the_list_is_the_desks_alone(client_for, reporter, technician, site):
    record = _unknown()
    assert client_for(reporter).get(reverse("incidents:desk_mail")).status_code == 403
    assert client_for(technician).get(reverse("incidents:desk_mail")).status_code == 403
    response = client_for(technician).post(reverse("incidents:desk_mail_discard", args=[record.pk]))
    assert response.status_code == 403


def test_the_list_page_runs_a_fixed_number_of_queries(
    client_for, desk, site, django_assert_max_num_queries
):
    for n in range(12):
        intake.receive(message(sender=f"stranger{n}@home.example", subject=f"Hello {n}"))
    client = client_for(desk)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("incidents:desk_mail"))
    assert response.content.decode().count('data-testid="mail-row"') == 12


def _emailed(reporter) -> Incident:
    intake.receive(message(sender=reporter.email, subject="Board pen not working"))
    return Incident.objects.get(reporter=reporter)


def test_the_reporter_completes_the_sheet_of_an_emailed_call(client_for, reporter, desk, site):
    incident = _emailed(reporter)

    client = client_for(reporter)
    form = client.get(reverse("incidents:complete_sheet", args=[incident.reference]))
    assert "Did you try to make it happen again?" in form.content.decode()
    response = client.post(
        reverse("incidents:complete_sheet", args=[incident.reference]),
        {
            "version": incident.version,
            "tried_to_repeat": "recurred",
            "expected": "The pen to draw on the board.",
            "happened": incident.sheet.happened,
            "checked": "Changed the batteries.",
            "last_worked": "Friday",
            "had_before": "no",
        },
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.sheet.expected == "The pen to draw on the board."
    assert incident.sheet.tried_to_repeat == "recurred"
    entry = CallLogEntry.objects.get(incident=incident, event="sheet_completed")
    assert entry.actor == reporter and "what did you expect to happen?" in entry.rendered


def test_completing_the_sheet_keeps_what_was_typed_when_an_answer_is_missing(
    client_for, reporter, site
):
    incident = _emailed(reporter)

    response = client_for(reporter).post(
        reverse("incidents:complete_sheet", args=[incident.reference]),
        {"version": incident.version, "expected": "The pen to draw.", "happened": "Nothing."},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "Say whether you tried to make it happen again." in body
    assert "The pen to draw." in body


def test_only_the_reporter_completes_their_sheet(client_for, reporter, other_reporter, desk, site):
    incident = _emailed(reporter)
    url = reverse("incidents:complete_sheet", args=[incident.reference])
    assert client_for(other_reporter).get(url).status_code == 404
    assert client_for(desk).get(url).status_code == 403


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_staff_who_chose_only_their_own_calls_get_no_mail_about_others(
    reporter, desk, site, settings
):
    desk.email_choice = EmailChoice.MINE
    desk.save()
    file_incident(reporter, site=site)  # nobody owns it yet: not "mine"

    notification = Notification.objects.get(recipient=desk)
    assert notification.email_status == EmailStatus.NOT_WANTED
    run_worker()
    assert [m for m in mail.outbox if desk.email in m.to] == []


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_staff_who_chose_the_digest_get_one_mail_a_day(reporter, desk, site, settings):
    settings.MAIL_DIGEST_HOUR = 0
    desk.email_choice = EmailChoice.DIGEST
    desk.save()
    first = file_incident(reporter, site=site, summary="Printer jammed")
    second = file_incident(reporter, site=site, summary="Projector dead")
    run_worker()
    assert [m for m in mail.outbox if desk.email in m.to] == []

    from django.core.management import call_command

    call_command("send_digest")
    call_command("send_digest")  # once a day, however often it runs

    [digest] = [m for m in mail.outbox if desk.email in m.to]
    assert digest.subject == "Helpdesk: your daily digest (2 updates)"
    assert first.reference in digest.body and second.reference in digest.body
    assert digest.alternatives[0].mimetype == "text/html"
    assert set(
        Notification.objects.filter(recipient=desk).values_list("email_status", flat=True)
    ) == {EmailStatus.IN_DIGEST}


def test_a_person_chooses_their_e_mails(client_for, reporter, desk):
    page = client_for(reporter).get(reverse("mail_preferences"))
    assert "Every notification" not in page.content.decode()  # a user only turns them on/off
    client_for(reporter).post(reverse("mail_preferences"), {})
    reporter.refresh_from_db()
    assert reporter.notify_by_email is False

    client = client_for(desk)
    assert "One daily digest" in client.get(reverse("mail_preferences")).content.decode()
    client.post(reverse("mail_preferences"), {"notify_by_email": "on", "email_choice": "digest"})
    desk.refresh_from_db()
    assert (desk.notify_by_email, desk.email_choice) == (True, EmailChoice.DIGEST)
    response = client.post(
        reverse("mail_preferences"), {"notify_by_email": "on", "email_choice": "everything"}
    )
    assert "Select a valid choice." in response.content.decode()


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_the_answer_to_a_question_asks_in_the_persons_words(reporter, desk, site):
    incident = file_incident(reporter, site=site)
    workflow.incident_return_to_user(
        incident=incident, by=desk, question="Which room?", version=incident.version
    )
    run_worker()
    [asked] = [m for m in mail.outbox if reporter.email in m.to]
    assert asked.subject == f"{incident.reference}: the service desk needs your answer"
    assert "or reply to this e-mail" in asked.body
    html = asked.alternatives[0].content
    assert "Which room?" in html and "<p>" in html


def test_the_reporters_page_offers_to_complete_an_emailed_sheet(client_for, reporter, desk, site):
    emailed = _emailed(reporter)
    typed = file_incident(reporter, site=site)

    page = client_for(reporter).get(emailed.get_absolute_url()).content.decode()
    assert reverse("incidents:complete_sheet", args=[emailed.reference]) in page
    other = client_for(reporter).get(typed.get_absolute_url()).content.decode()
    assert 'data-testid="complete-sheet"' not in other
    workflow.incident_accept(
        incident=emailed, by=desk, category=None, impact=2, urgency=2, version=emailed.version
    )
    logged = client_for(reporter).get(emailed.get_absolute_url()).content.decode()
    assert 'data-testid="complete-sheet"' not in logged


def test_the_support_admin_sets_up_a_mailbox_without_storing_its_secret(client_for, admin_user):
    from incidents.models import Mailbox

    client = client_for(admin_user)
    response = client.post(
        reverse("admin:incidents_mailbox_add"),
        {
            "name": "ICT office",
            "address": "ict@school.example",
            "active": "on",
            "host": "outlook.office365.com",
            "port": 993,
            "use_tls": "on",
            "folder": "INBOX",
            "username": "ict@school.example",
            "auth": "oauth2",
            "password_env": "",
            "oauth_token_url": "https://login.microsoftonline.com/tenant/oauth2/v2.0/token",
            "oauth_client_id": "client-id",
            "oauth_client_secret_env": "HELPDESK_MAILBOX_SECRET",
            "oauth_scope": "https://outlook.office365.com/.default",
        },
    )
    assert response.status_code == 302
    mailbox = Mailbox.objects.get()
    assert mailbox.oauth_client_secret_env == "HELPDESK_MAILBOX_SECRET"
    assert not any("secret" in f.name and not f.name.endswith("_env") for f in Mailbox._meta.fields)
