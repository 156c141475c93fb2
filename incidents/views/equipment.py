"""The equipment register, for support staff: search it, and read one piece of
equipment's history — incidents, problems and consultations over time — to answer
"has it had this problem before". Plain users never see it: a 404 for them."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from incidents import selectors
from incidents.filters import EquipmentFilter
from incidents.models import ACTIVE_STATUSES

from .access import support_required
from .paging import page_of, query_without_page

PAGE_SIZE = 50
HISTORY_LIMIT = 200


@support_required
@require_GET
def equipment_list(request):
    """The register: search by tag, name, room, kind, site and supplier."""
    listed = (
        selectors.equipment_for(request.user)
        .select_related("site", "room", "supplier")
        .order_by("asset_tag")
    )
    filterset = EquipmentFilter(request.GET, queryset=listed, request=request)
    rows = filterset.qs if filterset.is_valid() else listed.none()
    page = page_of(request, rows, PAGE_SIZE)
    ids = [item.pk for item in page.object_list]
    open_counts = (
        dict(
            selectors.staff_incidents_for(request.user)
            .filter(equipment_id__in=ids, status__in=ACTIVE_STATUSES)
            .order_by()
            .values_list("equipment_id")
            .annotate(n=Count("id"))
        )
        if ids
        else {}
    )
    for item in page.object_list:
        item.open_incidents = open_counts.get(item.pk, 0)
    return render(
        request,
        "incidents/equipment/list.html",
        {
            "form": filterset.form,
            "page": page,
            "query": query_without_page(request),
        },
    )


@login_required
@require_GET
def equipment_detail(request, pk):
    """One piece of equipment and its history: incidents, problems and consultations over time."""
    equipment = selectors.get_equipment_for(request.user, pk)
    incidents = list(
        equipment.incidents.select_related("site", "room", "assignee", "problem").order_by(
            "-created_at", "-id"
        )[:HISTORY_LIMIT]
    )
    problems = list(
        selectors.problems_for(request.user)
        .filter(Q(equipment=equipment) | Q(incidents__equipment=equipment))
        .distinct()
        .order_by("-created_at")[:HISTORY_LIMIT]
    )
    consultations = list(
        selectors.consultations_for(request.user)
        .filter(incident__equipment=equipment)
        .select_related("group", "contact", "incident")
        .order_by("-contacted_at", "-id")[:HISTORY_LIMIT]
    )
    timeline = sorted(
        [("incident", i.created_at, i) for i in incidents]
        + [("problem", p.created_at, p) for p in problems]
        + [("consultation", c.contacted_at, c) for c in consultations],
        key=lambda item: item[1],
        reverse=True,
    )
    return render(
        request,
        "incidents/equipment/detail.html",
        {
            "equipment": equipment,
            "timeline": timeline,
            "incident_count": len(incidents),
            "open_count": sum(1 for i in incidents if i.status in ACTIVE_STATUSES),
            "problem_count": len(problems),
            "consultation_count": len(consultations),
            "truncated": HISTORY_LIMIT in (len(incidents), len(consultations)),
        },
    )
