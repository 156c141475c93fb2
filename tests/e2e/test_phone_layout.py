"""Phone widths and paper: long words wrap, the call log shows calls first."""

import pytest

from tests.factories import file_incident

pytestmark = pytest.mark.django_db(transaction=True)

LONG_URL = "https://intranet.school.example/" + "a1b2c3d4e5" * 20  # 233 characters
ERROR_CODE = "0x" + "8007000E" * 12


def _long_incident(reporter, site):
    incident = file_incident(reporter, site=site, summary="Browser error " + ERROR_CODE)
    sheet = incident.sheet
    sheet.happened = f"The page {LONG_URL} says {ERROR_CODE}."
    sheet.further_info = LONG_URL
    sheet.save()
    return incident


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_long_unbroken_text_wraps_on_a_phone(browser_for, reporter, desk, site):
    incident = _long_incident(reporter, site)
    for person in (reporter, desk):
        page = browser_for(person, width=375).go(incident.get_absolute_url())
        assert page.get_by_text(LONG_URL).first.is_visible()
        assert _page_width(page) <= 375, f"{person.username}'s page is wider than the phone"


def test_the_printed_sheet_fits_a4(browser_for, reporter, desk, site):
    incident = _long_incident(reporter, site)
    # A4 is 210 mm; less 15 mm margins each side that leaves 180 mm = 680 CSS pixels.
    session = browser_for(desk, width=680)
    session.page.emulate_media(media="print")
    page = session.go(incident.get_absolute_url() + "print/")
    assert page.get_by_text(ERROR_CODE).first.is_visible()
    assert _page_width(page) <= 680


def test_the_call_log_on_a_phone_shows_calls_first(browser_for, reporter, desk, site):
    for n in range(3):
        file_incident(reporter, site=site, summary=f"Projector {n} shows no picture")
    page = browser_for(desk, width=375, height=667).go("/desk/")
    first_row = page.get_by_test_id("queue-row").first
    assert first_row.bounding_box()["y"] < 667, "the first call is below the first screen"
    filters = page.get_by_test_id("queue-filters")
    assert not filters.is_visible()
    page.get_by_test_id("filters-toggle").click()
    filters.get_by_label("Search").wait_for(state="visible")
    assert page.get_by_test_id("filters-toggle").get_attribute("aria-expanded") == "true"


def test_the_call_log_at_a_desk_shows_the_filters(browser_for, desk):
    page = browser_for(desk, width=1280).go("/desk/")
    assert page.get_by_test_id("queue-filters").is_visible()
    assert not page.get_by_test_id("filters-toggle").is_visible()
