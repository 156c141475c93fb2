"""The call log: every incident the desk may see with its latest entry, filtered,
searched and sorted by the address, with the open calls counted per state (a
search is counted only up to a cap, and not per state)."""

import hashlib
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, QuerySet
from django.http import QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from accounts import roles
from accounts.roles import Role
from incidents import prepared, selectors, targets
from incidents.filters import (
    ALL,
    AT_RISK,
    BREACHED,
    OPEN,
    SORTS,
    STAFF_STATUS_LABELS,
    QueueFilter,
    queue_queryset,
    target_conditions,
)
from incidents.forms.choices import markup_of_lists
from incidents.forms.desk import BulkForm
from incidents.models import OPEN_STATUSES, Status
from incidents.search import CappedPaginator

from ..access import desk_required
from .rows import queue_rows

PAGE_SIZE = 50
DEFAULT_QUEUE = "state=open"


def queue_params(request) -> QueryDict:
    """The filters in the address (blank states dropped); with none at all, the open calls."""
    if not request.GET:
        return QueryDict(DEFAULT_QUEUE)
    params = request.GET.copy()
    params.setlist("state", [value for value in params.getlist("state") if value])
    return params


def queue_filter(request, params: QueryDict, *, rows: bool = False) -> QueueFilter:
    """The queue's filter set over the incidents the person may see; with `rows`,
    over `queue_queryset` (everything a row shows, for the export), else over the
    bare incidents (the page reads its rows by id, `queue_rows`)."""
    queryset = selectors.staff_incidents_for(request.user)
    if rows:
        queryset = queue_queryset(queryset)
    return QueueFilter(params, queryset=queryset, request=request, now=timezone.now())


def _filters_shape(filterset: QueueFilter, *leaving_out: str) -> tuple:
    """What the filter set's SQL depends on, as plain values (for `prepared.rows`):
    the schools served and every filter's cleaned value but `leaving_out`'s."""
    shape: list = [tuple(filterset.schools)]
    for name, value in sorted(filterset.form.cleaned_data.items()):
        if name in leaving_out:
            continue
        if isinstance(value, Model):
            value = (type(value).__name__, value.pk)
        elif isinstance(value, list):
            value = tuple(value)
        elif value is not None and not isinstance(value, str | bool | int | date):
            value = repr(value)
        shape.append((name, value))
    return tuple(shape)


def _state_counts(filterset: QueueFilter, user) -> dict:
    """Open calls per state under the other filters, with how many are at risk or breached.

    Closed calls are not counted: their number grows without end and the desk's
    work is the open ones (the Closed tab lists them).
    """
    # A call's state is breached or at risk only while it is active, so these two
    # conditions count the same calls as the state's full expression, in far less SQL.

    def build(now) -> QuerySet:
        breached, at_risk = target_conditions(now)
        with filterset.measured_at(now):  # the targets filter, if chosen, measures too
            others = filterset.queryset_without(
                "state", "sort", queryset=selectors.staff_incidents_for(user)
            )
        return (
            others.filter(status__in=OPEN_STATUSES)
            .order_by()
            .values_list("status")
            .annotate(
                n=Count("id"),
                breached=Count("id", filter=breached),
                at_risk=Count("id", filter=at_risk),
            )
        )

    shape = _filters_shape(filterset, "state", "sort")
    found = prepared.rows(("state-counts", user.pk, *shape), build, now=filterset.now)
    rows = [
        {"status": status, "n": n, "breached": breached, "at_risk": at_risk}
        for status, n, breached, at_risk in found
    ]
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


def _filter_fields(filterset: QueueFilter, params: QueryDict, valid: bool) -> str:
    """The filter form's fields. They show only the address's values and the choice
    lists of the person's schools, so the same markup is kept for everyone asking
    the same with the same schools (the lists' version renews it)."""

    def build() -> str:
        filterset.fill_choice_lists()
        return render_to_string("incidents/desk/queue_filters.html", {"filter": filterset})

    if not valid:  # the messages name what was typed: written afresh
        return build()
    schools = ",".join(str(pk) for pk in sorted(filterset.schools))
    asked = f"{schools}?{params.urlencode()}".encode()
    return markup_of_lists(
        f"queue-filters.{hashlib.sha1(asked, usedforsecurity=False).hexdigest()}", build
    )


def _bulk_fields(user) -> str:
    """The bulk actions' fields: the same for every desk person of the same schools."""

    def build() -> str:
        form = BulkForm(prefix="bulk", user=user)
        return render_to_string("incidents/desk/queue_bulk_fields.html", {"bulk_form": form})

    schools = ",".join(str(pk) for pk in sorted(roles.schools_where(user, Role.DESK)))
    digest = hashlib.sha1(schools.encode(), usedforsecurity=False).hexdigest()
    return markup_of_lists(f"queue-bulk.{digest}", build)


def _count_from_states(filterset: QueueFilter, counts: dict) -> int | None:
    """The list's length when it is open calls of chosen states only: the sum of
    those states' counts (which run under every other filter), so the list need
    not be counted again. None when it takes closed calls in, or every state."""
    chosen = filterset.form.cleaned_data.get("state") or []
    if not chosen or ALL in chosen:
        return None
    states: set[str] = set()
    for choice in chosen:
        states.update(OPEN_STATUSES if choice == OPEN else [choice])
    if not states <= set(OPEN_STATUSES):
        return None
    return sum(state["n"] for state in counts["states"] if state["value"] in states)


class CountedPaginator(Paginator):
    """The open calls of chosen states: told its count (`_count_from_states`), its
    page of ids read by a statement compiled once for these filters and this page
    (`prepared.rows`), with the request's time its one moving value when the
    targets filter measures against it."""

    def __init__(self, filterset: QueueFilter, user, per_page: int, *, count: int) -> None:
        super().__init__([], per_page)  # no orphans: a page is at most `per_page` long
        self.filterset = filterset
        self.user = user
        self.known_count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self.known_count

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        filterset = self.filterset

        def build(now=None) -> QuerySet:
            with filterset.measured_at(now or filterset.now):
                ids = filterset.filter_queryset(filterset.queryset.all()).values_list("pk")
            return ids[bottom : bottom + self.per_page]

        moving = {"now": filterset.now} if filterset.form.cleaned_data.get("target") else {}
        key = ("queue-ids", self.user.pk, *_filters_shape(filterset), bottom, self.per_page)
        found = prepared.rows(key, build, **moving) if self.count > bottom else []
        ids = [pk for (pk,) in found]
        return Page(ids, number, self)


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
    # A search is counted up to a cap ("more than 1,000") and not per state: counting
    # every call with a common word costs far more than finding the page.
    searching = valid and bool((filterset.form.cleaned_data.get("q") or "").strip())
    counts = _state_counts(filterset, request.user) if valid and not searching else {}
    known = _count_from_states(filterset, counts) if counts else None
    # The filters and the sort choose a page of ids; the rows are then read by id.
    if known is not None:
        paginator: Paginator = CountedPaginator(filterset, request.user, PAGE_SIZE, count=known)
    else:
        ids = (filterset.qs if valid else filterset.queryset.none()).values_list("pk", flat=True)
        paginator = (CappedPaginator if searching else Paginator)(ids, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows_html = queue_rows(
        page.object_list,
        among=filterset.queryset,
        scope=tuple(filterset.schools),
        now=filterset.now,
        several_schools=filterset.several_schools,
    )
    partial = bool(request.htmx) and request.htmx.target == "queue-table"
    context = {
        "filter": filterset,
        "params": params,
        "filter_fields": "" if partial else _filter_fields(filterset, params, valid),
        "page": page,
        "rows": rows_html,
        "valid": valid,
        "counts": counts,
        "current_states": params.getlist("state"),
        "sort": params.get("sort", ""),
        "sort_links": _sort_links(params),
        "bulk_fields": _bulk_fields(request.user),
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
