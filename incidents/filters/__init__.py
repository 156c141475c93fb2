"""The lists' filters, on django-filter.

- `queue`: the service desk's call log (search, states, targets, sorting), shared
  by the queue page, its htmx table and the CSV export.
- `lists`: problems, the equipment register, consultations and the reporter's own
  incidents.

Only declared filters read the query string; a value a filter cannot read makes its
form invalid, and the view answers with the form's message and an empty list (or,
where a page says so, ignores the value) — never a server error.
"""

from .lists import ConsultationFilter, EquipmentFilter, MyIncidentsFilter, ProblemFilter
from .queue import (
    ALL,
    AT_RISK,
    ATTENTION,
    BREACHED,
    OPEN,
    SORTS,
    STAFF_STATUS_LABELS,
    QueueFilter,
    add_latest_entries,
    desk_people,
    queue_queryset,
    search_incidents,
    target_conditions,
    technicians,
)

__all__ = [
    "ALL",
    "ATTENTION",
    "AT_RISK",
    "BREACHED",
    "OPEN",
    "SORTS",
    "STAFF_STATUS_LABELS",
    "ConsultationFilter",
    "EquipmentFilter",
    "MyIncidentsFilter",
    "ProblemFilter",
    "QueueFilter",
    "add_latest_entries",
    "desk_people",
    "queue_queryset",
    "search_incidents",
    "target_conditions",
    "technicians",
]
