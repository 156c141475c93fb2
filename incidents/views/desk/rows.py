"""A queue row's times, written once in Python.

The row shows up to four times, each through the `date` filter (about a tenth of
a millisecond a call on the benchmark machine: 200 calls for 50 rows). Formatting
each time once here gives the very same text: `date:"c"` is the local time's
`isoformat()`, and the day-month formats are put together from the same month
abbreviations the filter uses.
"""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dates import MONTHS_3


def _short(local: datetime) -> str:
    """`date:"j M H:i"`."""
    return f"{local.day} {MONTHS_3[local.month].title()} {local:%H:%M}"


def add_row_times(incident: Any) -> None:
    """Set `created_iso`, `created_title` ("j M Y, H:i") and, for each due time,
    `<name>_iso` and `<name>_short` ("j M H:i") on a queue row."""
    created = timezone.localtime(incident.created_at)
    incident.created_iso = created.isoformat()
    incident.created_title = (
        f"{created.day} {MONTHS_3[created.month].title()} {created.year}, {created:%H:%M}"
    )
    for name in ("response_due_at", "resolution_due_at"):
        value = getattr(incident, name)
        if value is None:
            setattr(incident, f"{name}_iso", "")
            setattr(incident, f"{name}_short", "")
            continue
        local = timezone.localtime(value)
        setattr(incident, f"{name}_iso", local.isoformat())
        setattr(incident, f"{name}_short", _short(local))
