"""A queue row, written in Python: its times read exactly as the `date` filter
writes them (in winter and in summer time), and every value in it is escaped."""

from datetime import UTC, datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.timezone import template_localtime

from incidents import workflow
from incidents.views.desk.rows import day_month_time, day_month_year_time

from .desk_helpers import logged
from .factories import EquipmentFactory, RoomFactory, file_incident

HOSTILE = '<img src=x onerror="alert(1)">&'
QUEUE = reverse("incidents:desk_queue")


def date(value, fmt):
    """The filter as a template applies it (`expects_localtime`: local time first)."""
    return date_filter(template_localtime(value), fmt)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 1, 5, 8, 7, 3, 120, tzinfo=UTC),  # GMT, one-digit day
        datetime(2026, 7, 31, 23, 30, tzinfo=UTC),  # BST: the next day in London
        datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),  # the hour the clocks go forward
    ],
)
def test_the_row_times_are_what_the_date_filter_writes(moment):
    local = template_localtime(moment)

    assert local.isoformat() == date(moment, "c")
    assert day_month_year_time(local) == date(moment, "j M Y, H:i")
    assert day_month_time(local) == date(moment, "j M H:i")


def row_of(page: str, incident) -> str:
    start = page.index(f'data-reference="{incident.reference}"')
    return page[page.rindex("<tr", 0, start) : page.index("</tr>", start)]


def test_a_row_shows_the_call_and_escapes_every_value(client_for, desk, reporter, site):
    reporter.first_name, reporter.last_name = HOSTILE, "Okafor"
    reporter.save()
    room = RoomFactory(site=site, name=f"Room {HOSTILE}")
    equipment = EquipmentFactory(site=site, room=room, asset_tag=f"PRJ-{HOSTILE}")
    incident = file_incident(
        reporter, site=site, summary=f"Projector {HOSTILE}", room=room, equipment=equipment
    )
    logged(incident, desk)
    incident.refresh_from_db()
    workflow.incident_add_note(
        incident=incident,
        by=desk,
        text=f"Checked {HOSTILE} " + "x" * 200,
        version=workflow.current_version(incident),
    )

    row = row_of(client_for(desk).get(QUEUE).content.decode(), incident)

    assert "<img" not in row and 'onerror="' not in row
    assert "Projector &lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;" in row
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp; Okafor" in row  # reporter
    assert "Room &lt;img" in row and "PRJ-&lt;img" in row and " · " in row
    # The latest entry, internal, cut to 100 characters as `truncatechars` cuts it.
    assert '<span class="visually-hidden">Internal: </span>Checked &lt;img' in row
    assert "x" * 55 + "…" in row and "x" * 70 not in row
    assert f'href="{incident.get_absolute_url()}"' in row
    assert 'data-status="logged"' in row and desk.display_name in row
