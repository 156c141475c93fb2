"""Text typed into the product's forms, through the pages people use: junk characters
are cleaned before anything is saved or searched, an over-long answer is a message next
to its field with everything else kept, and a move posted without its version is refused
on the form. The sheet's questions read the same on every page that shows them."""

import uuid
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from incidents.forms.sheet import QUESTIONS, USER_QUESTIONS
from incidents.models import HoldReason, Incident, Status
from tests.desk_helpers import logged
from tests.factories import file_incident
from tests.portal_helpers import sheet_post
from tests.technician_helpers import passed_incident

pytestmark = pytest.mark.django_db
REPORT = reverse("incidents:report")
LOG_CALL = reverse("incidents:desk_log_call")
ONE_MB = ("lorem ipsum dolor sit amet consectetur adipiscing elit " * 20_000)[: 1024 * 1024]


class FieldErrors(HTMLParser):
    """The error messages shown under each field (crispy's invalid-feedback), by field id."""

    def __init__(self):
        super().__init__()
        self.errors: dict[str, str] = {}
        self._current: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        field_id = attrs.get("id") or ""
        if "invalid-feedback" in (attrs.get("class") or "") and field_id.endswith("_error"):
            self._current = field_id.removeprefix("id_").removesuffix("_error")
            self.errors.setdefault(self._current, "")

    def handle_endtag(self, tag):
        if tag == "div":
            self._current = None

    def handle_data(self, data):
        if self._current:
            self.errors[self._current] += data


def field_errors(html: str) -> dict[str, str]:
    parser = FieldErrors()
    parser.feed(html)
    return parser.errors


def test_a_nul_byte_in_the_sheet_is_filed_without_it(client_for, reporter, site):
    data = sheet_post(site=site, summary="Printer\x00 jammed", happened="Paper\x00 stuck\x00")
    response = client_for(reporter).post(REPORT, data)

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert incident.summary == "Printer jammed"
    assert incident.sheet.happened == "Paper stuck"


def test_a_nul_byte_in_the_help_panel_search_is_answered(client_for, reporter):
    url = reverse("incidents:report_help")
    response = client_for(reporter).get(url, {"summary": "print\x00er", "happened": "\x00blank"})
    assert response.status_code == 200


def test_a_summary_with_line_separators_and_bidi_overrides_is_saved_cleaned(
    client_for, reporter, site
):
    summary = "Projector\u2028broken\r\n in \u202eroom 12\u202c\u2066!\u2069"
    happened = "First line\u2028second line\r\nthird \u202eline\u202c"
    client_for(reporter).post(REPORT, sheet_post(site=site, summary=summary, happened=happened))

    incident = Incident.objects.get()
    assert incident.summary == "Projector broken  in room 12!"
    assert incident.sheet.happened == "First line\nsecond line\nthird line"


def test_a_megabyte_answer_is_a_message_next_to_the_field_and_the_rest_is_kept(
    client_for, reporter, site
):
    data = sheet_post(site=site, further_info=ONE_MB)
    response = client_for(reporter).post(REPORT, data)

    assert response.status_code == 200
    assert not Incident.objects.exists()
    errors = field_errors(response.content.decode())
    assert list(errors) == ["further_info"]
    assert "at most 4000 characters" in errors["further_info"]
    page = response.content.decode()
    for kept in ("The projector to show my slides.", "Yesterday, period 5", "Period 3 on Tuesday"):
        assert kept in page
    assert "Up to 4,000 characters." in page


def test_the_desk_logging_a_call_with_junk_characters_files_it_cleaned(
    client_for, desk, reporter, site
):
    data = {
        "reporter": reporter.pk,
        "channel": "phone",
        "answered_by": "Her\u2028TA\x00",
        "summary": "Whiteboard\x00 dark\u202e",
        "site": site.pk,
        "equipment_description": "Whiteboard\r\nin the hall",
        "tried_to_repeat": "recurred",
        "expected": "A picture",
        "happened": "No\x00 signal",
        "submission_token": str(uuid.uuid4()),
    }
    response = client_for(desk).post(LOG_CALL, data)

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert incident.summary == "Whiteboard dark"
    assert incident.equipment_description == "Whiteboard in the hall"
    assert (incident.sheet.happened, incident.sheet.answered_by) == ("No signal", "Her TA")


def test_a_move_posted_without_its_version_is_refused_on_the_form(
    client_for, reporter, desk, technician, site
):
    incident = passed_incident(reporter, desk, technician=technician, site=site)
    response = client_for(technician).post(
        reverse("incidents:hold", args=[incident.reference]),
        {"reason": HoldReason.PARTS, "note": "Lamp due Thursday"},
    )

    assert response.status_code == 200
    assert "This page is out of date" in response.content.decode()
    assert "Lamp due Thursday" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Status.ASSIGNED


def test_the_sheet_questions_read_the_same_on_every_page(client_for, reporter, desk, site):
    incident = file_incident(reporter, site=site, sheet={"had_before_details": "Last term"})
    logged(incident, desk)
    reporter_client, desk_client = client_for(reporter), client_for(desk)
    pages = {
        "user's sheet": reporter_client.get(REPORT),
        "reporter's incident page": reporter_client.get(incident.get_absolute_url()),
        "log a call": desk_client.get(LOG_CALL),
        "staff page": desk_client.get(incident.get_absolute_url()),
        "printed sheet": desk_client.get(reverse("incidents:print", args=[incident.reference])),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        page = response.content.decode()
        for question in USER_QUESTIONS:
            assert question.label in page, f"{question.name} on the {where}"
    desk_only = [q for q in QUESTIONS if q not in USER_QUESTIONS]
    log_call_page = pages["log a call"].content.decode()
    assert all(question.label in log_call_page for question in desk_only)
    assert all(
        question.label not in pages["user's sheet"].content.decode() for question in desk_only
    )
