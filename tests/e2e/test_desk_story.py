"""The service desk's morning in real Chromium: the desk filters the queue, sends an
incomplete sheet back with a question, accepts it after the user's answer, requests
a technician, and closes the call once the technician has resolved it."""

import re

import pytest
from playwright.sync_api import expect

from incidents import workflow
from incidents.models import ClosureCode, Event, Incident, Notification, Status
from tests.factories import file_incident

pytestmark = pytest.mark.django_db(transaction=True)
# The base template's own refusals, the same on every page: htmx's indicator <style>
# and the missing favicon. Anything else in the console is this story's fault.
BASE_TEMPLATE_ERRORS = (
    "sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk=",
    "Failed to load resource",
)


def page_errors(session) -> list[str]:
    return [
        e for e in session.console_errors if not any(known in e for known in BASE_TEMPLATE_ERRORS)
    ]


@pytest.fixture
def calls(reporter, site):
    projector = file_incident(
        reporter,
        site=site,
        summary="Projector shows no picture",
        sheet={"expected": "Slides", "happened": "Dark", "checked": "", "last_worked": ""},
    )
    keyboard = file_incident(
        reporter,
        site=site,
        summary="Keyboard is missing keys",
        sheet={"expected": "To type my report", "happened": "The E key came off in my hand"},
    )
    return projector, keyboard


def rows(page):
    return page.get_by_test_id("queue-row")


def test_desk_takes_a_call_from_the_queue_to_closure(
    browser_for, desk, technician, reporter, category, calls
):
    projector, _keyboard = calls
    session = browser_for(desk)

    # The queue: both new sheets, then only the projector once the search is typed.
    page = session.go("/desk/")
    expect(rows(page)).to_have_count(2)
    page.get_by_label("Search").fill("projector")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("Projector shows no picture")
    expect(page).to_have_url(re.compile(r"/desk/\?.*q=projector"))  # the filter is in the address
    page.get_by_label("Submitted").check()
    expect(page).to_have_url(re.compile(r"state=submitted"))
    expect(rows(page)).to_have_count(1)
    page.get_by_role("link", name=projector.reference).click()
    expect(page).to_have_url(re.compile(projector.reference))
    expect(page.locator("#queue-table")).to_have_count(0)  # a page of its own, not a swap

    # The sheet is too thin: the desk asks the user.
    expect(page.get_by_test_id("sheet-flags")).to_contain_text("answers need attention")
    question = page.get_by_label("Your question for the user")
    expect(question).to_have_value(re.compile("What did you expect to happen"))
    question.fill("Which room is the projector in, and is its power light on?")
    page.get_by_role("button", name="Send back to Rita Reporter").click()
    expect(page.get_by_test_id("status")).to_have_text("Waiting for the user")
    expect(page.get_by_test_id("call-log")).to_contain_text("Which room is the projector in")

    # The user answers (in their own page; here through the workflow).
    workflow.incident_answer(
        version=workflow.current_version(Incident.objects.get(pk=projector.pk)),
        incident=Incident.objects.get(pk=projector.pk),
        by=reporter,
        answer="Room 12. The power light is orange and the fan is silent.",
    )

    # The desk sees the answer and accepts the sheet.
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    expect(page.get_by_test_id("call-log")).to_contain_text("The power light is orange")
    accept = page.get_by_test_id("accept-form")
    accept.locator("summary").first.click()
    accept.get_by_label("Category").select_option(label="Printing")
    accept.get_by_label("Impact").select_option(value="1")
    accept.get_by_label("Urgency").select_option(value="1")
    expect(accept.locator("output")).to_contain_text("1 – Critical · respond within 30 min")
    accept.get_by_role("button", name="Accept and log").click()
    expect(page.get_by_test_id("status")).to_have_text("Logged")
    expect(page.get_by_test_id("priority")).to_have_text("Priority 1 – Critical")
    expect(page.get_by_test_id("owner")).to_have_text("Dee Desk")

    # Technician support, with a note.
    request = page.get_by_test_id("technician-form")
    request.locator("select[name='technician-technician']").select_option(label="Tom Tech (tech)")
    request.get_by_label("Note for the technician").fill("Probably the lamp: bring a spare")
    request.get_by_role("button", name="Request technician support").click()
    expect(page.get_by_test_id("status")).to_have_text("Technician requested")
    expect(page.get_by_test_id("assignee")).to_contain_text("Tom Tech")

    # The technician resolves it (on their own side).
    workflow.incident_resolve(
        version=workflow.current_version(Incident.objects.get(pk=projector.pk)),
        incident=Incident.objects.get(pk=projector.pk),
        by=technician,
        resolution="Replaced the projector lamp; the picture is back.",
    )

    # The desk closes the call with the technician's resolution; the user is told.
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("Resolved")
    close = page.get_by_test_id("close-form")
    expect(close.get_by_label("Resolution")).to_have_value(
        "Replaced the projector lamp; the picture is back."
    )
    close.get_by_label("Closure code").select_option(value="fixed")
    close.get_by_role("button", name="Close and tell Rita Reporter").click()
    expect(page.get_by_test_id("status")).to_have_text("Closed")

    incident = Incident.objects.get(pk=projector.pk)
    assert incident.status == Status.CLOSED
    assert incident.closure_code == ClosureCode.FIXED
    assert incident.assignee == technician and incident.owner == desk
    closed = Notification.objects.get(recipient=reporter, incident=incident, event=Event.CLOSED)
    assert "Replaced the projector lamp" in closed.body

    # Back on the queue the call has left the open list; the keyboard is still there.
    page = session.go("/desk/")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("Keyboard is missing keys")
    assert page_errors(session) == []


def test_queue_fits_a_phone_and_sorts_by_a_column(browser_for, desk, calls):
    session = browser_for(desk, width=375, height=800)
    page = session.go("/desk/")
    expect(rows(page)).to_have_count(2)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    session = browser_for(desk)
    page = session.go("/desk/")
    page.get_by_role("link", name="Reference").click()
    expect(page).to_have_url(re.compile(r"sort=ref"))
    expect(page.locator("#queue-filters")).to_have_count(1)
    expect(page.locator("#queue-table")).to_have_count(1)
    expect(rows(page).first).to_contain_text(calls[0].reference)
    page.get_by_role("link", name="Reference ▲").click()
    expect(page).to_have_url(re.compile(r"sort=-ref"))
    expect(rows(page).first).to_contain_text(calls[1].reference)
    assert page_errors(session) == []


def test_desk_ticks_calls_and_sets_their_priority(browser_for, desk, calls):
    session = browser_for(desk)
    page = session.go("/desk/")
    page.get_by_label("Select all on this page").check()
    bulk = page.get_by_test_id("bulk-form")
    bulk.get_by_label("With the ticked calls").select_option(value="priority")
    bulk.get_by_label("Priority").select_option(value="2")
    bulk.get_by_role("button", name="Apply to ticked").click()

    expect(page.get_by_role("status")).to_contain_text("Set priority: 2 of 2 done")
    assert {i.priority for i in Incident.objects.all()} == {2}
    expect(rows(page).first).to_contain_text("2 – High")
    assert page_errors(session) == []
