"""The visit list: the visits on the rota on a day (school and day) with the calls
waiting there, and the open calls waiting for a visit to a site on a day, on screen
and as a worksheet to take round the school."""

from datetime import date

from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from incidents import selectors
from incidents.forms.technician import VisitForm

from ..access import support_required
from .home import TECHNICIAN_WORK, with_targets

VISIT_LIMIT = 300


def _visits(request) -> dict:
    form = VisitForm(request.GET or None)
    today = timezone.localdate()
    if request.GET and not form.is_valid():
        return {"form": form, "incidents": [], "day": today, "site": None, "truncated": False}
    data = form.cleaned_data if form.is_bound else {}
    day = data.get("date") or today
    site = data.get("site")
    qs = selectors.staff_incidents_for(request.user).filter(
        status__in=TECHNICIAN_WORK, working_again_at__isnull=True
    )
    if data.get("undated"):
        qs = qs.filter(Q(visit_date=day) | Q(visit_date__isnull=True))
    else:
        qs = qs.filter(visit_date=day)
    if site is not None:
        qs = qs.filter(site=site)
    if data.get("mine"):
        qs = qs.filter(Q(assignee=request.user) | Q(assignee__isnull=True))
    incidents = list(
        qs.select_related("site", "room", "equipment", "reporter", "assignee", "sheet").order_by(
            "site__name", F("room__name").asc(nulls_last=True), "priority", "id"
        )[: VISIT_LIMIT + 1]
    )
    if not form.is_bound:
        form = VisitForm(initial={"date": today})
    waiting = selectors.calls_waiting_by_school(request.user, day)
    return {
        "day_visits": [
            (visit, waiting.get(visit.school_id, 0))
            for visit in selectors.visits_seen_by(request.user, day, day)
        ],
        "form": form,
        "incidents": with_targets(incidents[:VISIT_LIMIT], timezone.now()),
        "truncated": len(incidents) > VISIT_LIMIT,
        "day": day,
        "site": site,
        "query": request.GET.urlencode(),
    }


@support_required
@require_GET
def visit_list(request):
    """The open calls waiting for a visit to a site on a day; "working again" drops off."""
    return render(request, "incidents/technician/visit_list.html", _visits(request))


@support_required
@require_GET
def visit_print(request):
    """The same list as a worksheet to take round the school, with room to write."""
    return render(request, "incidents/technician/visit_print.html", _visits(request))


# ---------------------------------------------------------------- one visit


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Http404("No such day.") from None


def _visit(request, school_code: str, day_text: str) -> dict:
    """One visit (a school and a day): the technicians on the rota there that day and
    the calls waiting for them."""
    school = selectors.get_visit_school_for(request.user, school_code)
    day = _day(day_text)
    calls = list(
        selectors.calls_waiting_at(request.user, school, day)
        .select_related("site", "room", "equipment", "reporter", "assignee", "sheet")
        .order_by("site__name", F("room__name").asc(nulls_last=True), "priority", "id")[
            : VISIT_LIMIT + 1
        ]
    )
    return {
        "school": school,
        "day": day,
        "visits": selectors.visits_seen_by(request.user, day, day, school=school),
        "incidents": with_targets(calls[:VISIT_LIMIT], timezone.now()),
        "truncated": len(calls) > VISIT_LIMIT,
    }


@support_required
@require_GET
def visit_day(request, school: str, day: str):
    """One visit: the school and the day, who comes, and the calls waiting there."""
    return render(request, "incidents/technician/visit_day.html", _visit(request, school, day))


@support_required
@require_GET
def visit_day_print(request, school: str, day: str):
    """The visit as the day's worksheet to take round the school."""
    return render(
        request, "incidents/technician/visit_day_print.html", _visit(request, school, day)
    )
