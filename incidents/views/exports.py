"""The call log as CSV: exactly the filtered list on screen (all its pages), for
the desk. Internal notes stay out; every cell goes through the one formula escaper
(`helpdesk.spreadsheet.formula_safe`) so a spreadsheet never runs what a user typed.

The query is checked before streaming begins (a bad filter is a 400 with the
reasons; a failing query an error, not a file cut short), then the rows are
streamed lazily, a chunk at a time, from the read replica when there is one
(`helpdesk.replica`).
"""

import csv
from datetime import datetime

from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from helpdesk.replica import report_db, report_view
from helpdesk.spreadsheet import formula_safe
from incidents import targets
from incidents.filters import STAFF_STATUS_LABELS
from incidents.models import Incident

from .access import desk_required
from .desk.queue import queue_filter, queue_params


class _Echo:
    """A file-like object for `csv.writer` that hands each line back to be streamed."""

    def write(self, value):
        return value


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


EXPORT_COLUMNS = [
    "Reference",
    "Reported",
    "Summary",
    "Reporter",
    "Site",
    "Room",
    "Equipment",
    "Category",
    "Priority",
    "State",
    "Owner",
    "Technician",
    "Response due",
    "Resolution due",
    "Target",
    "Resolved",
    "Closed",
    "Closure code",
    "Resolution",
    "Kind",
    "Request type",
]


def _export_row(incident: Incident, now: datetime) -> list[str]:
    target = targets.LABELS[targets.target_state(incident, now)]
    row = [
        incident.reference,
        _when(incident.created_at),
        incident.summary,
        incident.reporter.display_name,
        incident.site.name,
        incident.room.name if incident.room_id else "",
        str(incident.equipment) if incident.equipment_id else incident.equipment_description,
        incident.category.name if incident.category_id else "",
        incident.get_priority_display(),
        STAFF_STATUS_LABELS[incident.status],
        incident.owner.display_name if incident.owner_id else "",
        incident.assignee.display_name if incident.assignee_id else "",
        _when(incident.response_due_at),
        _when(incident.resolution_due_at),
        target,
        _when(incident.resolved_at),
        _when(incident.closed_at),
        incident.get_closure_code_display() if incident.closure_code else "",
        incident.resolution,
        incident.kind_label,
        incident.request_type.name if incident.request_type_id else "",
    ]
    return [formula_safe(cell) for cell in row]


@require_GET
@desk_required
@report_view
def export_csv(request):
    """Exactly the filtered list (all its pages), as CSV. Internal notes stay out."""
    params = queue_params(request)
    filterset = queue_filter(request, params, rows=True)
    if not filterset.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in filterset.form.errors.items()
        )
        return HttpResponseBadRequest(
            f"The filters were not understood: {problems}", content_type="text/plain"
        )
    writer = csv.writer(_Echo())
    # The rows stream after the view has returned: name the database now.
    rows = filterset.qs.using(report_db())
    # Ask the database once before answering: once streaming has begun, an error
    # can only cut the file short, and a cut file looks like a complete, shorter one.
    rows.exists()

    def lines():
        yield "\ufeff"  # spreadsheets then read the file as UTF-8
        yield writer.writerow(EXPORT_COLUMNS)
        for incident in rows.iterator(chunk_size=1000):
            yield writer.writerow(_export_row(incident, filterset.now))

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="call-log-{stamp}.csv"'
    return response
