"""A reused "log a call" form, and cells a spreadsheet must not run as formulas."""

import csv
import io
import uuid

import pytest
from django.urls import reverse

from helpdesk.spreadsheet import formula_safe
from incidents.models import Incident
from tests.factories import file_incident
from tests.test_desk_log_call import LOG_CALL, call


def test_a_log_call_form_resent_for_another_person_is_a_message_and_keeps_the_sheet(
    client_for, desk, reporter, other_reporter, site
):
    client = client_for(desk)
    token = str(uuid.uuid4())
    client.post(LOG_CALL, call(reporter, site, submission_token=token))
    first = Incident.objects.get()

    response = client.post(
        LOG_CALL, call(other_reporter, site, submission_token=token, summary="Scanner jams")
    )

    assert response.status_code == 400
    assert "This form was already used to log a call for someone else" in response.text
    assert 'value="Scanner jams"' in response.text
    assert "It says no signal on the projector" in response.text
    assert Incident.objects.get() == first and first.reporter == reporter
    new_token = response.context["form"]["submission_token"].value()
    assert str(new_token) != token

    again = client.post(
        LOG_CALL, call(other_reporter, site, submission_token=new_token, summary="Scanner jams")
    )

    assert again.status_code == 302
    second = Incident.objects.exclude(pk=first.pk).get()
    assert second.reporter == other_reporter and second.summary == "Scanner jams"


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example")',
        ";=1+1",
        " =1+1",
        ",=cmd|' /C calc'!A0",
        "\u3000=1+1",
        "\uff1d1+1",
        "\uff0b44",
        "\uff0d2",
        "\uff20SUM(A1)",
        "|calc",
        "\n=1",
        "\t=x",
    ],
)
def test_formula_starts_are_neutralised(text):
    assert formula_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["plain", "a=b", "Room 12", "INC-000001", "", "2 + 2 = 4"])
def test_ordinary_text_is_left_alone(text):
    assert formula_safe(text) == text


def test_the_export_neutralises_a_full_width_formula_in_a_summary(client_for, desk, reporter, site):
    file_incident(reporter, site=site, summary='\uff1dHYPERLINK("http://evil.example")')

    response = client_for(desk).get(reverse("incidents:desk_export"))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][2] == '\'\uff1dHYPERLINK("http://evil.example")'
