"""The reports in a real browser: charts drawn, nothing refused by the
Content-Security-Policy, readable on a phone, and the print button prints."""

import pytest

from tests.reports_helpers import build_february

FEBRUARY = "/reports/service/?start=2026-02-01&end=2026-02-28"
# htmx adds its own indicator <style> unless told not to; that refusal is the base
# template's, the same on every page, and not the reports'.
HTMX_INDICATOR_STYLE = "sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk="


def page_errors(session) -> list[str]:
    """Console errors, less the two every page of the site has today: htmx's style
    and the missing favicon (failed loads are checked by `failed_loads`)."""
    return [
        e
        for e in session.console_errors
        if HTMX_INDICATOR_STYLE not in e and not e.startswith("Failed to load resource")
    ]


def watch_loads(session) -> list[str]:
    failed: list[str] = []
    session.page.on(
        "response",
        lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and failed.append(r.url),
    )
    return failed


@pytest.fixture
def february(reporter, desk, technician, site):
    return build_february(reporter=reporter, desk=desk, technician=technician, site=site)


def test_report_draws_its_charts_with_no_console_errors(browser_for, admin_user, february):
    session = browser_for(admin_user)
    failed = watch_loads(session)
    page = session.go(FEBRUARY)
    assert page.get_by_role("img", name="Calls logged and closed per week").is_visible()
    assert page.get_by_role("img", name="Backlog: calls open at the end of each week").is_visible()
    assert page.get_by_role("img", name="Time to resolve by priority (hours)").is_visible()
    box = page.locator("#chart-calls-per-week-numbers").bounding_box()
    assert box and box["height"] > 0
    assert page_errors(session) == []
    assert failed == []


def test_report_fits_a_phone_screen(browser_for, desk, february):
    session = browser_for(desk, width=375, height=800)
    page = session.go(FEBRUARY)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    svg = page.locator("#chart-calls-per-week-title").locator("xpath=..").bounding_box()
    assert svg and svg["width"] <= 375


def test_print_button_opens_the_print_dialog(browser_for, desk, february):
    session = browser_for(desk)
    page = session.go(FEBRUARY)
    page.evaluate(
        "() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }"
    )
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed") == 1


def test_dashboard_works_on_a_phone(browser_for, desk, february):
    session = browser_for(desk, width=375, height=800)
    page = session.go("/reports/")
    assert page.get_by_role("heading", name="Needs attention").is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert page_errors(session) == []
