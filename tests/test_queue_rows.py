"""A queue row's times, formatted in Python, read exactly as the `date` filter
writes them, in winter and in summer time."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils.timezone import template_localtime

from incidents.views.desk.rows import add_row_times


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
    row = SimpleNamespace(created_at=moment, response_due_at=moment, resolution_due_at=None)

    add_row_times(row)

    assert row.created_iso == date(moment, "c")
    assert row.created_title == date(moment, "j M Y, H:i")
    assert row.response_due_at_iso == date(moment, "c")
    assert row.response_due_at_short == date(moment, "j M H:i")
    assert row.resolution_due_at_iso == row.resolution_due_at_short == ""
