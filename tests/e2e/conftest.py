"""Real Chromium, driven by Playwright, against the live server.

`browser_for(user)` gives a signed-in page in its own browser context, so one test
can play the user, the desk and the technician side by side. A failing test
leaves a screenshot of every open page in test-artifacts/screenshots/.
"""

import contextlib
import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("HELPDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash.setdefault("failed", False)
        if report.failed:
            item.stash["failed"] = True
    return report


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class BrowserSession:
    """One person's browser: a context with its own cookies, and a page."""

    def __init__(self, context, page, base_url, user):
        self.context, self.page, self.base_url, self.user = context, page, base_url, user
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        page.on("dialog", self._on_dialog)
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))

    def _on_dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def go(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page


@pytest.fixture
def browser_for(chromium, live_server, request):
    """`browser_for(user, width=1280)` → a BrowserSession signed in as that person."""
    from tests.conftest import PASSWORD

    sessions: list[BrowserSession] = []

    def open_for(user, *, width: int = 1280, height: int = 900) -> BrowserSession:
        context = chromium.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        page = context.new_page()
        session = BrowserSession(context, page, live_server.url, user)
        sessions.append(session)
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return session

    yield open_for

    if request.node.stash.get("failed", False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for index, session in enumerate(sessions):
            name = f"{request.node.name}-{index}-{session.user.username}.png"
            # A crashed page still lets the other screenshots be taken.
            with contextlib.suppress(Exception):
                session.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    for session in sessions:
        session.context.close()
