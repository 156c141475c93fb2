"""The incident story across a trust's schools, in real Chromium.

One trust, two schools (Ash Primary and Birch Secondary). A teacher at Ash files an
incident sheet and is offered only Ash's site and rooms; the trust's central desk
finds it in the queue under its school, filters the queue by school, logs it and
books it for the visiting technician's next scheduled visit to Ash, taken from the
rota; the technician sees it on their day at Ash and records the fix; the desk
closes it and the teacher reads the resolution. Birch's ICT lead (its desk) and a
Birch teacher never see the call: not in the queue, and a 404 on its page.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import Role, grant
from incidents.models import CallLogEntry, ClosureCode, Incident, ResolutionKind, Status
from tests.factories import (
    CategoryFactory,
    OrganisationFactory,
    RoomFactory,
    SchoolFactory,
    SiteFactory,
    UserFactory,
    file_incident,
)
from tests.rota_helpers import in_days, open_every_day, weekly_from

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = "Interactive whiteboard shows no picture"
FIX = "The HDMI cable behind the board had worked loose: replaced it and tested the board."


# The base template's own refusals, the same on every page: htmx's indicator <style>
# and the missing favicon (and the 404 pages this story opens on purpose).
BASE_TEMPLATE_ERRORS = (
    "sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk=",
    "Failed to load resource",
)


def page_errors(session) -> list[str]:
    return [
        e for e in session.console_errors if not any(known in e for known in BASE_TEMPLATE_ERRORS)
    ]


def open_details(panel):
    """Open a <details> panel of the page if it is closed."""
    if not panel.evaluate("element => element.open"):
        panel.locator("summary").first.click()


def person(username, first, last, role, **where):
    return UserFactory(
        username=username,
        first_name=first,
        last_name=last,
        roles=[role],
        roles__school=where.get("school"),
        roles__organisation=where.get("organisation"),
    )


@pytest.fixture
def trust(db):
    """The trust, its two schools (open every day), each with a site and two rooms."""
    trust = OrganisationFactory(name="Oak Learning Trust")
    places = {"trust": trust}
    for code, name in (("ash", "Ash Primary"), ("birch", "Birch Secondary")):
        school = SchoolFactory(organisation=trust, code=code, name=name)
        site = SiteFactory(school=school, code=f"{code.upper()}-MAIN", name=f"{name} main")
        open_every_day(site)
        rooms = [RoomFactory(site=site, name=f"{name} room {n}") for n in (1, 2)]
        places[code] = {"school": school, "site": site, "rooms": rooms}
    return places


@pytest.fixture
def cast(trust):
    ash, birch = trust["ash"]["school"], trust["birch"]["school"]
    people = {
        "teacher_ash": person("teacher_ash", "Amy", "Ashworth", Role.USER, school=ash),
        "teacher_birch": person("teacher_birch", "Ben", "Birchall", Role.USER, school=birch),
        "central": person("central", "Cara", "Central", Role.DESK, organisation=trust["trust"]),
        "lead_birch": person("lead_birch", "Ian", "Lead", Role.DESK, school=birch),
        "visiting": person("visiting", "Vic", "Visitor", Role.TECHNICIAN, school=ash),
    }
    grant(people["visiting"], Role.TECHNICIAN, school=birch)
    # Today is a visit day at Ash on the rota (every week from today).
    people["rota_entry"] = weekly_from(people["visiting"], ash, 0)
    return people


def test_a_call_at_one_school_goes_from_teacher_to_central_desk_to_visiting_technician(
    browser_for, trust, cast
):
    CategoryFactory(name="Classroom technology")
    ash, birch = trust["ash"], trust["birch"]
    visit_day = in_days(0)
    # A call at Birch, so the queue has both schools in it.
    birch_call = file_incident(
        cast["teacher_birch"], site=birch["site"], summary="Birch library PC will not start"
    )
    teacher = browser_for(cast["teacher_ash"])
    office = browser_for(cast["central"])

    # --- The teacher at Ash files the sheet: only Ash's site and rooms are offered.
    page = teacher.go("/report/")
    site_options = page.get_by_label("Site").locator("option").all_inner_texts()
    assert "Ash Primary main" in " ".join(site_options)
    assert not any("Birch" in option for option in site_options)
    room_options = page.get_by_label("Room").locator("option").all_inner_texts()
    assert {"Ash Primary room 1", "Ash Primary room 2"} <= set(room_options)
    assert not any("Birch" in option for option in room_options)
    page.get_by_label("What is wrong, in a few words?").fill(SUMMARY)
    # Choosing the site fetches its rooms again: wait for them before choosing one.
    with page.expect_response(lambda response: "/report/?" in response.url):
        page.get_by_label("Site").select_option(label="Ash Primary main")
    page.get_by_label("Room").select_option(label="Ash Primary room 2")
    page.get_by_label("Not in the list? Describe it").fill("The whiteboard at the front")
    page.get_by_label("Yes – it happened again").check()
    page.get_by_label("What did you expect to happen?").fill("My slides on the board.")
    page.get_by_label("What exactly happened?").fill("The board is blue and says No signal.")
    page.get_by_role("button", name="Send to the service desk").click()
    expect(
        page.get_by_role("heading", name="Thank you: your incident sheet has been sent")
    ).to_be_visible()
    incident = Incident.objects.get(reporter=cast["teacher_ash"])
    ref, url = incident.reference, incident.get_absolute_url()
    assert page.get_by_test_id("reference").inner_text().strip() == ref
    assert (incident.school, incident.site, incident.room) == (
        ash["school"],
        ash["site"],
        ash["rooms"][1],
    )

    # --- The central desk sees both schools' calls, each with its school.
    page = office.go("/desk/")
    ash_row = page.get_by_test_id("queue-row").filter(has_text=ref)
    expect(ash_row.get_by_test_id("queue-school")).to_have_text("ASH")
    birch_row = page.get_by_test_id("queue-row").filter(has_text=birch_call.reference)
    expect(birch_row.get_by_test_id("queue-school")).to_have_text("BIRCH")
    expect(page.get_by_role("columnheader", name="School")).to_be_visible()

    # Filtering by school keeps Ash's call and drops Birch's.
    open_details(page.get_by_test_id("queue-filters").locator("details"))
    page.get_by_label("School", exact=True).select_option(label="Ash Primary")
    expect(page).to_have_url(re.compile(rf"school={ash['school'].pk}"))
    expect(page.get_by_test_id("queue-row").filter(has_text=birch_call.reference)).to_have_count(0)
    expect(page.get_by_test_id("queue-row")).to_have_count(1)
    page.get_by_test_id("queue-row").get_by_role("link", name=ref).click()
    expect(page).to_have_url(re.compile(ref))

    # It logs the call.
    accept = page.get_by_test_id("accept-form")
    open_details(accept)
    accept.get_by_label("Category").select_option(label="Classroom technology")
    accept.get_by_label("Impact").select_option(value="2")
    accept.get_by_label("Urgency").select_option(value="2")
    accept.get_by_role("button", name="Accept and log").click()
    expect(page.get_by_test_id("status")).to_have_text("Logged")
    expect(page.get_by_test_id("owner")).to_have_text("Cara Central")

    # Technician support for the next scheduled visit: technician and day from the rota.
    request = page.get_by_test_id("technician-form")
    open_details(request)
    visits = request.get_by_label("Next scheduled visit").locator("option").all_inner_texts()
    assert f"{visit_day:%A %d %B} · Vic Visitor" in visits
    request.get_by_label("Next scheduled visit").select_option(
        label=f"{visit_day:%A %d %B} · Vic Visitor"
    )
    request.get_by_label("Note for the technician").fill("Board at the front of room 2.")
    request.get_by_role("button", name="Request technician support").click()
    expect(page.get_by_text("Passed to Vic Visitor.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Technician requested")
    expect(page.get_by_test_id("assignee")).to_contain_text("Vic Visitor")
    expect(page.get_by_test_id("call-log")).to_contain_text(
        f"Planned visit: {visit_day:%A %d %B %Y}"
    )
    booked = Incident.objects.get(pk=incident.pk)
    assert (booked.assignee, booked.visit_date) == (cast["visiting"], visit_day)

    # --- Birch's ICT lead: not in their queue, and a 404 on the call's page.
    lead = browser_for(cast["lead_birch"])
    page = lead.go("/desk/")
    expect(page.get_by_test_id("queue-row").filter(has_text=birch_call.reference)).to_have_count(1)
    expect(page.get_by_test_id("queue-row").filter(has_text=ref)).to_have_count(0)
    # One school: no School column, no school filter.
    expect(page.get_by_test_id("queue-school")).to_have_count(0)
    expect(page.get_by_label("School", exact=True)).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(SUMMARY)
    response = page.goto(lead.base_url + url)
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text(SUMMARY)

    # The teacher at Birch: a 404 too, and nothing of it in their list.
    other_teacher = browser_for(cast["teacher_birch"])
    page = other_teacher.go("/incidents/")
    expect(page.locator("body")).to_contain_text("Birch library PC will not start")
    expect(page.locator("body")).not_to_contain_text(ref)
    response = page.goto(other_teacher.base_url + url)
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text(SUMMARY)

    # --- The visiting technician: today's visit at Ash with the call waiting.
    tech = browser_for(cast["visiting"])
    page = tech.go("/technician/")
    day = page.get_by_test_id("my-day")
    expect(day.locator("[data-visit='ash']")).to_contain_text("1 call waiting")
    expect(day.locator("[data-visit='birch']")).to_have_count(0)
    day.get_by_role("link", name="Ash Primary", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Visit to Ash Primary on {visit_day:%A %-d %B %Y}"
    )
    calls = page.get_by_test_id("visit-calls")
    expect(calls).to_contain_text(SUMMARY)
    expect(calls).to_contain_text("Ash Primary room 2")
    expect(calls).not_to_contain_text("Birch library PC")
    calls.get_by_role("link", name=ref).click()
    expect(page.get_by_test_id("technician-panel")).to_contain_text("Board at the front of room 2.")
    page.get_by_role("button", name="Start work").click()
    expect(page.get_by_test_id("status")).to_have_text("In progress")
    resolve = page.get_by_test_id("resolve-form")
    open_details(resolve)
    resolve.get_by_label("What was done").fill(FIX)
    resolve.get_by_role("button", name="Resolve").click()
    expect(page.get_by_test_id("status")).to_have_text("Resolved")

    # --- The central desk closes it with the technician's resolution.
    page = office.go(url)
    expect(page.get_by_test_id("status")).to_have_text("Resolved")
    close = page.get_by_test_id("close-form")
    open_details(close)
    expect(close.get_by_label("Resolution")).to_have_value(FIX)
    close.get_by_label("Closure code").select_option(value=ClosureCode.FIXED)
    close.get_by_role("button", name="Close and tell Amy Ashworth").click()
    expect(page.get_by_test_id("status")).to_have_text("Closed")

    # --- The teacher reads the resolution on their page.
    page = teacher.go("/incidents/")
    page.get_by_role("link", name=ref).click()
    expect(page.get_by_test_id("status")).to_have_text("Closed")
    expect(page.get_by_test_id("resolution")).to_contain_text(FIX)

    # Birch's ICT lead still cannot open it once closed.
    response = lead.page.goto(lead.base_url + url)
    assert response is not None and response.status == 404

    # --- The record behind the pages.
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    assert incident.school == ash["school"]
    assert (incident.site, incident.room) == (ash["site"], ash["rooms"][1])
    assert incident.owner == cast["central"]
    assert incident.assignee == cast["visiting"]
    assert incident.visit_date == cast["rota_entry"].starts_on == visit_day
    assert incident.closure_code == ClosureCode.FIXED
    assert incident.resolution_kind == ResolutionKind.FIX
    assert incident.resolution == FIX
    entries = list(
        CallLogEntry.objects.filter(incident=incident)
        .order_by("at", "id")
        .values_list("event", "actor__username", "to_status")
    )
    assert [(event, actor) for event, actor, _ in entries] == [
        ("filed", "teacher_ash"),
        ("accepted", "central"),
        ("technician_requested", "central"),
        ("technician_note", "central"),
        ("started", "visiting"),
        ("resolved", "visiting"),
        ("closed", "central"),
    ]
    assert entries[-1][2] == Status.CLOSED
    requested = CallLogEntry.objects.get(incident=incident, event="technician_requested")
    assert requested.data["visit_date"] == visit_day.isoformat()
    assert requested.data["technician"] == "Vic Visitor"
    for session in (teacher, office, tech):
        assert page_errors(session) == []
    birch_call.refresh_from_db()
    assert birch_call.status == Status.SUBMITTED
