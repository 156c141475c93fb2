"""References take ASCII digits only: "²", "①" and other Unicode digits pass
`str.isdigit()` but not `int()`. Everywhere a reference is read they are unknown
references (404, an empty result or a message next to the field), never a 500 and
never an export cut short."""

import csv
import io

import pytest
from django.urls import reverse

from incidents.models import Incident, Status
from tests.desk_helpers import fresh, post
from tests.factories import file_incident

UNICODE_DIGITS = ["²", "①", "١٢", "\U0001d7d9", "¹²³", "٣"]


@pytest.fixture
def filed(reporter, site):
    return file_incident(reporter, site=site, summary="Projector shows no signal")


@pytest.mark.parametrize("digits", UNICODE_DIGITS)
@pytest.mark.parametrize(
    "url",
    [
        "/incidents/INC-{d}/",
        "/incidents/{d}/",
        "/incidents/INC-{d}/print/",
        "/incidents/INC-{d}/attachments/1/",
        "/incidents/INC-{d}/sent/",
        "/problems/PRB-{d}/",
        "/problems/{d}/edit/",
    ],
)
def test_unicode_digits_in_a_reference_are_not_found(client_for, admin_user, filed, url, digits):
    response = client_for(admin_user).get(url.format(d=digits))

    assert response.status_code == 404
    assert filed.summary not in response.text


@pytest.mark.parametrize("digits", UNICODE_DIGITS)
@pytest.mark.parametrize("url", ["/desk/", "/problems/", "/incidents/"])
def test_unicode_digits_in_a_search_find_nothing(client_for, admin_user, filed, url, digits):
    response = client_for(admin_user).get(url, {"q": f"INC-{digits}"})

    assert response.status_code in (200, 400)
    assert filed.reference not in response.text


@pytest.mark.parametrize("digits", UNICODE_DIGITS)
def test_unicode_digits_in_a_print_selection_are_skipped(client_for, desk, filed, digits):
    client = client_for(desk)

    assert client.get("/desk/print/", {"ids": f"INC-{digits}"}).status_code == 404
    page = client.get("/desk/print/", {"ids": f"INC-{digits},{filed.reference}"})
    assert page.status_code == 200
    assert page.text.count(filed.summary) >= 1


@pytest.mark.parametrize("digits", UNICODE_DIGITS)
def test_the_export_with_unicode_digits_is_whole_and_says_so(client_for, desk, filed, digits):
    response = client_for(desk).get(reverse("incidents:desk_export"), {"q": digits})

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Reference" and rows[1:] == []


def test_the_export_with_a_plain_reference_lists_that_incident(client_for, desk, filed):
    response = client_for(desk).get(reverse("incidents:desk_export"), {"q": filed.reference})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [filed.reference]


@pytest.mark.parametrize("digits", UNICODE_DIGITS)
def test_unicode_digits_as_a_duplicate_reference_are_a_message(client_for, desk, filed, digits):
    response = post(
        client_for(desk), filed, "close", "close", code="duplicate", duplicate_of=f"INC-{digits}"
    )

    assert response.status_code == 400
    assert f"There is no incident INC-{digits}" in response.text
    assert fresh(filed).status == Status.SUBMITTED


@pytest.mark.parametrize("digits", UNICODE_DIGITS)
def test_unicode_digits_as_a_problem_reference_are_a_message(client_for, desk, filed, digits):
    response = post(
        client_for(desk), filed, "link_problem", "problem", problem=f"PRB-{digits}", version=None
    )

    assert response.status_code == 400
    assert f"There is no problem PRB-{digits}" in response.text
    assert fresh(filed).problem_id is None


@pytest.mark.parametrize("digits", UNICODE_DIGITS)
def test_unicode_digits_in_bulk_duplicates_are_a_message(client_for, desk, filed, digits):
    response = client_for(desk).post(
        reverse("incidents:desk_bulk"),
        {"bulk-ids": [filed.pk], "bulk-action": "duplicate", "bulk-duplicate_of": f"INC-{digits}"},
        follow=True,
    )

    assert response.status_code < 500
    assert f"There is no incident INC-{digits}" in response.text
    assert Incident.objects.get(pk=filed.pk).status == Status.SUBMITTED
