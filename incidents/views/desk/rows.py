"""A queue row, written in Python.

The call log and every search show 50 of these; through the template engine each
cost about 0.6 ms (some 60 variable lookups and a dozen tags a row), which was a
third of the page. Here a row is one string put together from its values, each
escaped as the template's autoescaping would, so the markup is the very same.

Times are formatted once: `date:"c"` is the local time's `isoformat()`, and the
day-month formats are put together from the same month abbreviations as the
`date` filter's.
"""

from collections.abc import Hashable, Iterable
from datetime import datetime
from html import escape as _escape
from types import SimpleNamespace
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from accounts.models import display_name
from incidents import prepared, targets
from incidents.models import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    CallKind,
    Incident,
    Priority,
    Status,
    format_reference,
)
from incidents.prepared import any_of
from incidents.priority_set import priority_set_expression
from incidents.templatetags.states import status_badge

from ...filters import AT_RISK, BREACHED, add_latest_entries

# What a row shows, read as plain values: a model instance for each of the nine
# tables a row names cost more than the row's markup.
_PEOPLE = ("reporter", "owner", "assignee")
ROW_FIELDS = (
    "id",
    "summary",
    "kind",
    "status",
    "priority",
    "owner_unread",
    "created_at",
    "responded_at",
    "response_due_at",
    "resolved_at",
    "resolution_due_at",
    "paused_since",
    "working_again_at",
    "school__name",
    "school__code",
    "site__name",
    "room_id",
    "room__name",
    "equipment_id",
    "equipment__asset_tag",
    "category_id",
    "category__name",
    *(f"{who}_id" for who in _PEOPLE),
    *(f"{who}__{part}" for who in _PEOPLE for part in ("first_name", "last_name", "username")),
)
LATEST_TEXT_CHARS = 100  # the latest entry under the summary, cut like `truncatechars:100`
PRIORITY_LABELS = dict(Priority.choices)


def _esc(value: Any) -> str:
    return _escape(str(value), quote=True)


def day_month_time(local: datetime) -> str:
    """`date:"j M H:i"`."""
    return f"{local.day} {MONTHS_3[local.month].title()} {local:%H:%M}"


def day_month_year_time(local: datetime) -> str:
    """`date:"j M Y, H:i"`."""
    return f"{local.day} {MONTHS_3[local.month].title()} {local.year}, {local:%H:%M}"


def _name(row: Any, who: str, default: str = "—") -> str:
    if getattr(row, f"{who}_id") is None:
        return default
    return _esc(
        display_name(
            getattr(row, f"{who}__first_name"),
            getattr(row, f"{who}__last_name"),
            getattr(row, f"{who}__username"),
        )
    )


def _due(incident: Any) -> str:
    """The "Next target" cell: the target still to meet, and the clock's state."""
    if incident.status not in ACTIVE_STATUSES:
        cell = "—"
    elif not incident.responded_at and incident.response_due_at:
        local = timezone.localtime(incident.response_due_at)
        cell = (
            f'<span class="text-muted">respond by</span><br>'
            f'<time datetime="{local.isoformat()}">{day_month_time(local)}</time>'
        )
    elif incident.resolution_due_at:
        local = timezone.localtime(incident.resolution_due_at)
        cell = (
            f'<span class="text-muted">resolve by</span><br>'
            f'<time datetime="{local.isoformat()}">{day_month_time(local)}</time>'
        )
    else:
        cell = "—"
    state = incident.target_state
    if state == BREACHED:
        cell += '<br><span class="badge text-bg-danger">breached</span>'
    elif state == AT_RISK:
        cell += '<br><span class="badge text-bg-warning">at risk</span>'
    elif state == targets.PAUSED:
        cell += '<br><span class="badge text-bg-secondary">paused</span>'
    return cell


def queue_row(incident: Any, *, age: str, url: str, several_schools: bool) -> str:
    """One `<tr>` of the call log, from a row of `ROW_FIELDS`."""
    ref = incident.reference
    state = incident.target_state
    classes = "row-breached" if state == BREACHED else "row-at-risk" if state == AT_RISK else ""
    if incident.owner_unread:
        classes += " row-unread"
    marks = ""
    if incident.kind == CallKind.REQUEST:
        marks += '<br><span class="badge text-bg-info" data-testid="request-marker">Request</span>'
    if incident.owner_unread:
        marks += '<br><span class="badge text-bg-info" data-testid="unread">new update</span>'
    summary = _esc(incident.summary)
    if incident.latest_text:
        hidden = "" if incident.latest_public else '<span class="visually-hidden">Internal: </span>'
        latest = _esc(Truncator(incident.latest_text).chars(LATEST_TEXT_CHARS))
        summary += f'<div class="text-muted queue-latest">{hidden}{latest}</div>'
    school = ""
    if several_schools:
        school = (
            f'<td data-label="School" data-testid="queue-school"><abbr title="'
            f'{_esc(incident.school__name)}">{_esc(incident.school__code.upper())}</abbr></td>'
        )
    where = _esc(incident.site__name)
    room, equipment = incident.room_id is not None, incident.equipment_id is not None
    if room or equipment:
        parts = [_esc(incident.room__name) if room else ""]
        parts.append(" · " if room and equipment else "")
        parts.append(_esc(incident.equipment__asset_tag) if equipment else "")
        where += f'<div class="text-muted">{"".join(parts)}</div>'
    category = _esc(incident.category__name) if incident.category_id is not None else ""
    category = category or "—"
    if incident.priority_set:
        priority = _esc(PRIORITY_LABELS.get(incident.priority, incident.priority))
    else:
        priority = '<span class="text-body-secondary">not set yet</span>'
    status: str = status_badge(incident)
    if incident.working_again_at and incident.status in OPEN_STATUSES:
        status += ' <span class="badge text-bg-success">works again</span>'
    owner = _name(incident, "owner")
    if incident.assignee_id is not None:
        owner += f'<div class="text-muted">→ {_name(incident, "assignee")}</div>'
    elif incident.status == Status.ASSIGNED:
        owner += '<div class="text-muted">→ technician pool</div>'
    created = timezone.localtime(incident.created_at)
    return (
        f'\n<tr class="{classes}" data-testid="queue-row" data-reference="{ref}"'
        f' data-target="{_esc(state)}">\n'
        f'  <td><input class="form-check-input" type="checkbox" name="bulk-ids"'
        f' value="{incident.pk}" form="bulk-form" aria-label="Select {ref}"></td>\n'
        f'  <td data-label="Reference" class="text-nowrap"><a href="{_esc(url)}">{ref}</a>'
        f"{marks}</td>\n"
        f'  <td data-label="Summary">{summary}</td>\n'
        f'  <td data-label="Reported by">{_name(incident, "reporter", "")}</td>\n'
        f"  {school}\n"
        f'  <td data-label="Where">{where}</td>\n'
        f'  <td data-label="Category" class="d-none d-xl-table-cell">{category}</td>\n'
        f'  <td data-label="Priority" class="text-nowrap">{priority}</td>\n'
        f'  <td data-label="State">{status}</td>\n'
        f'  <td data-label="Owner">{owner}</td>\n'
        f'  <td data-label="Age" class="text-nowrap"><time datetime="{created.isoformat()}"'
        f' title="{day_month_year_time(created)}">{_esc(age)}</time></td>\n'
        f'  <td data-label="Next target" class="text-nowrap">{_due(incident)}</td>\n'
        "</tr>\n"
    )


def queue_rows(
    ids: Iterable[int],
    *,
    among: QuerySet[Incident],
    scope: Hashable,
    now: datetime,
    several_schools: bool,
) -> SafeString:
    """The `<tbody>`'s rows for a page of the queue: the incidents `ids` of `among`
    (the person's scoped incidents, which `scope` names: their schools), in that
    order (the page the filters and the sort chose), read in one query."""
    ids = list(ids)
    fields = (*ROW_FIELDS, "priority_set")

    def build(ids: list[int]) -> QuerySet:
        return (
            among.filter(any_of(Incident, "id", ids, among.db))
            .annotate(priority_set=priority_set_expression())
            .values_list(*fields)
        )

    found = {
        values[0]: SimpleNamespace(pk=values[0], **dict(zip(fields, values, strict=True)))
        for values in prepared.rows(("queue-rows", scope), build, ids=ids)
    }
    incidents = [found[pk] for pk in ids if pk in found]
    add_latest_entries(incidents)
    # Every row links to the same view: reverse it once, then swap the reference in.
    marker = "INC-000000"
    pattern = reverse("incidents:detail", args=[marker])
    rows = []
    for incident in incidents:
        incident.reference = format_reference("INC", incident.pk)
        incident.target_state = targets.target_state(incident, now)  # type: ignore[arg-type]
        rows.append(
            queue_row(
                incident,
                age=targets.format_duration(now - incident.created_at),
                url=pattern.replace(marker, incident.reference),
                several_schools=several_schools,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped as the row was built
