"""Service requests, counted apart from incidents: the dashboard's request figures
and the service report's rows per request type.

A request is asked for, approved or declined (where its type needs approval),
fulfilled (resolved) and closed. Its target is its type's, counted from when it
may be worked on; "met" is the target module's state, as for incidents.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from .. import targets
from ..models import OPEN_STATUSES, Approval, CallKind, ClosureCode, Status
from .expressions import not_closed_before, requests_at, within
from .periods import Period, Rate


@dataclass(frozen=True)
class RequestRow:
    """One request type's figures for a period (or every type's: the total)."""

    name: str
    received: int = 0
    approved: int = 0
    declined: int = 0
    fulfilled: int = 0
    closed: int = 0
    met: int = 0
    open_at_end: int = 0

    @property
    def on_time(self) -> Rate:
        """Fulfilled within the type's target, of those fulfilled in the period."""
        return Rate(self.met, self.fulfilled)


@dataclass(frozen=True)
class RequestFigures:
    rows: list[RequestRow]

    @property
    def total(self) -> RequestRow:
        fields = ("received", "approved", "declined", "fulfilled", "closed", "met", "open_at_end")
        return RequestRow(
            "All requests",
            **{name: sum(getattr(row, name) for row in self.rows) for name in fields},
        )


def request_figures(period: Period, *, now: datetime | None = None) -> RequestFigures:
    """The period's requests by type (one query)."""
    now = now or timezone.now()
    start, end = period.starts_at, period.ends_at
    decided = within("approval_decided_at", start, end)
    fulfilled = within("resolved_at", start, end) & ~Q(closure_code=ClosureCode.DECLINED)
    rows = (
        requests_at(period.site, period.schools)
        .filter(created_at__lt=end)
        .filter(not_closed_before(start))
        .values("request_type__name")
        .annotate(
            received=Count("pk", filter=within("created_at", start, end)),
            approved=Count("pk", filter=decided & Q(approval=Approval.APPROVED)),
            declined=Count("pk", filter=decided & Q(approval=Approval.DECLINED)),
            fulfilled=Count("pk", filter=fulfilled),
            closed=Count("pk", filter=within("closed_at", start, end)),
            met=Count("pk", filter=fulfilled & targets.met_q("resolution_due_at", "resolved_at")),
            open_at_end=Count("pk", filter=Q(closed_at__isnull=True) | Q(closed_at__gte=end)),
        )
        .order_by("request_type__name")
    )
    return RequestFigures(
        [
            RequestRow(
                name=row["request_type__name"],
                received=row["received"],
                approved=row["approved"],
                declined=row["declined"],
                fulfilled=row["fulfilled"],
                closed=row["closed"],
                met=row["met"],
                open_at_end=row["open_at_end"],
            )
            for row in rows
        ]
    )


@dataclass(frozen=True)
class RequestsNow:
    """The dashboard's request figures: open requests and this week's."""

    open: int
    awaiting_approval: int
    breached: int
    new_this_week: int
    closed_this_week: int


def requests_now(groups: Iterable[Mapping[str, Any]]) -> RequestsNow:
    """Open requests, those waiting for approval or past their target, and this
    week's new and closed ones, from the dashboard's counts of the open and this
    week's calls by kind, state and priority (`dashboard.counts_now`: no query of
    its own)."""
    requests = [group for group in groups if group["kind"] == CallKind.REQUEST]
    return RequestsNow(
        open=sum(group["calls"] for group in requests if group["status"] in OPEN_STATUSES),
        awaiting_approval=sum(
            group["calls"] for group in requests if group["status"] == Status.AWAITING_APPROVAL
        ),
        breached=sum(group["breached"] for group in requests),
        new_this_week=sum(group["new_this_week"] for group in requests),
        closed_this_week=sum(group["closed_this_week"] for group in requests),
    )
