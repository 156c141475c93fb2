"""One incident per sheet in a real browser: Back after sending, then Send again,
takes the person to the incident already filed. And the sheet's follow-up
question shows only after the answer that needs it."""

import pytest
from playwright.sync_api import expect

from incidents.models import Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill(page):
    page.get_by_label("What is wrong, in a few words?").fill("Visualiser shows a green picture")
    page.get_by_label("Not in the list? Describe it").fill("The visualiser on the front desk")
    page.get_by_label("No, I could not try").check()
    page.get_by_label("What did you expect to happen?").fill("A normal picture.")
    page.get_by_label("What exactly happened?").fill("Everything is green.")


def test_back_then_send_again_files_one_incident(browser_for, reporter, site):
    page = browser_for(reporter, width=375).go("/report/")
    _fill(page)
    send = page.get_by_role("button", name="Send to the service desk")
    send.dblclick()
    expect(page.get_by_test_id("reference")).to_be_visible()
    incident = Incident.objects.get(reporter=reporter)

    page.go_back()
    # The browser fetches the sheet again (signed-in pages are not cached) with a new
    # token and only some answers restored: the person completes it and sends it.
    _fill(page)
    page.get_by_role("button", name="Send to the service desk").click()

    expect(page.get_by_test_id("reference")).to_have_text(incident.reference)
    expect(page.get_by_text(f"This sheet was already sent as {incident.reference}")).to_be_visible()
    assert Incident.objects.filter(reporter=reporter).count() == 1


def test_when_available_shows_only_after_the_tick(browser_for, reporter, site):
    page = browser_for(reporter, width=375).go("/report/")
    when = page.get_by_label("When are you available?")
    expect(when).to_be_hidden()
    page.get_by_label("I can talk it through with a technician").check()
    expect(when).to_be_visible()
