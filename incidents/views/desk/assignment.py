"""Who has the call: the desk takes ownership or hands it over, and passes it to a
technician or the pool (warned when the booked visit falls after the target)."""

from django.contrib import messages
from django.views.decorators.http import require_POST

from incidents import rota, selectors, targets, workflow
from incidents.forms.desk import HandOverForm, VersionedForm
from incidents.forms.rota import RotaTechnicianForm

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
    form = RotaTechnicianForm(
        request.POST,
        prefix="technician",
        school=incident.school,
        visits=selectors.rota_visits_for(incident),
    )
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
    if moved is not None and data["visit_date"] and data["from_rota"] is None:
        off_rota = off_rota_warning(moved, data["technician"], data["visit_date"])
        if off_rota:
            messages.warning(request, off_rota)
    return back_to(incident)


def off_rota_warning(incident, technician, day) -> str:
    """What the desk reads when the visit date it chose is not a scheduled visit at
    the call's school (by the technician chosen, or by anyone for the pool)."""
    if rota.is_scheduled(day, school=incident.school_id, technician=technician):
        return ""
    place = f"to {incident.school} on {day:%A %d %B}"
    if technician:
        text = f"{technician.display_name} has no scheduled visit {place}."
    else:
        text = f"No technician has a scheduled visit {place}."
    upcoming = selectors.rota_visits_for(incident, limit=1)
    if upcoming:
        visit = upcoming[0]
        text += (
            f" The next scheduled visit there is {visit.day:%A %d %B} "
            f"({visit.technician.display_name})."
        )
    return text
