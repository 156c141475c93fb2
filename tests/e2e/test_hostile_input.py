"""Hostile input in a real browser: every payload of the corpus in every free-text
field, rendered on every page that shows it, with `alert` and the console watched.

The payloads carry a `pwned` marker, so the test sees a payload the browser parsed
as markup even where the Content-Security-Policy would have stopped its script.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.roles import Role
from incidents import workflow
from incidents.models import Attachment, KnowledgeArticle, ResolutionKind
from tests.factories import (
    EquipmentFactory,
    RoomFactory,
    SupportContactFactory,
    SupportGroupFactory,
    UserFactory,
    file_incident,
)
from tests.portal_helpers import image_bytes
from tests.support.payloads import PARSED_MARKER, PAYLOADS

pytestmark = pytest.mark.django_db(transaction=True)


def _plant(payload, index, *, reporter, desk, technician, admin_user, site):
    """One incident with the payload in every free-text field of the domain."""
    text = f"{payload} #{index}"
    short = text[:190]
    room = RoomFactory(site=site, name=f"{payload[:100]} {index}")
    group = SupportGroupFactory(name=f"{payload[:100]} group {index}", description=text)
    contact = SupportContactFactory(
        group=group, name=short[:120], hours=short[:120], account_reference=f"A{index}"
    )
    equipment = EquipmentFactory(
        site=site, room=room, name=short[:120], make=short[:80], supplier=group
    )
    incident = file_incident(
        reporter,
        site=site,
        summary=short,
        room=room,
        equipment=equipment,
        sheet={
            "expected": text,
            "happened": text,
            "checked": text,
            "last_worked": short,
            "had_before_details": short,
            "further_info": text,
            "availability": short,
        },
    )
    Attachment.objects.create(
        incident=incident,
        uploaded_by=reporter,
        file=ContentFile(image_bytes(), name="x.png"),
        original_name=short,
        content_type="image/png",
        size=100,
    )
    workflow.incident_return_to_user(
        version=workflow.current_version(incident), incident=incident, by=desk, question=text
    )
    workflow.incident_answer(
        version=workflow.current_version(incident), incident=incident, by=reporter, answer=text
    )
    workflow.incident_accept(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        category=None,
        impact=2,
        urgency=2,
    )
    workflow.incident_add_note(
        version=workflow.current_version(incident), incident=incident, by=desk, text=text
    )
    workflow.incident_message_reporter(
        version=workflow.current_version(incident), incident=incident, by=desk, text=text
    )
    workflow.incident_reporter_reply(
        version=workflow.current_version(incident), incident=incident, by=reporter, text=text
    )
    workflow.incident_request_technician(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        technician=technician,
        note=text,
    )
    workflow.incident_start(
        version=workflow.current_version(incident), incident=incident, by=technician
    )
    workflow.incident_diagnose(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        action_taken=text,
        result=text,
    )
    workflow.incident_record_cause(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        cause=text,
        parts_used=text,
    )
    workflow.consultation_open(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        group=group,
        contact=contact,
        reason=text,
        case_reference=short[:80],
    )
    problem = workflow.problem_escalate(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        workaround=text,
        title=short,
        description=text,
    )
    workflow.incident_resolve(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        resolution=text,
        kind=ResolutionKind.WORKAROUND,
    )
    KnowledgeArticle.objects.create(
        title=short, symptoms=text, body=text, keywords=short, created_by=admin_user
    )
    return incident, problem, equipment


@pytest.fixture
def planted(reporter, desk, technician, admin_user, site):
    # A person whose name is a payload too: names are shown on every page.
    named = UserFactory(username="payload-person", first_name=PAYLOADS[9][:150], roles=[Role.USER])
    incidents = [
        _plant(
            payload,
            i,
            reporter=reporter if i % 2 else named,
            desk=desk,
            technician=technician,
            admin_user=admin_user,
            site=site,
        )
        for i, payload in enumerate(PAYLOADS)
    ]
    return {"incidents": incidents, "named": named}


def _check(session, path, seen):
    page = session.go(path)
    parsed = page.locator(PARSED_MARKER).count()
    seen["pages"] += 1
    assert parsed == 0, f"{path}: {parsed} payload(s) parsed as markup"
    assert session.dialogs == [], f"{path}: a dialog opened: {session.dialogs}"
    pwned = [message for message in session.console_errors if "pwned" in message.lower()]
    assert pwned == [], f"{path}: payload reached the console: {pwned}"


def test_no_payload_executes_on_any_page(
    planted, browser_for, reporter, desk, technician, admin_user, figure
):
    seen = {"pages": 0}
    staff = browser_for(admin_user)
    user = browser_for(reporter)
    named = browser_for(planted["named"])
    for incident, _problem, _equipment in planted["incidents"]:
        _check(staff, reverse("incidents:detail", args=[incident.reference]), seen)
        owner = user if incident.reporter_id == reporter.pk else named
        _check(owner, reverse("incidents:detail", args=[incident.reference]), seen)
    first_incident, problem, equipment = planted["incidents"][0]
    ids = ",".join(str(incident.pk) for incident, _, _ in planted["incidents"])
    staff_pages = [
        reverse("incidents:desk_queue"),
        reverse("incidents:desk_queue") + "?page=2",
        reverse("incidents:desk_queue") + "?q=script",
        reverse("incidents:print_selection") + f"?ids={ids}",
        reverse("incidents:print", args=[first_incident.reference]),
        reverse("incidents:tech_home"),
        reverse("incidents:visit_list"),
        reverse("incidents:visit_print"),
        reverse("incidents:consultation_list"),
        reverse("incidents:problem_list"),
        reverse("incidents:problem_detail", args=[problem.reference]),
        reverse("incidents:equipment_list"),
        reverse("incidents:equipment_detail", args=[equipment.pk]),
        reverse("incidents:article_list"),
        reverse("incidents:notifications"),
        reverse("incidents:dashboard"),
        reverse("incidents:service_report"),
        reverse("incidents:desk_log_call"),
        reverse("incidents:consult", args=[first_incident.reference]),
    ]
    for path in staff_pages:
        _check(staff, path, seen)
    for session in (user, named):
        for path in (
            reverse("incidents:my_incidents"),
            reverse("incidents:my_incidents") + "?page=2",
            reverse("incidents:notifications"),
            reverse("incidents:article_list") + "?q=script",
            reverse("incidents:report") + "?site=1",
        ):
            _check(session, path, seen)
    article = KnowledgeArticle.objects.order_by("pk").first()
    _check(user, reverse("incidents:article_detail", args=[article.pk]), seen)
    figure(
        f"hostile input: {len(PAYLOADS)} payloads in every free-text field, {seen['pages']} pages in Chromium, 0 executed"
    )


def test_the_content_security_policy_allows_no_inline_script(client_for, reporter):
    response = client_for(reporter).get(reverse("incidents:report"))
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script_src
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "<script>" not in response.content.decode()  # every script is a file of ours


def _hostile_mail(payload: str, index: int, sender: str, **extra) -> bytes:
    from email.utils import formataddr

    from tests.inbound_helpers import message

    html = (
        f"<html><head><script>alert('pwned')</script><style>*{{x:1}}</style></head>"
        f"<body><p>{payload}</p><div onmouseover=alert('pwned') data-pwned>{payload}</div>"
        f"<a href=\"javascript:alert('pwned')\">click</a></body></html>"
    )
    line = " ".join(payload.splitlines())  # a header is one line; the body keeps them
    return message(
        sender=formataddr((line[:60], sender)),  # quoted as a mail client quotes it
        subject=f"{line[:150]} #{index}",
        text=None,
        html=html,
        attachments=[(f"{line[:80]}.html", "text/html", payload.encode())],
        **extra,
    )


def test_hostile_html_mail_never_runs_in_any_page_or_e_mail(
    browser_for, reporter, desk, site, figure, settings
):
    """Payloads in the subject, sender name, HTML body and attachment names of mail from
    a known person (an incident), an unknown sender (the desk's list) and a reply (the
    call log); then the pages that show them, and the HTML e-mails the product sends."""
    from django.core import mail

    from incidents.mail import intake
    from incidents.models import Incident
    from tests.mail_helpers import run_worker

    settings.MAIL_SENDER_LIMIT_PER_HOUR = len(PAYLOADS) * 2
    for index, payload in enumerate(PAYLOADS):
        intake.receive(_hostile_mail(payload, index, reporter.email))
        intake.receive(_hostile_mail(payload, index, f"stranger{index}@home.example"))
    incidents = list(Incident.objects.order_by("pk"))
    assert len(incidents) == len(PAYLOADS)
    first = incidents[0]
    workflow.incident_return_to_user(
        incident=first, by=desk, question="Which room?", version=workflow.current_version(first)
    )
    run_worker()
    [asked] = [
        m for m in mail.outbox if reporter.email in m.to and "needs your answer" in m.subject
    ]
    intake.receive(
        _hostile_mail(PAYLOADS[0], 0, reporter.email, to=asked.reply_to[0])
    )  # a reply by e-mail: into the call log

    seen = {"pages": 0}
    staff = browser_for(desk)
    user = browser_for(reporter)
    for path in (
        reverse("incidents:desk_mail"),
        reverse("incidents:desk_queue"),
        reverse("incidents:notifications"),
    ):
        _check(staff, path, seen)
    for incident in incidents:
        _check(staff, reverse("incidents:detail", args=[incident.reference]), seen)
        _check(user, reverse("incidents:detail", args=[incident.reference]), seen)
    _check(user, reverse("incidents:complete_sheet", args=[incidents[1].reference]), seen)
    _check(user, reverse("incidents:my_incidents"), seen)
    # The HTML e-mails sent about them, opened as a mail client would show them.
    run_worker()
    sent = [m for m in mail.outbox if getattr(m, "alternatives", None)]
    for message in sent:
        staff.page.set_content(message.alternatives[0].content)
        assert staff.page.locator(PARSED_MARKER).count() == 0, message.subject
        assert staff.dialogs == []
    figure(
        f"hostile mail: {len(PAYLOADS) * 2 + 1} hostile e-mails taken, {seen['pages']} pages "
        f"and {len(sent)} HTML e-mails in Chromium, 0 executed"
    )
