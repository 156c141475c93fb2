"""A staff list full of hostile names and roles, uploaded through the real page in
Chromium: the dry run, the row errors and the directory show every one as text."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import StaffRecord, default_organisation
from accounts.roles import Role
from tests.factories import SchoolFactory, UserFactory
from tests.support.payloads import PARSED_MARKER, PAYLOADS

pytestmark = pytest.mark.django_db(transaction=True)


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["First name", "Surname", "Email", "Staff role"])
    writer.writerows(rows)
    return out.getvalue().encode()


def _upload(session, data: bytes):
    page = session.page
    page.set_input_files(
        "input[type=file]", files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    return page


def _assert_inert(session, where: str):
    parsed = session.page.locator(PARSED_MARKER).count()
    assert parsed == 0, f"{where}: {parsed} payload(s) parsed as markup"
    assert session.dialogs == [], f"{where}: a dialog opened: {session.dialogs}"
    pwned = [message for message in session.console_errors if "pwned" in message.lower()]
    assert pwned == [], f"{where}: payload reached the console: {pwned}"


def test_hostile_names_in_a_staff_list_never_run(browser_for, figure):
    school = SchoolFactory(
        organisation=default_organisation(), name="Northfield", code="north", email_domains=""
    )
    bursar = UserFactory(username="bursar", roles=[Role.SCHOOL_ADMIN], roles__school=school)
    session = browser_for(bursar)
    session.go(reverse("staff_import", args=[school.code]))
    rows = [
        (payload[:150], "Payload", f"p{i}@north.example", payload[:120])
        for i, payload in enumerate(PAYLOADS)
    ]

    # Every payload, some of them refused (they start like a formula): the row errors.
    page = _upload(session, _csv([*rows, ("=cmd|' /C calc'!A0", "X", "f@north.example", "")]))
    assert page.get_by_test_id("row-errors").is_visible()
    _assert_inert(session, "the dry run with errors")

    # The ones a school would import: the dry run, then the directory.
    accepted = [row for row in rows if not row[0].lstrip().startswith(("=", "+", "-", "@"))]
    page = _upload(session, _csv(accepted))
    _assert_inert(session, "the dry run")
    page.get_by_test_id("confirm").click()
    page.wait_for_load_state()
    _assert_inert(session, "the directory")
    assert page.get_by_test_id("directory").is_visible()
    assert StaffRecord.objects.filter(school=school).count() == len(accepted)
    figure(
        f"staff directory: {len(PAYLOADS)} hostile names and roles in a CSV, "
        "3 pages in Chromium, 0 executed"
    )
