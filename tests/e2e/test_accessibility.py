"""axe-core on every page each kind of person sees, at a phone's and a desk's width.

The URLs are the access matrix's rows (tests/test_access_matrix.py), each opened by
the people it is for, over the matrix's populated incident plus calls in the other
states a page shows differently: new, breached, at risk, waiting for the user,
resolved. Pages that are not HTML (CSV, photos, the health check) are left out.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import workflow
from incidents.models import Status
from tests.conftest import PASSWORD
from tests.desk_helpers import many_incidents, resolved
from tests.e2e.axe import WIDTHS, axe_source, describe, serious_violations
from tests.factories import file_incident
from tests.portal_helpers import return_to_user
from tests.test_access_matrix import ROWS, _url, build_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]

NOT_HTML = {
    "healthz",
    "incidents:attachment",
    "incidents:desk_export",
    "incidents:service_report_csv",
}
# Who looks, in which colour scheme: every role in light mode, and the people who
# file and triage calls once more with the system set to dark.
LOOKS = [
    ("anonymous", "light"),
    ("reporter", "light"),
    ("desk", "light"),
    ("technician", "light"),
    ("reporter", "dark"),
    ("desk", "dark"),
]


def _more_states(world, request) -> dict[str, list[str]]:
    """Calls in the states the pages show differently, and who opens them."""
    reporter, desk, technician, site = (
        request.getfixturevalue(name) for name in ("reporter", "desk", "technician", "site")
    )
    now = timezone.now()
    new = file_incident(reporter, site=site, summary="Whiteboard pen tray loose")
    waiting = return_to_user(
        file_incident(reporter, site=site, summary="Laptop will not charge"), desk
    )
    done = resolved(file_incident(reporter, site=site, summary="Toner low"), desk, technician)
    late = many_incidents(
        1,
        reporter=reporter,
        site=site,
        created_at=now - timedelta(days=5),
        response_due_at=now - timedelta(days=4),
        summary="Breached call with a link",
    )[0]
    close = many_incidents(
        1,
        reporter=reporter,
        site=site,
        created_at=now - timedelta(hours=3, minutes=50),
        response_due_at=now + timedelta(minutes=10),
        status=Status.SUBMITTED,
        summary="At-risk call",
    )[0]
    workflow.incident_add_note(
        version=workflow.current_version(waiting),
        incident=waiting,
        by=desk,
        text="Asked about the charger",
    )
    # A service request waiting for its approver (the access matrix's world).
    own = [new, waiting, done, late, close, world["request"]]
    details = [reverse("incidents:detail", args=[i.reference]) for i in own]
    return {
        "reporter": details,
        "desk": details,
        "technician": [reverse("incidents:detail", args=[done.reference])],
        "anonymous": [],
    }


def _pages_for(role, world) -> list[str]:
    urls = []
    for name, row in ROWS.items():
        if row.method != "GET" or name in NOT_HTML:
            continue
        if role == "anonymous" and not row.public:
            continue
        if role != "anonymous" and role not in row.allowed:
            continue
        urls.append(_url(name, row, world))
    return urls


def _sign_in(page, base_url, user):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_no_serious_or_critical_violations_on_any_page(chromium, live_server, request, figure):
    source = axe_source()
    world = build_world(request)
    extra = _more_states(world, request)
    checked, dark, failures = 0, 0, []
    for role, scheme in LOOKS:
        context = chromium.new_context(
            viewport={"width": WIDTHS[0], "height": 800}, bypass_csp=True, color_scheme=scheme
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        if role != "anonymous":
            _sign_in(page, live_server.url, request.getfixturevalue(role))
        states = [(url, None) for url in _pages_for(role, world) + extra[role]]
        if role == "reporter":
            states.append((reverse("incidents:report"), "send empty"))
        if role == "desk":
            states.append((reverse("incidents:desk_log_call"), "send empty"))
        for url, action in states:
            page.set_viewport_size({"width": WIDTHS[0], "height": 800})
            page.goto(live_server.url + url)
            if action == "send empty":
                page.locator("main form[method=post] [type=submit]").last.click()
                page.wait_for_load_state()
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                found = serious_violations(page, source)
                if found:
                    where = f"{role} ({scheme}) {url} {action or ''}"
                    failures.append(describe(where, width, found))
            if scheme == "dark":
                dark += 1
            else:
                checked += 1
        context.close()
    assert not failures, "\n".join(failures)
    figure(
        f"axe: {checked} pages × {len(WIDTHS)} widths, 0 serious/critical "
        f"(and {dark} of them again in dark mode)"
    )
