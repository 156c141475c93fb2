"""The technician's panel on the staff incident page and its actions: take from the
pool, start, hold, the diagnostics sheet, the cause, resolve, and escalation into
problem management.

Each action answers on the incident's own address; its GET shows the action's form
on its own page (handy on a phone), its POST makes the move and returns to the
incident — or shows the form again, with what was typed and the reason next to the
field. Every change is a move of `incidents.workflow`, which keeps the owning
service desk person informed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles
from incidents import selectors, workflow
from incidents.forms.technician import (
    CauseForm,
    DiagnosticForm,
    EscalateForm,
    HoldForm,
    ResolveForm,
)
from incidents.models import Incident

from ..access import attempt, back_to, posted_or_none, posted_version, run_move

# ---------------------------------------------------------------- the incident panel


def technician_panel_context(request, incident: Incident, can: dict | None = None) -> dict:
    """What the technician's panel on the staff incident page needs, under `tech`:
    the forms of the moves allowed now (`can`, the page's `workflow.allowed_moves`),
    the panel shows no other.

    Two queries: the diagnostics sheet and the consultations.
    """
    if can is None:
        can = workflow.allowed_moves(request.user, incident)
    diagnostics = list(incident.diagnostics.select_related("author"))
    return {
        "tech": {
            "can_take": can["take"],
            "can_start": can["start"],
            "can_hold": can["hold"],
            "can_diagnose": can["diagnose"],
            "can_record_cause": can["record_cause"],
            "can_resolve": can["resolve"],
            "can_consult": can["consult"],
            "can_escalate": can["link_problem"],
            "diagnostics": diagnostics,
            "minutes_total": sum(entry.minutes_spent for entry in diagnostics),
            "consultations": list(incident.consultations.select_related("group", "contact")),
            "hold_form": (
                HoldForm(initial={"version": incident.version}, auto_id="id_hold_%s")
                if can["hold"]
                else None
            ),
            "diagnostic_form": (DiagnosticForm(auto_id="id_diag_%s") if can["diagnose"] else None),
            "cause_form": (
                CauseForm.for_incident(incident, auto_id="id_cause_%s")
                if can["record_cause"]
                else None
            ),
            "resolve_form": (
                ResolveForm(initial={"version": incident.version}, auto_id="id_resolve_%s")
                if can["resolve"]
                else None
            ),
            "today": timezone.localdate(),
        }
    }


# ---------------------------------------------------------------- incident actions


def incident_for_support(request, ref: str) -> Incident:
    """The incident if the person may see it (else 404), and only for support staff (403)."""
    incident = selectors.get_incident_for(request.user, ref)
    if not roles.is_staff_at(request.user, incident.school_id):
        raise PermissionDenied
    return incident


ACTIONS = {
    "hold": ("Put on hold", "Put on hold", "hold"),
    "diagnose": ("Add to the diagnostics sheet", "Add the entry", "diagnose"),
    "record_cause": ("Cause found, parts used and workaround", "Save", "record_cause"),
    "resolve": ("Resolve", "Resolve", "resolve"),
}


def _action_page(request, incident: Incident, form, action: str, status: int = 200):
    title, button, move = ACTIONS[action]
    fresh = (
        selectors.staff_incidents_for(request.user)
        .select_related("site", "room", "equipment", "assignee")
        .get(pk=incident.pk)
    )
    return render(
        request,
        "incidents/technician/action.html",
        {
            "incident": fresh,
            "form": form,
            "title": title,
            "button": button,
            "action_url": f"incidents:{action}",
            "possible": workflow.can(request.user, move, fresh),
        },
        status=status,
    )


@login_required
@require_POST
def take(request, ref):
    """Take a call from the pool. When several try at once, one gets it, the others are told."""
    incident = incident_for_support(request, ref)
    try:
        workflow.incident_take(incident=incident, by=request.user, version=posted_version(request))
    except workflow.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except workflow.Conflict as error:
        current = error.current
        if current.assignee_id and current.assignee_id != request.user.pk:
            messages.error(
                request,
                f"{current.reference} was taken by {current.assignee} before you: it is theirs now.",
            )
        else:
            messages.error(request, str(error))
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{incident.reference} is yours.")
    return back_to(incident)


@login_required
@require_POST
def start(request, ref):
    incident = incident_for_support(request, ref)
    run_move(
        request,
        incident,
        lambda: workflow.incident_start(
            incident=incident, by=request.user, version=posted_version(request)
        ),
        "Work started: the service desk has been told.",
    )
    return back_to(incident)


@login_required
@require_http_methods(["GET", "POST"])
def hold(request, ref):
    incident = incident_for_support(request, ref)
    form = HoldForm(posted_or_none(request), initial={"version": incident.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            incident,
            form,
            lambda: workflow.incident_hold(
                incident=incident,
                by=request.user,
                reason=data["reason"],
                note=data["note"].strip(),
                version=data["version"],
            ),
        ):
            messages.success(request, "On hold: the service desk has been told.")
            return back_to(incident)
    return _action_page(request, incident, form, "hold")


@login_required
@require_http_methods(["GET", "POST"])
def diagnose(request, ref):
    """A line of the incident diagnostics sheet: internal, and the owner is told."""
    incident = incident_for_support(request, ref)
    form = DiagnosticForm(posted_or_none(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            incident,
            form,
            lambda: workflow.incident_diagnose(
                incident=incident,
                by=request.user,
                action_taken=data["action_taken"].strip(),
                result=data["result"].strip(),
                minutes_spent=data["minutes_spent"],
                performed_at=data["performed_at"],
                version=posted_version(request, form),
            ),
        ):
            messages.success(request, "Added to the diagnostics sheet.")
            return back_to(incident)
    return _action_page(request, incident, form, "diagnose")


@login_required
@require_http_methods(["GET", "POST"])
def record_cause(request, ref):
    incident = incident_for_support(request, ref)
    form = CauseForm(request.POST) if request.method == "POST" else CauseForm.for_incident(incident)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        workaround = data["workaround"].strip()
        if attempt(
            request,
            incident,
            form,
            lambda: workflow.incident_record_cause(
                incident=incident,
                by=request.user,
                cause=data["cause"].strip(),
                parts_used=data["parts_used"].strip(),
                workaround=workaround if workaround != incident.workaround else None,
                version=posted_version(request, form),
            ),
        ):
            messages.success(request, "Recorded: the service desk has been told.")
            return back_to(incident)
    return _action_page(request, incident, form, "record_cause")


@login_required
@require_http_methods(["GET", "POST"])
def resolve(request, ref):
    """Resolve with a fix or a workaround (technicians and the desk alike)."""
    incident = incident_for_support(request, ref)
    form = ResolveForm(posted_or_none(request), initial={"version": incident.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            incident,
            form,
            lambda: workflow.incident_resolve(
                incident=incident,
                by=request.user,
                resolution=data["resolution"],
                kind=data["kind"],
                version=data["version"],
            ),
        ):
            messages.success(request, f"{incident.reference} resolved: the user has been told.")
            return back_to(incident)
    return _action_page(request, incident, form, "resolve")


@login_required
@require_http_methods(["GET", "POST"])
def escalate(request, ref):
    """Escalate into problem management, new or existing: the workaround first, or why none."""
    incident = incident_for_support(request, ref)
    if request.method == "POST":
        form = EscalateForm(request.POST, school=incident.school)
        if form.is_valid():
            data = form.cleaned_data
            existing = data["problem"] if data["into"] == EscalateForm.EXISTING else None
            outcome = {}

            def action():
                outcome["problem"] = workflow.problem_escalate(
                    incident=incident,
                    by=request.user,
                    workaround=data["workaround"].strip(),
                    no_workaround_reason=data["no_workaround_reason"].strip(),
                    problem=existing,
                    title=data["title"].strip(),
                    description=data["description"].strip(),
                    version=posted_version(request, form),
                )

            if attempt(request, incident, form, action):
                problem = outcome["problem"]
                messages.success(
                    request,
                    f"Escalated into problem management: {problem.reference} {problem.title}.",
                )
                return back_to(incident)
    else:
        form = EscalateForm.for_incident(incident)
    refused = workflow.refusal(workflow.MOVES["link_problem"], request.user, incident)
    return render(
        request,
        "incidents/technician/escalate.html",
        {
            "incident": incident,
            "form": form,
            "possible": refused is None,
            "refused": refused,
        },
    )
