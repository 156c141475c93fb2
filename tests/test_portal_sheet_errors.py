"""The sheet's errors and markers, and one incident per sheet however often it is sent.

Errors: a summary at the top lists each one as a link to its field (the GOV.UK
pattern); the stars tell the truth about what must be answered.
One submission: the same token (double click, reload) or the same words from a
new token (Back then Send, a second tab) file one incident and take the person
to it.
"""

import re
import uuid

from django.urls import reverse

from incidents.models import Incident
from tests.factories import EquipmentFactory
from tests.portal_helpers import sheet_post

REPORT = reverse("incidents:report")


def _label(page: str, for_id: str) -> str:
    match = re.search(rf'<label[^>]*for="{for_id}"[^>]*>(.*?)</label>', page, re.S)
    assert match, f"no label for {for_id}"
    return match.group(1)


def test_error_summary_lists_each_error_as_a_link_to_its_field(client_for, reporter, site):
    data = sheet_post(site=site, summary="", happened="", tried_to_repeat="")

    page = client_for(reporter).post(REPORT, data).content.decode()

    summary = page.split('data-testid="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_summary"' in summary and "Say in a few words what is wrong." in summary
    assert 'href="#id_happened"' in summary and "Say what exactly happened" in summary
    assert 'href="#id_tried_to_repeat_0"' in summary
    assert 'tabindex="-1"' in page.split('data-testid="error-summary"', 1)[0][-300:]
    # The summary comes before the form, so it is met first.
    assert page.index('data-testid="error-summary"') < page.index('id="report-form"')
    assert not Incident.objects.exists()


def test_a_sheet_without_errors_shows_no_summary(client_for, reporter):
    page = client_for(reporter).get(REPORT).content.decode()
    assert 'data-testid="error-summary"' not in page


def test_the_same_partial_serves_other_form_pages(client_for, desk):
    page = (
        client_for(desk).post(reverse("incidents:desk_log_call"), {"summary": ""}).content.decode()
    )
    assert 'data-testid="error-summary"' in page
    assert 'href="#id_summary"' in page


def test_stars_mark_what_must_be_answered_and_only_that(client_for, reporter, site, incident):
    page = client_for(reporter).get(REPORT).content.decode()

    assert "asteriskField" in _label(page, "id_site")
    assert "asteriskField" in _label(page, "id_equipment_description")
    assert "one of these" in page
    assert "asteriskField" not in _label(page, "id_photos")
    assert "asteriskField" not in _label(page, "id_checked")

    detail = client_for(reporter).get(incident.get_absolute_url()).content.decode()
    assert "asteriskField" not in _label(detail, "id_photos")


def test_the_availability_question_follows_its_tick_box(client_for, reporter):
    page = client_for(reporter).get(REPORT).content.decode()
    tick = page.index('data-question="available_to_discuss"')
    assert tick < page.index('data-question="availability"')


def test_sending_the_same_token_again_files_once(client_for, reporter, site):
    client = client_for(reporter)
    data = sheet_post(site=site)
    first = client.post(REPORT, data)
    again = client.post(REPORT, data)  # a reload, or the second click of a double click

    incident = Incident.objects.get()
    assert first.url == again.url == reverse("incidents:confirmation", args=[incident.reference])
    shown = client.get(again.url).content.decode()
    assert f"This sheet was already sent as {incident.reference}" in shown


def test_back_then_send_with_a_new_token_files_once(client_for, reporter, site):
    """Back re-renders the sheet with a fresh token; the same words are recognised."""
    client = client_for(reporter)
    client.post(REPORT, sheet_post(site=site))
    again = client.post(REPORT, sheet_post(site=site, token=uuid.uuid4()))

    incident = Incident.objects.get()
    assert again.url == reverse("incidents:confirmation", args=[incident.reference])


def test_two_tabs_with_the_same_sheet_file_once(client_for, reporter, site):
    client = client_for(reporter)
    tab_one, tab_two = sheet_post(site=site), sheet_post(site=site)
    assert tab_one["submission_token"] != tab_two["submission_token"]
    client.post(REPORT, tab_one)
    client.post(REPORT, tab_two)
    assert Incident.objects.count() == 1


def test_a_different_problem_is_filed_as_a_new_incident(client_for, reporter, site):
    client = client_for(reporter)
    client.post(REPORT, sheet_post(site=site))
    client.post(REPORT, sheet_post(site=site, happened="The fan is very loud."))
    assert Incident.objects.count() == 2


def test_someone_elses_identical_sheet_is_their_own(client_for, reporter, other_reporter, site):
    client_for(reporter).post(REPORT, sheet_post(site=site))
    client_for(other_reporter).post(REPORT, sheet_post(site=site))
    assert Incident.objects.filter(reporter=other_reporter).count() == 1


def test_the_equipment_offered_is_not_needed_when_described(client_for, reporter, site):
    EquipmentFactory(site=site)
    response = client_for(reporter).post(REPORT, sheet_post(site=site))
    assert Incident.objects.get().equipment_description == "The projector on the ceiling"
    assert response.status_code == 302
