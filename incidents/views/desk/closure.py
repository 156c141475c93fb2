"""Ending the call: closed with a closure code, put in the paper file, or escalated into
problem management."""

from django.contrib import messages
from django.views.decorators.http import require_POST

from incidents import workflow
from incidents.forms.desk import CloseForm, LinkProblemForm

from ..access import back_to, desk_required, posted_version, run_move
from .incident_page import incident_for, show_invalid


@require_POST
@desk_required
def close(request, ref):
    """Close with a closure code; the user is told the resolution."""
    incident = incident_for(request, ref)
    form = CloseForm(request.POST, prefix="close", incident=incident)
    if not form.is_valid():
        return show_invalid(request, incident, "close", form)
    data = form.cleaned_data
    run_move(
        request,
        incident,
        lambda: workflow.incident_close(
            incident=incident,
            by=request.user,
            code=data["code"],
            resolution=data["resolution"],
            duplicate_of=data["duplicate_of"],
            category=data.get("category"),
            channel=data.get("channel") or None,
            version=data["version"],
        ),
        f"{incident.reference} is closed: {incident.reporter.display_name} has been told.",
        form=form,
    )
    if form.errors:
        return show_invalid(request, incident, "close", form)
    return back_to(incident)


@require_POST
@desk_required
def mark_filed(request, ref):
    """The closed sheet is in the paper file: who and when are recorded."""
    incident = incident_for(request, ref)
    run_move(
        request,
        incident,
        lambda: workflow.incident_mark_filed(
            incident=incident, by=request.user, version=posted_version(request)
        ),
        f"{incident.reference} is recorded as filed.",
    )
    return back_to(incident)


@require_POST
@desk_required
def link_problem(request, ref):
    """Escalate into problem management, an existing problem or a new one: the same
    path as the technician's (the workaround first, or why there is none)."""
    incident = incident_for(request, ref)
    form = LinkProblemForm(request.POST, prefix="problem", school=incident.school)
    if not form.is_valid():
        return show_invalid(request, incident, "problem", form)
    data = form.cleaned_data
    problem = run_move(
        request,
        incident,
        lambda: workflow.problem_escalate(
            incident=incident,
            by=request.user,
            version=posted_version(request, form),
            no_workaround_reason=data["no_workaround_reason"].strip(),
            problem=data["problem"],
            title=data["title"].strip(),
            description=data["description"].strip(),
        ),
        form=form,
    )
    if form.errors:
        return show_invalid(request, incident, "problem", form)
    if problem is not None:
        messages.success(request, f"Escalated into {problem.reference}.")
    return back_to(incident)
