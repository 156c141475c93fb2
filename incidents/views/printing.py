"""The paper record: an incident's sheet and its diagnostics sheet on one page, for
one incident (support staff), for several ticked in the queue (the desk), or for
every sheet closed in a period, for the paper file (the desk).

Both start from the incidents the person may see, with everything a sheet prints
joined or prefetched in a fixed number of queries.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import roles
from incidents import selectors
from incidents.forms.printing import ClosedPeriodForm
from incidents.forms.requests import call_rows
from incidents.models import DiagnosticEntry, Incident, Status, parse_reference

from .access import desk_required

MAX_SHEETS = 200


def _printable(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    diagnostics = DiagnosticEntry.objects.select_related("author").order_by("performed_at", "id")
    return queryset.select_related(
        "reporter",
        "entered_by",
        "site",
        "room",
        "equipment",
        "category",
        "owner",
        "assignee",
        "received_by",
        "resolved_by",
        "closed_by",
        "filed_away_by",
        "duplicate_of",
        "problem",
        "sheet",
        "request_type",
        "approver",
    ).prefetch_related(
        Prefetch("diagnostics", queryset=diagnostics),
        "request_answers",
        "consultations__group",
        "knowledge_articles",
    )


@require_GET
@login_required
def print_sheet(request, ref):
    """The paper record of one incident. Anyone but support staff: 404."""
    if not roles.is_support_staff(request.user):
        raise Http404("No such incident.")
    pk = parse_reference("INC", ref)
    incidents = selectors.staff_incidents_for(request.user).filter(pk=pk)
    incident = _printable(incidents).first() if pk else None
    if incident is None:
        raise Http404("No such incident.")
    return render(request, "incidents/desk/print.html", {"sheets": [_print_item(incident)]})


@require_GET
@desk_required
def print_selection(request):
    """Several incidents' sheets, each on its own page (`?ids=1,2,3` or INC references)."""
    wanted = []
    for value in request.GET.getlist("ids"):
        for part in value.split(","):
            pk = parse_reference("INC", part)
            if pk is not None and pk not in wanted:
                wanted.append(pk)
    wanted = wanted[:MAX_SHEETS]
    incidents = selectors.staff_incidents_for(request.user).filter(pk__in=wanted)
    found = {incident.pk: incident for incident in _printable(incidents)}
    sheets = [_print_item(found[pk]) for pk in wanted if pk in found]
    if not sheets:
        raise Http404("Nothing to print.")
    return render(request, "incidents/desk/print.html", {"sheets": sheets})


@require_GET
@desk_required
def print_closed(request):
    """Every sheet closed in a period, oldest closure first, one per page: printed or
    saved as PDF through the browser for the paper file."""
    form = ClosedPeriodForm(request.GET if request.GET else None)
    sheets: list[dict] = []
    too_many = False
    if form.is_valid():
        zone = timezone.get_current_timezone()
        start = datetime.combine(form.cleaned_data["closed_from"], time.min, tzinfo=zone)
        end = datetime.combine(
            form.cleaned_data["closed_to"] + timedelta(days=1), time.min, tzinfo=zone
        )
        closed = selectors.staff_incidents_for(request.user).filter(
            status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end
        )
        found = list(_printable(closed).order_by("closed_at", "id")[: MAX_SHEETS + 1])
        too_many = len(found) > MAX_SHEETS
        sheets = [_print_item(incident) for incident in found[:MAX_SHEETS]]
    return render(
        request,
        "incidents/desk/print.html",
        {"sheets": sheets, "period_form": form, "too_many": too_many, "max_sheets": MAX_SHEETS},
    )


def _print_item(incident: Incident) -> dict:
    diagnostics = list(incident.diagnostics.all())
    return {
        "incident": incident,
        "sheet_rows": call_rows(incident),
        "diagnostics": diagnostics,
        "minutes_total": sum(d.minutes_spent for d in diagnostics),
        "consultations": list(incident.consultations.all()),
        "articles": list(incident.knowledge_articles.all()),
    }
