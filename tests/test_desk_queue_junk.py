"""Junk in the queue's address: a 400 with the form's messages, or an empty list — never a 500.

The same for the CSV export, which reads the same filters.
"""

import pytest
from django.urls import reverse

from tests.factories import file_incident

QUEUE = reverse("incidents:desk_queue")
EXPORT = reverse("incidents:desk_export")

JUNK = [
    {"state": "exploded"},
    {"state": ["open", "nope"]},
    {"priority": "0"},
    {"priority": "high"},
    {"priority": "99999999999999999999999"},
    {"category": "abc"},
    {"category": "99999999999999999999999999"},
    {"category": "-1"},
    {"site": "1 OR 1=1"},
    {"room": "1.5"},
    {"owner": "[]"},
    {"assignee": "%00"},
    {"created_after": "yesterday"},
    {"created_after": "99999-01-01"},
    {"created_before": "2026-02-31"},
    {"target": "everything"},
    {"sort": "password"},
    {"sort": "-reporter__password"},
    {"sort": "summary; DROP TABLE incidents_incident"},
    {"q": "x" * 5000},
    {"q": "nul\x00byte"},
    {"reporter": "y" * 500},
    {"equipment": "z" * 500},
]

HARMLESS = [
    {"q": "'\" OR 1=1 --"},
    {"q": "%_%"},
    {"q": "!!! & | ( ) : * <script>alert(1)</script>"},
    {"q": "INC-"},
    {"q": "INC-99999999999999999999"},
    {"q": "999999999999"},
    {"q": "é ü 中文 🙂"},
    {"reporter": "' OR ''='"},
    {"equipment": "%"},
    {"mine": "definitely"},
    {"unowned": "0"},
    {"page": "-1"},
    {"page": "abc"},
    {"page": "99999999999999999999"},
    {"unknown": "ignored"},
    {"state": ""},
]


@pytest.fixture
def desk_client(client_for, desk, reporter, site):
    file_incident(reporter, site=site)
    return client_for(desk)


@pytest.mark.parametrize("params", JUNK, ids=[str(p)[:40] for p in JUNK])
def test_junk_filters_answer_400_with_no_rows(desk_client, params):
    response = desk_client.get(QUEUE, params)

    assert response.status_code == 400
    assert 'data-testid="filter-errors"' in response.text
    assert 'data-testid="queue-row"' not in response.text


@pytest.mark.parametrize("params", JUNK, ids=[str(p)[:40] for p in JUNK])
def test_junk_filters_are_refused_by_the_export(desk_client, params):
    response = desk_client.get(EXPORT, params)

    assert response.status_code == 400
    assert "INC-" not in response.content.decode()


@pytest.mark.parametrize("params", HARMLESS, ids=[str(p)[:40] for p in HARMLESS])
def test_odd_but_harmless_values_answer_200(desk_client, params):
    response = desk_client.get(QUEUE, params)

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert desk_client.get(EXPORT, params).status_code == 200
