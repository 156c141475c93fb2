"""The rota in real Chromium: the desk books a call for the technician's next
scheduled visit, chosen from the rota; the technician sees the visit on their home
page with the call waiting, and opens the visit's worksheet."""

import pytest
from playwright.sync_api import expect

from incidents.models import Incident, Status
from tests.desk_helpers import logged
from tests.factories import file_incident
from tests.rota_helpers import in_days, open_every_day, weekly_from

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_desk_books_the_next_visit_and_the_technician_sees_it(
    browser_for, reporter, desk, technician, site
):
    open_every_day(site)
    school = site.school
    weekly_from(technician, school, 0)
    incident = logged(file_incident(reporter, site=site, summary="Hall projector flickers"), desk)
    office = browser_for(desk)

    page = office.go(incident.get_absolute_url())
    form = page.get_by_test_id("technician-form")
    form.get_by_label("Next scheduled visit").select_option(
        label=f"{in_days(7):%A %d %B} · Tom Tech"
    )
    form.get_by_role("button", name="Request technician support").click()
    expect(page.get_by_text("Passed to Tom Tech.")).to_be_visible()
    booked = Incident.objects.get(pk=incident.pk)
    assert booked.status == Status.ASSIGNED
    assert (booked.assignee, booked.visit_date) == (technician, in_days(7))

    tech = browser_for(technician)
    page = tech.go("/technician/")
    day = page.get_by_test_id("my-day")
    expect(day).to_contain_text(str(school))
    day.get_by_role("link", name=f"{in_days(7):%a %-d %b} · {school}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Visit to {school} on {in_days(7):%A %-d %B %Y}"
    )
    expect(page.get_by_test_id("visit-calls")).to_contain_text("Hall projector flickers")
    page.get_by_role("link", name="Printable worksheet").click()
    expect(page.locator(".print-sheet")).to_contain_text(incident.reference)
