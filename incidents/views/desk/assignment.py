"""Who has the call: the desk takes ownership or hands it over, and passes it to a
technician or the pool (warned when the booked visit falls after the target)."""

from django.contrib import messages
from django.views.decorators.http import require_POST

from incidents import targets, workflow
from incidents.forms.desk import HandOverForm, TechnicianForm, VersionedForm

from ..access import back_to, desk_required, run_move
from .incident_page import incident_for, show_invalid, visit_warning


@require_POST
@desk_required
def take_ownership(request, ref):
    incident = incident_for(request, ref)
    form = VersionedForm(request.POST, prefix="ownership")
    if not form.is_valid():
        return show_invalid(request, incident, "ownership", form)
    run_move(
        request,
        incident,
        lambda: workflow.incident_take_ownership(
            incident=incident, by=request.user, version=form.cleaned_data["version"]
        ),
        f"{incident.reference} is yours.",
        form=form,
    )
    if form.errors:
        return show_invalid(request, incident, "ownership", form)
    return back_to(incident)


@require_POST
@desk_required
def hand_over(request, ref):
    incident = incident_for(request, ref)
    form = HandOverForm(request.POST, prefix="hand_over", school=incident.school)
    if not form.is_valid():
        return show_invalid(request, incident, "hand_over", form)
    data = form.cleaned_data
    run_move(
        request,
        incident,
        lambda: workflow.incident_hand_over(
            incident=incident, by=request.user, to=data["to"], version=data["version"]
        ),
        f"Handed over to {data['to'].display_name}.",
        form=form,
    )
    if form.errors:
        return show_invalid(request, incident, "hand_over", form)
    return back_to(incident)


@require_POST
@desk_required
def request_technician(request, ref):
    """Pass the call to a technician or the pool, with a note and a visit date."""
    incident = incident_for(request, ref)
    form = TechnicianForm(request.POST, prefix="technician", school=incident.school)
    if not form.is_valid():
        return show_invalid(request, incident, "technician", form)
    data = form.cleaned_data
    who = data["technician"].display_name if data["technician"] else "the technician pool"
    moved = run_move(
        request,
        incident,
        lambda: workflow.incident_request_technician(
            incident=incident,
            by=request.user,
            technician=data["technician"],
            note=data["note"].strip(),
            visit_date=data["visit_date"],
            version=data["version"],
        ),
        f"Passed to {who}.",
        form=form,
    )
    if form.errors:
        return show_invalid(request, incident, "technician", form)
    if moved is not None and targets.visit_after_target(moved, data["visit_date"]):
        messages.warning(request, visit_warning(moved))
    return back_to(incident)
