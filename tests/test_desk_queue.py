"""The call log: every incident, filtered, searched, sorted and paged from the address."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from incidents import workflow
from incidents.models import Incident, Status
from tests.desk_helpers import assigned, logged, many_incidents
from tests.factories import (
    CategoryFactory,
    EquipmentFactory,
    RoomFactory,
    SiteFactory,
    UserFactory,
    file_incident,
)
from tests.html import parse

QUEUE = reverse("incidents:desk_queue")


def listed(response) -> list[str]:
    """The references in the table, in order."""
    return re.findall(r'data-testid="queue-row" data-reference="(INC-\d+)"', response.text)


@pytest.fixture
def desk_client(client_for, desk):
    return client_for(desk)


def test_queue_is_for_the_desk_only(client_for, reporter, technician, admin_user, incident):
    assert client_for(reporter).get(QUEUE).status_code == 403
    assert client_for(technician).get(QUEUE).status_code == 403
    response = client_for(admin_user).get(QUEUE)
    assert response.status_code == 200
    assert listed(response) == [incident.reference]


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_default_view_lists_open_calls_newest_first(desk_client, desk, reporter, site):
    older = file_incident(reporter, site=site, summary="Projector flickers")
    newer = file_incident(reporter, site=site, summary="Whiteboard pen lost")
    closed = file_incident(reporter, site=site, summary="Old and done")
    workflow.incident_close(
        version=workflow.current_version(closed),
        incident=closed,
        by=desk,
        code="not_an_incident",
        category=CategoryFactory(name="Printing"),  # never logged: logged as it is closed
        channel="phone",
    )

    response = desk_client.get(QUEUE)

    assert listed(response) == [newer.reference, older.reference]
    assert "Projector flickers" in response.text
    assert closed.reference not in response.text


def test_each_row_shows_reporter_place_age_and_latest_entry(desk_client, desk, reporter, site):
    incident = file_incident(reporter, site=site)
    workflow.incident_add_note(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        text="Rang the office, no answer",
    )

    response = desk_client.get(QUEUE)

    row = parse(response.text).find("tr", attrs={"data-reference": incident.reference}).text
    assert "Rita Reporter" in row
    assert "Main building" in row
    assert "Rang the office, no answer" in row
    assert "— 0 min" in row  # the age of the call


def test_filter_by_several_states(desk_client, desk, reporter, site):
    submitted = file_incident(reporter, site=site)
    waiting = file_incident(reporter, site=site)
    workflow.incident_return_to_user(
        version=workflow.current_version(waiting),
        incident=waiting,
        by=desk,
        question="Which printer?",
    )
    logged_one = logged(file_incident(reporter, site=site), desk)

    response = desk_client.get(QUEUE, {"state": ["submitted", "awaiting_user"]})

    assert set(listed(response)) == {submitted.reference, waiting.reference}
    assert logged_one.reference not in listed(response)


def test_closed_calls_are_listed_when_asked_for(desk_client, desk, reporter, site):
    closed = file_incident(reporter, site=site)
    workflow.incident_close(
        version=workflow.current_version(closed),
        incident=closed,
        by=desk,
        code="not_an_incident",
        category=CategoryFactory(name="Printing"),  # never logged: logged as it is closed
        channel="phone",
    )
    file_incident(reporter, site=site)

    assert listed(desk_client.get(QUEUE, {"state": "closed"})) == [closed.reference]
    assert len(listed(desk_client.get(QUEUE, {"state": "all"}))) == 2
    assert len(listed(desk_client.get(QUEUE, {"state": "", "q": ""}))) == 2  # a cleared form


def test_filter_by_priority_category_site_room_and_equipment(desk_client, desk, reporter):
    north, south = SiteFactory(name="North"), SiteFactory(name="South")
    room = RoomFactory(site=north, name="Lab 3")
    printers, network = CategoryFactory(name="Printers"), CategoryFactory(name="Network")
    printer = EquipmentFactory(asset_tag="PRN-0042", name="Laser printer", site=north, room=room)
    a = file_incident(reporter, site=north, room=room, equipment=printer)
    b = file_incident(reporter, site=south)
    logged(a, desk, category=printers, impact=1, urgency=1)
    logged(b, desk, category=network, impact=3, urgency=3)

    assert listed(desk_client.get(QUEUE, {"priority": 1})) == [a.reference]
    assert listed(desk_client.get(QUEUE, {"category": network.pk})) == [b.reference]
    assert listed(desk_client.get(QUEUE, {"site": south.pk})) == [b.reference]
    assert listed(desk_client.get(QUEUE, {"room": room.pk})) == [a.reference]
    assert listed(desk_client.get(QUEUE, {"equipment": "prn-0042"})) == [a.reference]
    assert listed(desk_client.get(QUEUE, {"equipment": "laser"})) == [a.reference]


def test_filter_by_owner_assignee_reporter_mine_and_unowned(
    desk_client, desk, technician, reporter, other_reporter, site
):
    colleague = UserFactory(username="desk2", first_name="Cleo", roles=[Role.DESK])
    mine = logged(file_incident(reporter, site=site), desk)
    theirs = logged(file_incident(reporter, site=site), colleague)
    unowned = file_incident(other_reporter, site=site, summary="Mouse missing")
    passed = assigned(file_incident(reporter, site=site), colleague, technician)

    assert listed(desk_client.get(QUEUE, {"owner": colleague.pk})) == [
        passed.reference,
        theirs.reference,
    ]
    assert listed(desk_client.get(QUEUE, {"assignee": technician.pk})) == [passed.reference]
    assert listed(desk_client.get(QUEUE, {"reporter": "oscar"})) == [unowned.reference]
    assert listed(desk_client.get(QUEUE, {"reporter": "Oscar Other"})) == [unowned.reference]
    assert listed(desk_client.get(QUEUE, {"reporter": "other"})) == [unowned.reference]
    assert listed(desk_client.get(QUEUE, {"mine": "on"})) == [mine.reference]
    assert listed(desk_client.get(QUEUE, {"unowned": "on"})) == [unowned.reference]


def test_filter_by_date_reported(desk_client, reporter, site):
    today = file_incident(reporter, site=site)
    old = file_incident(reporter, site=site)
    Incident.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=20))
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    until = (timezone.localdate() - timedelta(days=10)).isoformat()

    assert listed(desk_client.get(QUEUE, {"created_after": since})) == [today.reference]
    assert listed(desk_client.get(QUEUE, {"created_before": until})) == [old.reference]


def test_filter_breached_and_at_risk(desk_client, desk, reporter, site):
    on_time, risky, late = (file_incident(reporter, site=site) for _ in range(3))
    for incident in (on_time, risky, late):
        logged(incident, desk)  # responded: only the resolution target is left
    now = timezone.now()
    Incident.objects.filter(pk=risky.pk).update(
        created_at=now - timedelta(hours=90), resolution_due_at=now + timedelta(hours=10)
    )
    Incident.objects.filter(pk=late.pk).update(resolution_due_at=now - timedelta(minutes=1))

    assert listed(desk_client.get(QUEUE, {"target": "breached"})) == [late.reference]
    assert listed(desk_client.get(QUEUE, {"target": "at_risk"})) == [risky.reference]
    assert set(listed(desk_client.get(QUEUE, {"target": "attention"}))) == {
        risky.reference,
        late.reference,
    }
    page = desk_client.get(QUEUE).text
    assert f'class="row-breached" data-testid="queue-row" data-reference="{late.reference}"' in page
    assert f'class="row-at-risk" data-testid="queue-row" data-reference="{risky.reference}"' in page
    assert 'data-testid="breached-count">1 breached' in page
    assert 'data-testid="at-risk-count">1 at risk' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("blank", "printer"),  # summary (and sheet)
        ("paper tray", "printer"),  # sheet: what they checked
        ("flickering", "projector"),  # call log text
        ("printer", "printer"),
    ],
)
def test_search_covers_summary_sheet_and_call_log(
    desk_client, desk, reporter, site, query, expected
):
    printer = file_incident(reporter, site=site, summary="Printer prints blank pages")
    projector = file_incident(
        reporter,
        site=site,
        summary="Projector problem",
        sheet={
            "expected": "My slides on the wall",
            "happened": "The image goes dark after a minute",
            "checked": "The cable",
        },
    )
    workflow.incident_add_note(
        version=workflow.current_version(projector),
        incident=projector,
        by=desk,
        text="Lamp flickering badly",
    )
    wanted = {"printer": printer, "projector": projector}[expected]

    assert listed(desk_client.get(QUEUE, {"q": query})) == [wanted.reference]


def test_search_by_reference(desk_client, reporter, site):
    first = file_incident(reporter, site=site)
    file_incident(reporter, site=site)

    assert listed(desk_client.get(QUEUE, {"q": first.reference})) == [first.reference]
    assert listed(desk_client.get(QUEUE, {"q": str(first.pk)})) == [first.reference]
    assert listed(desk_client.get(QUEUE, {"q": "inc-" + str(first.pk)})) == [first.reference]


def test_search_finds_nothing_without_error(desk_client, reporter, site):
    file_incident(reporter, site=site)
    response = desk_client.get(QUEUE, {"q": "zebra crossing"})
    assert response.status_code == 200
    assert listed(response) == []
    assert 'data-testid="empty"' in response.text


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("ref", [0, 1, 2]),
        ("-ref", [2, 1, 0]),
        ("priority", [1, 2, 0]),
        ("-priority", [0, 2, 1]),
        ("age", [2, 1, 0]),
        ("-age", [0, 1, 2]),
        ("summary", [2, 0, 1]),
    ],
)
def test_sortable_columns(desk_client, desk, reporter, site, sort, order):
    made = [
        file_incident(reporter, site=site, summary="Beamer"),
        file_incident(reporter, site=site, summary="Keyboard"),
        file_incident(reporter, site=site, summary="Access point"),
    ]
    logged(made[0], desk, impact=3, urgency=3)  # priority 5
    logged(made[1], desk, impact=1, urgency=1)  # priority 1
    logged(made[2], desk, impact=2, urgency=2)  # priority 3

    response = desk_client.get(QUEUE, {"sort": sort})

    assert listed(response) == [made[i].reference for i in order]
    assert f'name="sort" value="{sort}"' in response.text  # kept for the next filter change


def test_pages_of_fifty(desk_client, reporter, site):
    many_incidents(120, reporter=reporter, site=site)

    first = desk_client.get(QUEUE)
    third = desk_client.get(QUEUE, {"state": "open", "page": 3})

    assert len(listed(first)) == 50
    assert len(listed(third)) == 20
    assert "120 calls · page 1 of 3" in first.text
    assert "state=open&amp;page=2" in first.text  # the default filter carries to page 2
    assert not set(listed(first)) & set(listed(third))


def test_counts_per_state_follow_the_other_filters(
    desk_client, desk, reporter, other_reporter, site
):
    file_incident(reporter, site=site)
    file_incident(reporter, site=site)
    logged(file_incident(reporter, site=site), desk)
    file_incident(other_reporter, site=site)

    page = desk_client.get(QUEUE, {"reporter": "rita", "state": "logged"}).text

    assert 'data-state="open">3<' in page
    assert 'data-state="submitted">2<' in page
    assert 'data-state="logged">1<' in page


def test_unread_technician_updates_are_marked(desk_client, desk, technician, reporter, site):
    incident = assigned(file_incident(reporter, site=site), desk, technician)
    workflow.incident_diagnose(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        action_taken="Swapped the cable",
    )

    page = desk_client.get(QUEUE).text

    assert (
        f'class=" row-unread" data-testid="queue-row" data-reference="{incident.reference}"' in page
    )
    assert 'data-testid="unread">new update' in page


def test_htmx_filter_change_returns_only_the_table(desk_client, reporter, site):
    incident = file_incident(reporter, site=site)

    response = desk_client.get(
        QUEUE, {"q": "blank"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-table"
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="queue-table"')
    assert "<html" not in response.text
    assert listed(response) == [incident.reference]
    assert "HX-Request" in response["Vary"]


def test_htmx_with_bad_filters_shows_the_messages_in_the_table(desk_client, incident):
    response = desk_client.get(
        QUEUE, {"priority": "9"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-table"
    )
    assert response.status_code == 200  # htmx swaps only successful answers
    assert 'data-testid="filter-errors"' in response.text
    assert listed(response) == []


def test_page_without_javascript_has_a_plain_get_form(desk_client, incident):
    page = desk_client.get(QUEUE, {"q": "blank", "mine": "on"}).text
    assert 'method="get" action="/desk/" id="queue-filters"' in page
    assert 'value="blank"' in page  # the search is kept in the box
    assert 'hx-get="/desk/"' in page


def test_export_link_carries_the_filters(desk_client, incident):
    page = desk_client.get(QUEUE, {"q": "blank", "priority": "4"}).text
    assert 'href="/desk/export.csv?q=blank&amp;priority=4"' in page


def test_every_state_is_a_valid_filter(desk_client, incident):
    for state in Status.values:
        assert desk_client.get(QUEUE, {"state": state}).status_code == 200
