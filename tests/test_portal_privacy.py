"""Internal notes, diagnostics, consultations and the technician's brief never reach
the user: a sentinel written into each is absent from every page and e-mail they get."""

from django.core import mail
from django.urls import reverse

from incidents import workflow
from incidents.models import KnowledgeArticle
from tests.factories import SupportGroupFactory
from tests.portal_helpers import accept, deliver_all

SENTINEL = "ZZ-INTERNAL-7731"


def user_pages(client, incident) -> dict[str, str]:
    urls = {
        "detail": reverse("incidents:detail", args=[incident.reference]),
        "confirmation": reverse("incidents:confirmation", args=[incident.reference]),
        "my incidents": reverse("incidents:my_incidents"),
        "my open incidents": reverse("incidents:my_incidents") + "?state=open",
        "my closed incidents": reverse("incidents:my_incidents") + "?state=closed",
        "notifications": reverse("incidents:notifications"),
        "help articles": reverse("incidents:article_list") + "?q=draft",
        "report help": reverse("incidents:report_help") + "?summary=draft+printer+blank",
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


def assert_no_sentinel(pages: dict[str, str], when: str):
    leaks = [name for name, page in pages.items() if SENTINEL in page]
    assert leaks == [], f"{when}: internal text shown on {leaks}"


def test_internal_work_never_reaches_the_users_pages_or_emails(
    client_for, reporter, desk, technician, incident
):
    client = client_for(reporter)
    group = SupportGroupFactory(name="Printer supplier")
    KnowledgeArticle.objects.create(
        title=f"Draft {SENTINEL}",
        symptoms=SENTINEL,
        body=SENTINEL,
        created_by=desk,
        is_published=False,
    )
    article = KnowledgeArticle.objects.create(
        title="Blank pages", symptoms="printer blank", body="Shake the toner", created_by=desk
    )

    workflow.incident_add_note(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        text=f"Desk note {SENTINEL}",
    )
    accept(incident, desk)
    workflow.incident_link_article(
        version=workflow.current_version(incident), incident=incident, by=desk, article=article
    )
    workflow.incident_request_technician(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        technician=technician,
        note=f"Brief {SENTINEL}",
    )
    workflow.incident_start(
        version=workflow.current_version(incident), incident=incident, by=technician
    )
    workflow.incident_diagnose(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        action_taken=f"Ran test page {SENTINEL}",
        result=SENTINEL,
    )
    workflow.incident_record_cause(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        cause=SENTINEL,
        parts_used=SENTINEL,
    )
    workflow.consultation_open(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        group=group,
        reason=f"Ask {SENTINEL}",
        case_reference=SENTINEL,
    )
    workflow.incident_add_note(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        text=f"Tech note {SENTINEL}",
    )
    workflow.problem_escalate(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        title=f"Problem {SENTINEL}",
        no_workaround_reason=SENTINEL,
    )
    assert_no_sentinel(user_pages(client, incident), "while it is worked on")

    workflow.incident_resolve(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        resolution="Replaced the fuser unit.",
    )
    assert_no_sentinel(user_pages(client, incident), "when resolved")

    workflow.incident_close(
        version=workflow.current_version(incident), incident=incident, by=desk, code="fixed"
    )
    pages = user_pages(client, incident)
    assert_no_sentinel(pages, "when closed")
    assert "Replaced the fuser unit." in pages["detail"]

    for notification in reporter.notifications.all():
        assert SENTINEL not in notification.subject + notification.body
    deliver_all()
    to_reporter = [m for m in mail.outbox if reporter.email in m.to]
    assert len(to_reporter) >= 4
    for message in to_reporter:
        assert SENTINEL not in message.subject + message.body
    assert any(
        SENTINEL in m.body for m in mail.outbox if technician.email in m.to or desk.email in m.to
    )
