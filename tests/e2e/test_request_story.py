"""A service request from the catalogue and the filing of closed sheets, end to end in
real Chromium — the teacher, the head teacher who approves, the desk and the
technician, each in their own browser.

1. The teacher asks for a new account from the catalogue; the desk sees it marked as a
   request but cannot log it yet; the head teacher approves it on their page; the desk
   logs it and passes it to the technician, who does it and resolves it; the desk
   closes it; the teacher reads the outcome, with their answers as they wrote them.
2. The desk records the closed sheets as filed (who and when shown) and opens the
   paper file of the period: every sheet closed in it, one per printed page.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from incidents import workflow
from incidents.models import CallKind, CallLogEntry, ClosureCode, Incident, Status
from tests.desk_helpers import resolved
from tests.factories import UserFactory, file_incident, request_type

pytestmark = pytest.mark.django_db(transaction=True)

FULL_NAME = "Sam Okafor"
NOTE = "Yes: Sam starts with Year 2 on Monday."
RESOLUTION = "Account sam.okafor created; the first password is in the office safe."


@pytest.fixture
def head(db):
    return UserFactory(username="head", first_name="Ruth", last_name="Bennett", roles=[Role.USER])


@pytest.fixture
def accounts(head):
    return request_type(
        name="New account",
        approver=head,
        questions=[
            ("Full name of the new person", "short", "", True),
            ("Access needed", "choice", "Teaching staff\nSupport staff", True),
            ("Needs a laptop too?", "yes_no", "", True),
        ],
    )


def test_a_request_from_the_catalogue_is_approved_worked_and_closed(
    browser_for, reporter, head, desk, technician, site, category, accounts
):
    user = browser_for(reporter)
    approver = browser_for(head)
    office = browser_for(desk)
    tech = browser_for(technician)

    # --- The teacher asks for a new account from the catalogue.
    page = user.go("/incidents/")
    page.get_by_role("link", name="Ask for something").first.click()
    expect(page.get_by_role("heading", name="Ask for something")).to_be_visible()
    expect(page.get_by_test_id("catalogue")).to_contain_text("once Ruth Bennett has approved it")
    page.get_by_role("link", name="New account").click()
    expect(page.get_by_test_id("needs-approval")).to_contain_text(
        "Ruth Bennett approves this first"
    )
    page.get_by_label("What do you need, in a few words?").fill("Account for our new TA")
    page.get_by_label("Site").select_option(label="Main building")
    page.get_by_label("Full name of the new person").fill(FULL_NAME)
    page.get_by_label("Support staff").check()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Send to the service desk").click()
    expect(page.get_by_role("heading", name="your request has been sent")).to_be_visible()
    ref = page.get_by_test_id("reference").inner_text().strip()
    made = Incident.objects.get(kind=CallKind.REQUEST)
    assert made.reference == ref
    url = made.get_absolute_url()
    page.get_by_role("link", name=f"See {ref}").click()
    expect(page.get_by_test_id("status")).to_have_text("Waiting for approval")
    expect(page.get_by_test_id("waiting-for-approval")).to_contain_text("Ruth Bennett")

    # --- The desk sees it marked as a request, waiting: nothing to log yet.
    page = office.go("/desk/?kind=request")
    row = page.get_by_test_id("queue-row").filter(has_text=ref)
    expect(row.get_by_test_id("request-marker")).to_have_text("Request")
    row.get_by_role("link", name=ref).click()
    expect(page.get_by_test_id("kind")).to_have_text("Request")
    expect(page.get_by_test_id("approval-state")).to_contain_text(
        "Waiting for approval by Ruth Bennett"
    )
    expect(page.get_by_test_id("request-answers")).to_contain_text(FULL_NAME)
    expect(page.get_by_test_id("accept-form")).to_have_count(0)

    # --- The head teacher approves it on their page (the menu leads there).
    page = approver.go("/incidents/")
    page.get_by_role("button", name="Ruth Bennett").click()
    page.get_by_role("link", name="Requests to approve").click()
    card = page.get_by_test_id("approval").filter(has_text=ref)
    expect(card).to_contain_text("Rita Reporter")
    expect(card).to_contain_text("Full name of the new person")
    expect(card).to_contain_text(FULL_NAME)
    card.get_by_label("A note for the person who asked (optional)").fill(NOTE)
    card.get_by_role("button", name=f"Approve {ref}").click()
    expect(page.get_by_text(f"{ref} approved")).to_be_visible()
    expect(page.get_by_test_id("decided")).to_contain_text("approved")
    assert Incident.objects.get(pk=made.pk).status == Status.SUBMITTED

    # The teacher sees it approved.
    user.go(url)
    expect(user.page.get_by_test_id("approved")).to_contain_text(NOTE)

    # --- The desk logs it and passes it to the technician.
    page = office.go(url)
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    expect(page.get_by_test_id("call-log")).to_contain_text("Approved by Ruth Bennett")
    accept = page.get_by_test_id("accept-form")
    if not accept.evaluate("element => element.open"):
        accept.locator("summary").first.click()
    accept.get_by_label("Category").select_option(label="Printing")
    accept.get_by_label("Impact").select_option(value="3")
    accept.get_by_label("Urgency").select_option(value="3")
    accept.get_by_role("button", name="Accept and log").click()
    expect(page.get_by_test_id("status")).to_have_text("Logged")
    passing = page.get_by_test_id("technician-form")
    passing.locator("select[name='technician-technician']").select_option(label="Tom Tech (tech)")
    passing.get_by_role("button", name="Request technician support").click()
    expect(page.get_by_test_id("status")).to_have_text("Technician requested")

    # --- The technician does it and resolves it.
    page = tech.go(url)
    expect(page.get_by_test_id("request-answers")).to_contain_text(FULL_NAME)
    page.get_by_role("button", name="Start work").click()
    expect(page.get_by_test_id("status")).to_have_text("In progress")
    resolve = page.get_by_test_id("resolve-form")
    if not resolve.evaluate("element => element.open"):
        resolve.locator("summary").first.click()
    resolve.get_by_label("What was done").fill(RESOLUTION)
    resolve.get_by_role("button", name="Resolve").click()
    expect(page.get_by_test_id("status")).to_have_text("Resolved")

    # --- The desk closes it.
    page = office.go(url)
    close = page.get_by_test_id("close-form")
    expect(close.get_by_label("Resolution")).to_have_value(RESOLUTION)
    close.get_by_label("Closure code").select_option(value=ClosureCode.FIXED)
    close.get_by_role("button", name="Close and tell Rita Reporter").click()
    expect(page.get_by_test_id("status")).to_have_text("Closed")

    # --- The teacher sees the outcome, and their answers as they wrote them.
    page = user.go("/incidents/")
    mine = page.get_by_role("row").filter(has_text=ref)
    expect(mine.get_by_test_id("request-marker")).to_have_text("Request")
    mine.get_by_role("link", name=ref).click()
    expect(page.get_by_test_id("status")).to_have_text("Closed")
    expect(page.get_by_test_id("resolution")).to_contain_text(RESOLUTION)
    expect(page.get_by_role("heading", name="Your request")).to_be_visible()
    expect(page.locator("dl.sheet")).to_contain_text("Full name of the new person")
    expect(page.locator("dl.sheet")).to_contain_text(FULL_NAME)
    expect(page.get_by_role("button", name="It's working again")).to_have_count(0)

    events = list(
        CallLogEntry.objects.filter(incident=made).order_by("id").values_list("event", flat=True)
    )
    assert events[:3] == ["request_filed", "approved", "accepted"]
    assert events[-1] == "closed"
    for session in (user, approver, office, tech):
        assert session.dialogs == []


def test_the_desk_files_closed_sheets_and_prints_the_paper_file(
    browser_for, reporter, desk, technician, site, accounts
):
    # Two calls closed today: an incident and a request (no approval needed).
    install = request_type(name="Software install", questions=[("Program", "short", "", True)])
    first = file_incident(reporter, site=site, summary="Hall projector shows no picture")
    first = resolved(first, desk, technician, resolution="New lamp fitted.")
    workflow.incident_close(incident=first, by=desk, code=ClosureCode.FIXED, version=first.version)
    asked, _ = workflow.request_file(
        by=reporter,
        request_type=install,
        summary="Scratch for the Year 4 lab",
        site=site,
        answers=[(install.questions.get(), "Scratch 3")],
    )
    asked = resolved(asked, desk, technician, resolution="Installed Scratch 3.")
    workflow.incident_close(incident=asked, by=desk, code=ClosureCode.FIXED, version=asked.version)

    office = browser_for(desk)
    for call in (first, asked):
        page = office.go(call.get_absolute_url())
        page.get_by_test_id("mark-filed-form").get_by_role(
            "button", name="Record the sheet as filed"
        ).click()
        filed = page.get_by_test_id("filed-away")
        expect(filed).to_contain_text("Filed in the paper file by Dee Desk")
        expect(filed).to_contain_text(timezone.localdate().strftime("%-d %b %Y"))
        expect(page.get_by_test_id("mark-filed-form")).to_have_count(0)
    assert all(Incident.objects.get(pk=call.pk).filed_away_by == desk for call in (first, asked))

    # The paper file of the period, from the call log.
    page = office.go("/desk/")
    page.get_by_role("link", name="Print closed sheets for filing").click()
    today = timezone.localdate().isoformat()
    page.get_by_label("Closed from").fill(today)
    page.get_by_label("Closed up to and including").fill(today)
    page.get_by_role("button", name="Show the sheets").click()
    sheets = page.get_by_test_id("print-sheet")
    expect(sheets).to_have_count(2)
    expect(page.get_by_text("2 sheets, one per page.")).to_be_visible()
    expect(sheets.nth(0)).to_contain_text("Hall projector shows no picture")
    expect(sheets.nth(1)).to_contain_text(f"Request {asked.reference} · Software install")
    expect(sheets.nth(1)).to_contain_text("Scratch 3")
    for sheet in (sheets.nth(0), sheets.nth(1)):
        filed_row = sheet.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Filed"))
        expect(filed_row).to_contain_text("Dee Desk")
        expect(filed_row).to_contain_text(timezone.localdate().strftime("%-d %b %Y"))
    # Printed, every sheet but the last ends its page.
    page.emulate_media(media="print")
    breaks = sheets.evaluate_all("sheets => sheets.map(s => getComputedStyle(s).breakAfter)")
    assert breaks == ["page", "auto"]
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    assert re.search(r"closed_from=", page.url)
