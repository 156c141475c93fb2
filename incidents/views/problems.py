"""Problem management, for support staff.

A problem is the unknown cause behind incidents (or spotted before any came in);
its workaround, published as a known error, becomes a knowledge article people
find when they file a sheet. Plain users never see problems: 404s for them. (The
equipment register, which shows each item's problems, is `views/equipment.py`.)
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from incidents import selectors, workflow
from incidents.filters import ProblemFilter
from incidents.forms.problems import (
    ProblemCreateForm,
    ProblemEditForm,
    ProblemResolveForm,
    PublishForm,
)
from incidents.models import WORKING_STATUSES, CallKind, KnowledgeArticle, Status

from .access import posted_or_none, posted_version, run_move, support_required
from .paging import page_of, query_without_page

PAGE_SIZE = 50
HISTORY_LIMIT = 200
RESOLVABLE = WORKING_STATUSES


def _refuse(error: workflow.WorkflowError):
    if isinstance(error, workflow.NotAllowed):
        raise PermissionDenied(str(error)) from error


# ---------------------------------------------------------------- problems


@support_required
@require_GET
def problem_list(request):
    """Problems by state, known errors, with how many incidents each has."""
    # Counted over the calls of the schools the person serves (a shared problem's
    # calls elsewhere are not theirs to count).
    served = Q(incidents__school_id__in=roles.staff_schools(request.user))
    listed = (
        selectors.problems_for(request.user)
        .select_related("opened_by", "category", "equipment")
        .annotate(
            incident_count=Count("incidents", filter=served, distinct=True),
            open_incident_count=Count(
                "incidents", filter=served & ~Q(incidents__status=Status.CLOSED), distinct=True
            ),
        )
        .order_by("-created_at", "-id")
    )
    filterset = ProblemFilter(request.GET, queryset=listed)
    rows = filterset.qs if filterset.is_valid() else listed.none()
    return render(
        request,
        "incidents/problems/list.html",
        {
            "form": filterset.form,
            "page": page_of(request, rows, PAGE_SIZE),
            "query": query_without_page(request),
        },
    )


@support_required
@require_http_methods(["GET", "POST"])
def problem_new(request):
    """Open a problem proactively, before any incident comes in."""
    form = ProblemCreateForm(posted_or_none(request), user=request.user)
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
                school=data.get("school"),
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
    # A shared problem's incidents at the schools the person serves, no others.
    incidents = list(
        selectors.staff_incidents_for(request.user)
        .filter(problem=problem, kind=CallKind.INCIDENT)
        .select_related("school", "site", "room", "owner", "assignee")
        .order_by("-created_at")[:HISTORY_LIMIT]
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
    form = ProblemEditForm(posted_or_none(request), instance=problem, user=request.user)
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
        selectors.staff_incidents_for(request.user)
        .filter(problem=problem, status__in=RESOLVABLE, kind=CallKind.INCIDENT)
        .select_related("site")
        .order_by("created_at")
    )
    form = ProblemResolveForm(
        posted_or_none(request), problem=problem, open_incidents=open_incidents
    )
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
