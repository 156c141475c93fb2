"""The technician's story in real Chromium: a technician opens an incident passed to
them, records two diagnostics actions, consults a supplier with their case
reference, records a workaround and escalates into a problem — and the desk
person, in a browser of their own, sees each step in the incident's call log."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Consultation, DiagnosticEntry, Incident, Problem
from tests.factories import SupportContactFactory, SupportGroupFactory
from tests.technician_helpers import passed_incident

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
def supplier():
    group = SupportGroupFactory(name="Projectors Direct", line="third", kind="supplier")
    SupportContactFactory(
        group=group,
        name="Sam Supplier",
        phone="0161 496 0123",
        email="service@projectors.example",
        hours="Mon–Fri 8:00–18:00",
        account_reference="PD-778812",
    )
    return group


def call_log(session, incident):
    """The desk's view of the call log, freshly loaded."""
    session.go(incident.get_absolute_url())
    return session.page.get_by_test_id("call-log")


def test_technician_works_the_call_and_the_desk_sees_every_step(
    browser_for, reporter, desk, technician, site, supplier
):
    incident = passed_incident(
        reporter, desk, technician=technician, site=site, summary="Hall projector shows no picture"
    )
    tech = browser_for(technician)
    office = browser_for(desk)
    page = tech.page

    # The technician finds the call on their home page and opens it.
    tech.go("/technician/")
    mine = page.get_by_test_id("my-work")
    expect(mine).to_contain_text("Hall projector shows no picture")
    mine.get_by_role("link", name=incident.reference).click()
    expect(page.get_by_role("heading", name="Technician support")).to_be_visible()
    page.get_by_role("button", name="Start work").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success")).first).to_contain_text(
        "Work started"
    )
    expect(call_log(office, incident)).to_contain_text("Work started by Tom Tech")

    # Two diagnostics actions.
    for action, result, minutes in [
        ("Swapped the HDMI cable", "Still no signal", "10"),
        (
            "Tried a laptop on the projector's VGA input",
            "Picture for a minute, then the lamp goes out",
            "15",
        ),
    ]:
        panel = page.get_by_test_id("diagnose-form")
        panel.locator("summary").click()
        panel.get_by_label("Action taken").fill(action)
        panel.get_by_label("Result").fill(result)
        panel.get_by_label("Time spent").fill(minutes)
        panel.get_by_role("button", name="Add the entry").click()
        expect(page.get_by_test_id("diagnostics")).to_contain_text(action)
        expect(call_log(office, incident)).to_contain_text(action)
    expect(page.get_by_text("25 min in all")).to_be_visible()
    assert DiagnosticEntry.objects.filter(incident=incident).count() == 2

    # Consult the supplier, with their case reference.
    page.get_by_role("link", name="Consult a support group").click()
    page.get_by_role("link", name=re.compile("Projectors Direct")).click()
    contacts = page.get_by_test_id("contacts")
    expect(contacts).to_contain_text("0161 496 0123")
    expect(contacts).to_contain_text("PD-778812")
    page.get_by_label("Sam Supplier").check()
    page.get_by_label("Why are they consulted?").fill(
        "Lamp goes out after a minute: under warranty?"
    )
    page.get_by_label("Their case reference").fill("PD-CASE-55123")
    page.get_by_role("button", name="Record the consultation").click()
    expect(page.get_by_test_id("consultations")).to_contain_text("PD-CASE-55123")
    log = call_log(office, incident)
    expect(log).to_contain_text("Consulted Projectors Direct (Sam Supplier)")
    expect(log).to_contain_text("PD-CASE-55123")

    # A workaround in place.
    cause = page.get_by_test_id("cause-form")
    cause.locator("summary").click()
    cause.get_by_label("Cause found").fill("Projector lamp at the end of its life")
    cause.get_by_label("Workaround in place").fill("Use the TV trolley from the library")
    cause.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("workaround")).to_have_text("Use the TV trolley from the library")
    expect(call_log(office, incident)).to_contain_text(
        "Workaround in place: Use the TV trolley from the library"
    )

    # Escalate into problem management: the workaround is already there.
    page.get_by_role("link", name="Escalate into problem management").click()
    expect(page.get_by_label("Workaround in place")).to_have_value(
        "Use the TV trolley from the library"
    )
    page.get_by_label("Problem title").fill("Hall projector lamps fail early")
    page.get_by_role("button", name="Escalate").click()
    problem = Problem.objects.get()
    expect(page.get_by_test_id("technician-panel")).to_contain_text(problem.reference)
    log = call_log(office, incident)
    expect(log).to_contain_text(f"Escalated into problem management: {problem.reference}")

    # The desk was told at every stage, and the clock waits for the supplier.
    incident.refresh_from_db()
    assert (
        incident.problem == problem and incident.workaround == "Use the TV trolley from the library"
    )
    assert incident.paused_since is not None
    assert Consultation.objects.get(incident=incident).case_reference == "PD-CASE-55123"
    assert desk.notifications.filter(incident=incident, event="technician_update").count() >= 6
    expect(office.page.get_by_test_id("technician-panel")).to_contain_text("PD-CASE-55123")

    # The user sees none of the internal work.
    user = browser_for(reporter)
    user.go(incident.get_absolute_url())
    body = user.page.locator("main")
    expect(body).to_contain_text("Hall projector shows no picture")
    for secret in ("Swapped the HDMI cable", "PD-CASE-55123", problem.reference, "TV trolley"):
        expect(body).not_to_contain_text(secret)
    assert Incident.objects.get(pk=incident.pk).status == "in_progress"
    for session in (tech, office, user):
        assert page_errors(session) == []


def test_a_visit_on_a_phone_from_the_visit_list_to_a_diagnostics_entry(
    browser_for, reporter, desk, technician, site
):
    incident = passed_incident(
        reporter,
        desk,
        technician=technician,
        site=site,
        visit_date=timezone.localdate(),
        summary="Printer in the office jams",
    )
    phone = browser_for(technician, width=375, height=740)
    page = phone.page

    for path in (
        "/technician/",
        "/technician/visits/",
        "/technician/visits/print/",
        incident.get_absolute_url(),
    ):
        phone.go(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 376, f"{path} is {width}px wide on a 375px screen"

    phone.go("/technician/visits/")
    page.get_by_test_id("visits").get_by_role("link", name=incident.reference).click()
    panel = page.get_by_test_id("diagnose-form")
    panel.locator("summary").click()
    panel.get_by_label("Action taken").fill("Cleared the paper path")
    panel.get_by_role("button", name="Add the entry").click()
    expect(page.get_by_test_id("diagnostics")).to_contain_text("Cleared the paper path")
    assert page_errors(phone) == []
