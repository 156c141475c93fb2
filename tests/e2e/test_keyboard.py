"""Keyboard only, in real Chromium: a teacher files a sheet and the desk logs it
with Tab, Shift+Tab, Space, Enter and typing; never a click. On the way: the skip
link comes first, every focused control shows where the focus is, and the focus
can leave the form."""

import pytest
from playwright.sync_api import expect

from incidents.models import Incident, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name") || "",
    value: el.value === undefined ? "" : String(el.value), text: (el.textContent || "").trim(),
    inForm: !!el.closest("#report-form"),
    indicator: style.outlineStyle !== "none" && style.outlineWidth !== "0px"
      || style.boxShadow !== "none",
  };
}"""


def tab_to(page, wanted, *, limit: int = 120, key: str = "Tab", checked: list | None = None):
    """Press Tab until `wanted(focused)` holds; each focused control is remembered."""
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if focused is not None and checked is not None:
            checked.append(focused)
        if focused is not None and wanted(focused):
            return focused
    raise AssertionError(f"the keyboard never reached the control (last: {focused})")


def test_a_teacher_files_and_the_desk_logs_with_the_keyboard_only(
    browser_for, reporter, desk, site, category
):
    page = browser_for(reporter).go("/report/")
    seen: list[dict] = []

    # The first Tab reaches a visible skip link; Enter moves the focus to the main part.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    tab_to(page, lambda f: f["id"] == "id_summary", checked=seen)
    page.keyboard.type("Printer prints blank pages")
    tab_to(page, lambda f: f["id"] == "id_equipment_description", checked=seen)
    page.keyboard.type("The printer by the window")
    # A radio group: Tab lands on it, Space chooses the focused answer.
    tab_to(page, lambda f: f["name"] == "tried_to_repeat", checked=seen)
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["id"] == "id_expected", checked=seen)
    page.keyboard.type("My worksheet to print.")
    tab_to(page, lambda f: f["id"] == "id_happened", checked=seen)
    page.keyboard.type("A blank page came out.")

    send = tab_to(page, lambda f: "Send to the service desk" in f["text"], checked=seen)
    assert send["tag"] == "button"
    # No trap: Tab from the last control leaves the form, Shift+Tab comes back.
    outside = tab_to(page, lambda f: True, checked=seen)
    assert not outside["inForm"], outside
    tab_to(page, lambda f: "Send to the service desk" in f["text"], key="Shift+Tab")

    without = [f for f in seen if not f["indicator"]]
    assert len(seen) > 10 and not without, without

    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="Thank you: your incident sheet has been sent")
    ).to_be_visible()
    incident = Incident.objects.get(reporter=reporter)
    assert incident.summary == "Printer prints blank pages"
    assert incident.site == site
    assert incident.sheet.happened == "A blank page came out."

    # The desk logs it from the incident page, the keyboard only.
    staff = browser_for(desk).go(incident.get_absolute_url())
    accept = staff.get_by_test_id("accept-form")
    if accept.get_attribute("open") is None:
        tab_to(staff, lambda f: f["tag"] == "summary" and f["text"] == "Accept and log")
        staff.keyboard.press("Enter")
    # A select chooses by typing the start of the option's name.
    tab_to(staff, lambda f: f["tag"] == "select" and f["name"].endswith("category"))
    staff.keyboard.type("Print")
    focused = tab_to(staff, lambda f: f["tag"] == "button" and f["text"] == "Accept and log")
    assert focused["indicator"]
    staff.keyboard.press("Enter")
    expect(staff.get_by_test_id("status")).to_have_text("Logged")
    incident.refresh_from_db()
    assert incident.status == Status.LOGGED
    assert incident.category == category
