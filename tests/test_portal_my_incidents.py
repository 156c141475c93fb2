"""My incidents: the person's own, newest first, status in plain words, open/closed
filter, pages, and a fixed number of queries however many rows there are."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import workflow
from incidents.models import Incident
from tests.factories import CategoryFactory, EquipmentFactory, file_incident

URL = reverse("incidents:my_incidents")


def listed_references(response) -> list[str]:
    return [incident.reference for incident in response.context["page"].object_list]


def test_only_the_persons_own_incidents_are_listed(client_for, reporter, other_reporter, site):
    mine = file_incident(reporter, site=site, summary="My projector")
    theirs = file_incident(other_reporter, site=site, summary="Their secret laptop")

    response = client_for(reporter).get(URL)

    assert listed_references(response) == [mine.reference]
    page = response.content.decode()
    assert "My projector" in page
    assert "Their secret laptop" not in page
    assert theirs.reference not in page


def test_support_staff_see_only_what_they_reported_themselves(client_for, reporter, desk, site):
    file_incident(reporter, site=site)
    own = file_incident(desk, site=site, summary="Desk's own broken phone")

    response = client_for(desk).get(URL)

    assert listed_references(response) == [own.reference]


def test_newest_first_with_status_in_plain_words(client_for, reporter, desk, site):
    older = file_incident(reporter, site=site, summary="Older")
    Incident.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=3))
    newer = file_incident(reporter, site=site, summary="Newer")
    workflow.incident_return_to_user(
        version=workflow.current_version(newer), incident=newer, by=desk, question="Which room?"
    )

    response = client_for(reporter).get(URL)

    assert listed_references(response) == [newer.reference, older.reference]
    page = response.content.decode()
    assert "The service desk needs your answer" in page
    assert "Received – the service desk will check it" in page


def test_the_filter_shows_open_or_closed(client_for, reporter, desk, site):
    still_open = file_incident(reporter, site=site, summary="Open one")
    closed = file_incident(reporter, site=site, summary="Closed one")
    workflow.incident_close(
        version=workflow.current_version(closed),
        incident=closed,
        by=desk,
        code="not_an_incident",
        category=CategoryFactory(name="Printing"),  # never logged: logged as it is closed
        channel="phone",
    )
    client = client_for(reporter)

    assert listed_references(client.get(URL, {"state": "open"})) == [still_open.reference]
    assert listed_references(client.get(URL, {"state": "closed"})) == [closed.reference]
    assert set(listed_references(client.get(URL))) == {still_open.reference, closed.reference}
    counts = client.get(URL).context["counts"]
    assert counts == {"open": 1, "closed": 1}


@pytest.mark.parametrize(
    "params",
    [
        {"state": "'; drop table"},
        {"state": "OPEN"},
        {"page": "-1"},
        {"page": "x" * 300},
        {"page": "99"},
    ],
)
def test_junk_parameters_are_never_an_error(client_for, reporter, site, params):
    file_incident(reporter, site=site)

    response = client_for(reporter).get(URL, params)

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


def test_an_empty_list_explains_how_to_report(client_for, reporter):
    page = client_for(reporter).get(URL).content.decode()

    assert "You have not reported anything yet" in page
    assert reverse("incidents:report") in page


def test_the_list_is_paginated(client_for, reporter, site):
    for n in range(25):
        file_incident(reporter, site=site, summary=f"Incident {n}")
    client = client_for(reporter)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 5
    assert "?page=2" in first.content.decode()


def test_the_filter_is_kept_across_pages(client_for, reporter, site):
    for _ in range(21):
        file_incident(reporter, site=site)

    page = client_for(reporter).get(URL, {"state": "open"}).content.decode()

    assert "?state=open&amp;page=2" in page


def _queries_for(client, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(URL)
    assert response.status_code == 200
    return response


def test_the_number_of_queries_does_not_grow_with_the_rows(
    client_for, reporter, site, django_assert_num_queries
):
    equipment = EquipmentFactory(site=site)
    file_incident(reporter, site=site, equipment=equipment)
    client = client_for(reporter)
    client.get(URL)  # warm the session

    # session, user, roles, counts, page count, rows, unread notifications
    _queries_for(client, django_assert_num_queries, 7)
    for n in range(40):
        file_incident(
            reporter, site=site, equipment=equipment if n % 2 else None, summary=f"Row {n}"
        )
    response = _queries_for(client, django_assert_num_queries, 7)
    assert len(response.context["page"].object_list) == 20
