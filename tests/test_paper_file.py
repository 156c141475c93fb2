"""The paper file: the desk records who filed a closed sheet and when, and prints every
sheet closed in a period, one per page."""

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents import workflow
from incidents.history import render_entry
from incidents.models import ClosureCode, Incident
from tests.desk_helpers import fresh, last_entry, resolved
from tests.factories import file_incident


def closed(incident, desk, technician, on: date | None = None) -> Incident:
    incident = resolved(incident, desk, technician)
    incident = workflow.incident_close(
        incident=incident, by=desk, code=ClosureCode.FIXED, version=incident.version
    )
    if on is not None:
        moment = datetime.combine(on, time(12), tzinfo=timezone.get_current_timezone())
        Incident.objects.filter(pk=incident.pk).update(closed_at=moment)
    return fresh(incident)


def test_the_desk_records_the_sheet_as_filed_from_the_page(client_for, desk, technician, incident):
    incident = closed(incident, desk, technician)
    client = client_for(desk)
    page = client.get(incident.get_absolute_url()).text
    assert 'data-testid="mark-filed-form"' in page

    response = client.post(
        reverse("incidents:mark_filed", args=[incident.reference]),
        {"version": incident.version},
        follow=True,
    )

    after = fresh(incident)
    assert after.filed_away_by == desk and after.filed_away_at is not None
    entry = last_entry(incident)
    assert (entry.event, entry.actor, entry.is_public) == ("filed_away", desk, False)
    assert render_entry(entry) == f"Sheet filed in the paper file by {desk}."
    assert 'data-testid="filed-away"' in response.text
    assert 'data-testid="mark-filed-form"' not in response.text


def test_a_sheet_is_filed_once_and_only_when_closed(desk, technician, incident, site, reporter):
    incident = closed(incident, desk, technician)
    workflow.incident_mark_filed(incident=incident, by=desk, version=incident.version)
    with pytest.raises(workflow.InvalidMove, match="already filed"):
        workflow.incident_mark_filed(incident=incident, by=desk, version=fresh(incident).version)
    open_call = file_incident(reporter, site=site)
    assert not workflow.can(desk, "mark_filed", open_call)
    with pytest.raises(workflow.InvalidMove):
        workflow.incident_mark_filed(incident=open_call, by=desk, version=open_call.version)
    assert fresh(open_call).filed_away_at is None


def test_the_period_print_shows_the_sheets_closed_in_it_one_per_page(
    client_for, desk, technician, reporter, site
):
    before = closed(
        file_incident(reporter, site=site, summary="Before"), desk, technician, on=date(2026, 2, 27)
    )
    first = closed(
        file_incident(reporter, site=site, summary="First"), desk, technician, on=date(2026, 3, 2)
    )
    last = closed(
        file_incident(reporter, site=site, summary="Last"), desk, technician, on=date(2026, 3, 6)
    )
    after = closed(
        file_incident(reporter, site=site, summary="After"), desk, technician, on=date(2026, 3, 7)
    )
    still_open = file_incident(reporter, site=site, summary="Still open")

    response = client_for(desk).get(
        reverse("incidents:print_closed"), {"closed_from": "2026-03-02", "closed_to": "2026-03-06"}
    )

    page = response.text
    assert page.count('data-testid="print-sheet"') == 2
    assert page.index(f'data-reference="{first.reference}"') < page.index(
        f'data-reference="{last.reference}"'
    )
    for left_out in (before, after, still_open):
        assert f'data-reference="{left_out.reference}"' not in page
    assert page.count("page-break") == 1  # between the sheets, not after the last


def test_the_period_form_says_what_is_wrong_and_keeps_what_was_typed(client_for, desk):
    client = client_for(desk)
    empty = client.get(reverse("incidents:print_closed")).text
    assert 'data-testid="closed-period"' in empty and "print-sheet" not in empty

    page = client.get(
        reverse("incidents:print_closed"), {"closed_from": "2026-03-06", "closed_to": "2026-03-02"}
    ).text
    assert "This date is before the first one." in page
    assert 'value="2026-03-06"' in page
    assert 'data-testid="print-sheet"' not in page

    none = client.get(
        reverse("incidents:print_closed"), {"closed_from": "2026-01-05", "closed_to": "2026-01-09"}
    ).text
    assert "No sheet was closed in that period." in none


def test_the_period_print_takes_the_same_queries_for_one_sheet_or_many(
    client_for, desk, technician, reporter, site, django_assert_num_queries
):
    client = client_for(desk)
    params = {"closed_from": "2026-03-02", "closed_to": "2026-03-06"}
    closed(file_incident(reporter, site=site), desk, technician, on=date(2026, 3, 3))
    client.get(reverse("incidents:print_closed"), params)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        page = client.get(reverse("incidents:print_closed"), params).text
    assert page.count('data-testid="print-sheet"') == 1
    for n in range(3):
        closed(
            file_incident(reporter, site=site, summary=f"Call {n}"),
            desk,
            technician,
            on=date(2026, 3, 4),
        )
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("incidents:print_closed"), params).text
    assert page.count('data-testid="print-sheet"') == 4
