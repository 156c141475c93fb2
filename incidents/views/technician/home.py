"""The technician's home: the calls passed to them and the pool, with time to target,
and what others have done on their calls since they last looked."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.db.models import F
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from incidents import selectors
from incidents.models import TECHNICIAN_STATUSES, Incident, Status
from incidents.targets import TargetClock, headline_clock

from ..access import technician_required

SEEN_KEY = "technician_seen_at"
TECHNICIAN_WORK = TECHNICIAN_STATUSES
ORDERINGS = {
    "priority": [F("priority").asc(), F("resolution_due_at").asc(nulls_last=True), F("id").asc()],
    "site": [
        F("site__name").asc(),
        F("priority").asc(),
        F("resolution_due_at").asc(nulls_last=True),
    ],
    "due": [F("resolution_due_at").asc(nulls_last=True), F("priority").asc(), F("id").asc()],
}
POOL_LIMIT = 100
CHANGES_LIMIT = 50


def time_to_target(incident: Incident, now) -> TargetClock:
    """The target that decides the call's state, with the time left or over."""
    return headline_clock(incident, now)


def with_targets(incidents, now) -> list[Incident]:
    rows = list(incidents)
    for incident in rows:
        incident.target = time_to_target(incident, now)
    return rows


# ---------------------------------------------------------------- my work


def my_day(user, today) -> dict:
    """The technician's visits today across their schools, with the calls waiting at
    each, and their next visits after today."""
    waiting = selectors.calls_waiting_by_school(user, today)
    return {
        "my_visits": [
            (visit, waiting.get(visit.school_id, 0))
            for visit in selectors.own_visits(user, today, last=today)
        ],
        "next_visits": selectors.own_visits(user, today + timedelta(days=1), limit=3),
    }


def _work_rows(qs):
    return qs.select_related("site", "room", "equipment", "owner", "assignee")


def _seen_since(request, now) -> tuple[datetime, bool]:
    """When the technician last marked the changes as seen (else the last day)."""
    raw = request.session.get(SEEN_KEY)
    try:
        seen = datetime.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        seen = None
    if seen is None or seen > now:
        return now - timedelta(days=1), False
    return seen, True


@technician_required
@require_http_methods(["GET", "POST"])
def home(request):
    """Incidents passed to me and waiting in the pool, with time to target, and
    what others have done on my incidents since I last looked."""
    now = timezone.now()
    if request.method == "POST":
        request.session[SEEN_KEY] = now.isoformat()
        messages.success(request, "Marked as seen: only newer changes are listed now.")
        return redirect("incidents:tech_home")
    order = request.GET.get("order", "priority")
    if order not in ORDERINGS:
        order = "priority"
    work = selectors.staff_incidents_for(request.user).filter(status__in=TECHNICIAN_WORK)
    mine = with_targets(
        _work_rows(work.filter(assignee=request.user)).order_by(*ORDERINGS[order]), now
    )
    pool = with_targets(
        _work_rows(work.filter(assignee__isnull=True, status=Status.ASSIGNED)).order_by(
            *ORDERINGS[order]
        )[: POOL_LIMIT + 1],
        now,
    )
    since, marked = _seen_since(request, now)
    changes = list(
        selectors.log_entries_for(request.user)
        .filter(incident__assignee=request.user, at__gt=since)
        .exclude(actor=request.user)
        .select_related("incident", "actor")
        .order_by("-at", "-id")[:CHANGES_LIMIT]
    )
    return render(
        request,
        "incidents/technician/home.html",
        {
            **my_day(request.user, timezone.localdate()),
            "order": order,
            "orders": [("priority", "Priority"), ("site", "Site"), ("due", "Time to target")],
            "mine": mine,
            "pool": pool[:POOL_LIMIT],
            "pool_more": len(pool) > POOL_LIMIT,
            "changes": changes,
            "since": since,
            "since_marked": marked,
            "today": timezone.localdate(),
        },
    )
