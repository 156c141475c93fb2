"""The user's story in real Chromium: sign in, file a sheet with a photo, see the
confirmation, answer the desk's question, and later read the resolution. Also the
report page on a 375-pixel-wide phone."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from incidents import workflow
from incidents.models import Attachment, Incident
from tests.factories import EquipmentFactory, RoomFactory, file_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def printer(site):
    room = RoomFactory(site=site, name="Staff room")
    return EquipmentFactory(site=site, room=room, asset_tag="PR-0042", name="Staff room printer")


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "error-screen.png"
    Image.new("RGB", (64, 48), (30, 90, 200)).save(path)
    return path


def test_a_user_files_a_sheet_answers_the_desk_and_reads_the_resolution(
    browser_for, reporter, other_reporter, desk, technician, site, printer, photo
):
    file_incident(other_reporter, site=site, equipment=printer, summary="Paper jam")
    user = browser_for(reporter)
    page = user.go("/report/")

    page.get_by_label("What is wrong, in a few words?").fill("Printer prints blank pages")
    page.get_by_label("Site").select_option(label="Main building")
    page.get_by_label("Find the equipment").fill("PR-00")
    page.get_by_label(re.compile("PR-0042")).check()
    expect(page.get_by_test_id("equipment-history")).to_contain_text(
        "This printer had 1 incident in the last 90 days"
    )
    page.get_by_label("Yes – it happened again").check()
    page.get_by_label("What did you expect to happen?").fill("My worksheet to print.")
    page.get_by_label("What exactly happened?").fill(
        "The power light was on, but a blank page printed."
    )
    page.get_by_label("What did you check?").fill("There is paper in the tray.")
    page.get_by_label("To your knowledge, when did it last work?").fill("This morning")
    page.get_by_label("I can talk it through with a technician").check()
    page.get_by_label("When are you available?").fill("Period 4")
    page.get_by_label("Photos", exact=True).set_input_files(str(photo))
    page.get_by_role("button", name="Send to the service desk").click()

    expect(
        page.get_by_role("heading", name="Thank you: your incident sheet has been sent")
    ).to_be_visible()
    incident = Incident.objects.get(reporter=reporter)
    expect(page.get_by_test_id("reference")).to_have_text(incident.reference)
    assert incident.equipment == printer
    assert incident.room == printer.room
    assert incident.sheet.availability == "Period 4"
    assert Attachment.objects.get(incident=incident).original_name == "error-screen.png"

    # The desk finds the sheet incomplete and asks.
    workflow.incident_return_to_user(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        question="Which tray did you fill?",
    )

    page.goto(user.base_url + "/")
    expect(page.get_by_test_id("unread-count").first).to_have_text("1")
    page.goto(user.base_url + "/notifications/")
    page.get_by_role("button", name=re.compile("needs your answer")).click()
    expect(page.get_by_test_id("question")).to_contain_text("Which tray did you fill?")
    page.get_by_role("textbox", name="Your answer").fill("Tray 2, the A4 one.")
    page.get_by_role("button", name="Send my answer").click()

    expect(page.get_by_text("Thank you: your answer has gone to the service desk.")).to_be_visible()
    expect(page.get_by_test_id("call-log")).to_contain_text("Tray 2, the A4 one.")
    expect(page.get_by_test_id("status")).to_have_text("Received – the service desk will check it")
    incident.refresh_from_db()
    assert incident.status == "submitted"

    # Later the technician fixes it and the desk closes the call.
    workflow.incident_accept(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        category=None,
        impact=3,
        urgency=2,
    )
    workflow.incident_request_technician(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        technician=technician,
    )
    workflow.incident_start(
        version=workflow.current_version(incident), incident=incident, by=technician
    )
    workflow.incident_resolve(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        resolution="Replaced the toner cartridge.",
    )
    workflow.incident_close(
        version=workflow.current_version(incident), incident=incident, by=desk, code="fixed"
    )

    page.goto(user.base_url + "/incidents/")
    page.get_by_role("link", name=incident.reference).click()
    expect(page.get_by_test_id("resolution")).to_contain_text("Replaced the toner cartridge.")
    expect(page.get_by_test_id("resolution")).to_contain_text("Closed: fixed")
    expect(page.get_by_test_id("status")).to_have_text("Closed")
    with page.expect_download() as download:
        page.get_by_role("link", name="error-screen.png").click()
    assert (
        download.value.suggested_filename
        == f"{incident.reference}-{incident.attachments.get().pk}.png"
    )


def test_the_report_page_fits_a_phone_and_files_from_it(browser_for, reporter, site, printer):
    phone = browser_for(reporter, width=375, height=740)
    page = phone.go("/report/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    send = page.get_by_role("button", name="Send to the service desk")
    send.scroll_into_view_if_needed()
    box = send.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375

    page.get_by_label("What is wrong, in a few words?").fill("Projector has no picture")
    page.get_by_label("Find the equipment").fill("PR-0042")  # typed asset tag, no pick needed
    page.get_by_label("No, I could not try").check()
    page.get_by_label("What did you expect to happen?").fill("Slides on the board.")
    page.get_by_label("What exactly happened?").fill("Nothing at all.")
    send.click()

    expect(
        page.get_by_role("heading", name="Thank you: your incident sheet has been sent")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert Incident.objects.get(reporter=reporter).equipment == printer


def test_missing_answers_in_the_browser_keep_what_was_typed(browser_for, reporter, site):
    page = browser_for(reporter).go("/report/")

    page.get_by_label("What is wrong, in a few words?").fill("Whiteboard pen does not draw")
    page.get_by_label("Not in the list? Describe it").fill("The board in the library")
    page.get_by_role("button", name="Send to the service desk").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Say what exactly happened").click()
    expect(page.get_by_label("What exactly happened?")).to_be_focused()
    expect(page.get_by_label("What is wrong, in a few words?")).to_have_value(
        "Whiteboard pen does not draw"
    )
    expect(page.get_by_label("Not in the list? Describe it")).to_have_value(
        "The board in the library"
    )
    assert not Incident.objects.exists()


def test_filing_works_without_javascript(chromium, live_server, reporter, site, printer):
    from tests.conftest import PASSWORD

    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 740}
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill(reporter.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(live_server.url + "/report/")

        page.get_by_label("What is wrong, in a few words?").fill("Printer jams")
        page.get_by_label("Room").select_option(label="Staff room")
        page.get_by_label("Find the equipment").fill("PR-0042")
        page.get_by_label("No, I could not try").check()
        page.get_by_label("What did you expect to happen?").fill("A printed page.")
        page.get_by_label("What exactly happened?").fill("Paper jam light.")
        page.get_by_role("button", name="Send to the service desk").click()

        expect(
            page.get_by_role("heading", name="Thank you: your incident sheet has been sent")
        ).to_be_visible()
        incident = Incident.objects.get(reporter=reporter)
        assert (incident.site, incident.room, incident.equipment) == (site, printer.room, printer)
    finally:
        context.close()
