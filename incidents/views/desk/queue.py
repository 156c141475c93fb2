"""The call log: every incident the desk may see with its latest entry, filtered,
searched and sorted by the address, with the open calls counted per state (a
search is counted only up to a cap, and not per state)."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from incidents import selectors, targets
from incidents.filters import (
    AT_RISK,
    BREACHED,
    OPEN,
    SORTS,
    STAFF_STATUS_LABELS,
    QueueFilter,
    queue_queryset,
)
from incidents.forms.desk import BulkForm
from incidents.models import OPEN_STATUSES, Status
from incidents.search import CappedPaginator
from incidents.targets import format_duration

from ..access import desk_required
from .rows import add_row_times

PAGE_SIZE = 50
DEFAULT_QUEUE = "state=open"


def queue_params(request) -> QueryDict:
    """The filters in the address (blank states dropped); with none at all, the open calls."""
    if not request.GET:
        return QueryDict(DEFAULT_QUEUE)
    params = request.GET.copy()
    params.setlist("state", [value for value in params.getlist("state") if value])
    return params


def queue_filter(request, params: QueryDict, *, latest: bool = True) -> QueueFilter:
    """The queue's filter set over the incidents the person may see; `latest=False`
    leaves out each row's latest entry."""
    now = timezone.now()
    queryset = queue_queryset(
        now, latest=latest, incidents=selectors.staff_incidents_for(request.user)
    )
    return QueueFilter(params, queryset=queryset, request=request, now=now)


def _state_counts(filterset: QueueFilter, user) -> dict:
    """Open calls per state under the other filters, with how many are at risk or breached.

    Closed calls are not counted: their number grows without end and the desk's
    work is the open ones (the Closed tab lists them).
    """
    rows = (
        filterset.queryset_without("state", "sort", queryset=selectors.staff_incidents_for(user))
        .filter(status__in=OPEN_STATUSES)
        .alias(count_state=targets.call_state_expression(filterset.now))
        .order_by()
        .values("status")
        .annotate(
            n=Count("id"),
            breached=Count("id", filter=Q(count_state=BREACHED)),
            at_risk=Count("id", filter=Q(count_state=AT_RISK)),
        )
    )
    by_state = {row["status"]: row for row in rows}
    states = [
        {"value": value, "label": label, "n": by_state.get(value, {}).get("n", 0)}
        for value, label in STAFF_STATUS_LABELS.items()
        if value != Status.CLOSED
    ]
    return {
        "states": states,
        "open": sum(s["n"] for s in states),
        "breached": sum(row["breached"] for row in by_state.values()),
        "at_risk": sum(row["at_risk"] for row in by_state.values()),
    }


def _sort_links(params: QueryDict) -> dict[str, str]:
    """For each sortable column, the sort its header asks for next (a second click reverses)."""
    current = params.get("sort", "")
    return {column: f"-{column}" if current == column else column for column in SORTS}


@require_GET
@desk_required
def queue(request):
    """Every incident with its latest call-log entry, filtered by the address.

    An htmx request from the filter form gets only the table; bad filter values
    answer 400 with the form's messages and no rows (an htmx request gets them
    with 200, so the table shows the messages).
    """
    params = queue_params(request)
    filterset = queue_filter(request, params)
    valid = filterset.is_valid()
    rows = filterset.qs if valid else filterset.queryset.none()
    # A search is counted up to a cap ("more than 1,000") and not per state: counting
    # every call with a common word costs far more than finding the page.
    searching = valid and bool((filterset.form.cleaned_data.get("q") or "").strip())
    paginator = CappedPaginator(rows, PAGE_SIZE) if searching else Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    for incident in page.object_list:
        incident.age = format_duration(filterset.now - incident.created_at)
        add_row_times(incident)
    partial = bool(request.htmx) and request.htmx.target == "queue-table"
    context = {
        "filter": filterset,
        "params": params,
        "page": page,
        "valid": valid,
        "counts": _state_counts(filterset, request.user) if valid and not searching else {},
        "current_states": params.getlist("state"),
        "sort": params.get("sort", ""),
        "sort_links": _sort_links(params),
        "bulk_form": BulkForm(prefix="bulk", user=request.user),
        "next": request.get_full_path(),
        "now": filterset.now,
        "BREACHED": BREACHED,
        "AT_RISK": AT_RISK,
        "PAUSED": targets.PAUSED,
        "OPEN": OPEN,
    }
    template = "incidents/desk/queue.html" + ("#queue-table" if partial else "")
    response = render(request, template, context, status=200 if valid or partial else 400)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response
