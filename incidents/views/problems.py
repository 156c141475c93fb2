"""Problem management and the equipment register, for support staff.

A problem is the unknown cause behind incidents (or spotted before any came in);
its workaround, published as a known error, becomes a knowledge article people
find when they file a sheet. The register answers "has it had this problem
before" from each piece of equipment's history. Plain users never see either:
problems and equipment are 404s for them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incidents import selectors, workflow
from incidents.forms.problems import (
    EquipmentSearchForm,
    ProblemCreateForm,
    ProblemEditForm,
    ProblemFilterForm,
    ProblemResolveForm,
    PublishForm,
)
from incidents.models import (
    ACTIVE_STATUSES,
    PROBLEM_OPEN_STATUSES,
    WORKING_STATUSES,
    Consultation,
    Equipment,
    Incident,
    KnowledgeArticle,
    Problem,
    Status,
    parse_reference,
)

from .access import posted_version, run_move, support_required

PAGE_SIZE = 50
HISTORY_LIMIT = 200
RESOLVABLE = WORKING_STATUSES


def _posted(request):
    """The submitted data on a POST (even an empty one), None on a GET."""
    return request.POST if request.method == "POST" else None


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _refuse(error: workflow.WorkflowError):
    if isinstance(error, workflow.NotAllowed):
        raise PermissionDenied(str(error)) from error


# ---------------------------------------------------------------- problems


@support_required
@require_GET
def problem_list(request):
    """Problems by state, known errors, with how many incidents each has."""
    form = ProblemFilterForm(request.GET or None)
    qs = Problem.objects.select_related("opened_by", "category", "equipment").annotate(
        incident_count=Count("incidents", distinct=True),
        open_incident_count=Count(
            "incidents", filter=~Q(incidents__status=Status.CLOSED), distinct=True
        ),
    )
    if form.is_bound and not form.is_valid():
        qs = qs.none()
    elif form.is_bound:
        data = form.cleaned_data
        if data["status"] == "active":
            qs = qs.filter(status__in=PROBLEM_OPEN_STATUSES)
        elif data["status"]:
            qs = qs.filter(status=data["status"])
        if data["known_error"]:
            qs = qs.filter(is_known_error=data["known_error"] == "yes")
        if data["q"]:
            text = data["q"]
            condition = Q(title__icontains=text) | Q(description__icontains=text)
            pk = parse_reference("PRB", text)
            if pk is not None:
                condition |= Q(pk=pk)
            qs = qs.filter(condition)
    return render(
        request,
        "incidents/problems/list.html",
        {
            "form": form if form.is_bound else ProblemFilterForm(),
            "page": _page(request, qs.order_by("-created_at", "-id")),
            "query": _query_without_page(request),
        },
    )


@support_required
@require_http_methods(["GET", "POST"])
def problem_new(request):
    """Open a problem proactively, before any incident comes in."""
    form = ProblemCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = workflow.problem_open(
                by=request.user,
                title=data["title"].strip(),
                description=data["description"].strip(),
                proactive=True,
                category=data["category"],
                equipment=data["equipment"],
                workaround=data["workaround"].strip(),
            )
        except workflow.WorkflowError as error:
            _refuse(error)
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{problem.reference} opened.")
            return redirect(problem)
    return render(request, "incidents/problems/form.html", {"form": form, "problem": None})


@login_required
@require_GET
def problem_detail(request, ref):
    """The problem: its linked incidents, root cause, workaround, known error and state."""
    problem = selectors.get_problem_for(request.user, ref)
    incidents = list(
        problem.incidents.select_related("site", "room", "owner", "assignee").order_by(
            "-created_at"
        )[:HISTORY_LIMIT]
    )
    article = KnowledgeArticle.objects.filter(problem=problem).first()
    can = workflow.problem_moves(request.user, problem)
    return render(
        request,
        "incidents/problems/detail.html",
        {
            "problem": problem,
            "incidents": incidents,
            "open_count": sum(1 for i in incidents if i.status in RESOLVABLE),
            "article": article,
            "publish_form": PublishForm(initial={"symptoms": article.symptoms if article else ""}),
            "can": can,
            "can_publish": can["publish_known_error"],
            "history": list(problem.log.select_related("actor")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_edit(request, ref):
    """Record what is found: root cause, workaround, state. A stale page is a conflict."""
    problem = selectors.get_problem_for(request.user, ref)
    form = ProblemEditForm(_posted(request), instance=problem)
    if request.method == "POST" and form.is_valid():
        saved = run_move(
            request,
            problem,
            lambda: workflow.problem_update(
                problem=problem,
                by=request.user,
                version=form.cleaned_data["version"],
                **form.changes(),
            ),
            f"{problem.reference} saved.",
            form=form,
        )
        if saved is not None or not form.errors:  # saved, or refused with a message
            return redirect(problem)
    return render(request, "incidents/problems/form.html", {"form": form, "problem": problem})


@login_required
@require_POST
def problem_publish(request, ref):
    """Publish the known error: its workaround becomes a knowledge article users find."""
    problem = selectors.get_problem_for(request.user, ref)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The symptoms are too long.")
        return redirect(problem)
    article = run_move(
        request,
        problem,
        lambda: workflow.problem_publish_known_error(
            problem=problem,
            by=request.user,
            symptoms=form.cleaned_data["symptoms"].strip(),
            version=posted_version(request),
        ),
    )
    if article is not None:
        messages.success(
            request, f"Published as a known error: “{article.title}” is in the knowledge base."
        )
    return redirect(problem)


# The problem's moves that need nothing but a click: (move, what the person is told).
STATE_MOVES = {
    "investigate": (workflow.problem_investigate, "{} is being investigated."),
    "close": (workflow.problem_close, "{} is closed."),
}


@login_required
@require_POST
def problem_change_state(request, ref, move):
    """Start investigating, or close a resolved problem: the state changes only by a move."""
    problem = selectors.get_problem_for(request.user, ref)
    make, told = STATE_MOVES[move]
    run_move(
        request,
        problem,
        lambda: make(problem=problem, by=request.user, version=posted_version(request)),
        told.format(problem.reference),
    )
    return redirect(problem)


@login_required
@require_http_methods(["GET", "POST"])
def problem_resolve(request, ref):
    """Resolve the problem and, if chosen, its open incidents together; their users are told."""
    problem = selectors.get_problem_for(request.user, ref)
    open_incidents = (
        problem.incidents.filter(status__in=RESOLVABLE)
        .select_related("site")
        .order_by("created_at")
    )
    form = ProblemResolveForm(_posted(request), problem=problem, open_incidents=open_incidents)
    if request.method == "POST" and problem.is_open and form.is_valid():
        data = form.cleaned_data
        resolved = run_move(
            request,
            problem,
            lambda: workflow.problem_resolve(
                problem=problem,
                by=request.user,
                resolution=data["resolution"],
                root_cause=data["root_cause"].strip(),
                resolve_incidents=list(data["incidents"]),
                version=data["version"],
            ),
            form=form,
        )
        if resolved is not None:
            told = (
                f" {len(resolved)} incident(s) resolved and their users told." if resolved else ""
            )
            messages.success(request, f"{problem.reference} resolved.{told}")
            return redirect(problem)
        if not form.errors:  # refused: the message says why
            return redirect(problem)
    return render(
        request,
        "incidents/problems/resolve.html",
        {"problem": problem, "form": form, "has_open": open_incidents.exists()},
    )


# ---------------------------------------------------------------- equipment


@support_required
@require_GET
def equipment_list(request):
    """The register: search by tag, name, room, kind, site and supplier."""
    form = EquipmentSearchForm(request.GET or None)
    qs = Equipment.objects.select_related("site", "room", "supplier").order_by("asset_tag")
    if form.is_bound and not form.is_valid():
        qs = qs.none()
    elif form.is_bound:
        data = form.cleaned_data
        if data["q"]:
            text = data["q"]
            qs = qs.filter(
                Q(asset_tag__icontains=text)
                | Q(name__icontains=text)
                | Q(make__icontains=text)
                | Q(model__icontains=text)
                | Q(serial_number__icontains=text)
            )
        if data["room"]:
            qs = qs.filter(room__name__icontains=data["room"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["site"] is not None:
            qs = qs.filter(site=data["site"])
        if data["supplier"] is not None:
            qs = qs.filter(supplier=data["supplier"])
    page = _page(request, qs)
    ids = [item.pk for item in page.object_list]
    open_counts = (
        dict(
            Incident.objects.filter(equipment_id__in=ids, status__in=ACTIVE_STATUSES)
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
            "form": form if form.is_bound else EquipmentSearchForm(),
            "page": page,
            "query": _query_without_page(request),
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
        Problem.objects.filter(Q(equipment=equipment) | Q(incidents__equipment=equipment))
        .distinct()
        .order_by("-created_at")[:HISTORY_LIMIT]
    )
    consultations = list(
        Consultation.objects.filter(incident__equipment=equipment)
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
