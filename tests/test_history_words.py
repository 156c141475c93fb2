"""The words of history entries and e-mails: typed text shown exactly once escaped,
and a subject line that stays one clean line whatever the summary holds."""

import pytest
from django.core import mail
from django.core.management import call_command

from incidents import workflow
from incidents.models import EmailStatus, Notification
from tests.desk_helpers import last_entry, logged
from tests.factories import file_incident

TYPED = 'It\'s <b>still</b> jammed & says "Tray 2"'


def test_typed_words_are_plain_in_the_entry_and_escaped_once_on_the_pages(
    client_for, desk, reporter, incident
):
    incident = logged(incident, desk)
    workflow.incident_message_reporter(
        incident=incident, by=desk, text=TYPED, version=workflow.current_version(incident)
    )

    assert last_entry(incident).rendered == TYPED
    escaped = "It&#x27;s &lt;b&gt;still&lt;/b&gt; jammed &amp; says &quot;Tray 2&quot;"
    for person in (desk, reporter):
        page = client_for(person).get(incident.get_absolute_url()).text
        assert escaped in page, person
        assert "&amp;#x27;" not in page and "&amp;lt;" not in page, person


# Line and paragraph separators, CR, LF, NEL, a tab, and bidi overrides and isolates.
HOSTILE = (
    "Printer\u2028Bcc: thief@example.com\r\nSubject: free\u0085money\u2029"
    "\u202eevil\u202c\t\u2066hidden\u2069"
)
UNSAFE = "\r\n\u2028\u2029\u0085\t\u202e\u202c\u2066\u2069"


@pytest.mark.django_db(transaction=True)
def test_a_hostile_summary_still_makes_a_one_line_subject(reporter, desk, site):
    mail.outbox.clear()
    incident = file_incident(reporter, site=site, summary=HOSTILE)

    call_command(
        "db_worker", batch=True, startup_delay=False, interval=0, reload=False, verbosity=0
    )

    notification = Notification.objects.get(incident=incident, recipient=desk)
    assert notification.email_status == EmailStatus.SENT
    [sent] = [m for m in mail.outbox if m.to == [desk.email]]
    subject = sent.message()["Subject"]
    assert not any(ch in subject for ch in UNSAFE)
    assert subject == (
        f"New incident sheet {incident.reference}: Printer Bcc: thief@example.com "
        "Subject: free money evil hidden"
    )
    headers = sent.message()
    assert headers.get_all("Bcc") is None and headers.get_all("Subject") == [subject]
    assert sent.recipients() == [desk.email]
