"""One action on the incidents ticked in the queue: each through its own move."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from incidents import selectors, workflow
from incidents.forms.desk import BulkForm
from incidents.models import ClosureCode, Incident

from ..access import desk_required


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _bulk_move(form: BulkForm, by):
    """The workflow call for one ticked incident."""
    data = form.cleaned_data
    action = data["action"]
    if action == BulkForm.TAKE:
        return lambda incident: workflow.incident_take_ownership(
            incident=incident, by=by, version=incident.version
        )
    if action == BulkForm.ASSIGN:
        return lambda incident: workflow.incident_request_technician(
            incident=incident, by=by, technician=data["technician"], version=incident.version
        )
    if action == BulkForm.PRIORITY:
        return lambda incident: workflow.incident_set_priority(
            incident=incident, by=by, priority=data["priority"], version=incident.version
        )
    original = data["duplicate_of"]

    def close_as_duplicate(incident):
        if incident.pk == original.pk:
            raise workflow.InvalidMove("it is the incident the others duplicate.")
        return workflow.incident_close(
            incident=incident,
            by=by,
            code=ClosureCode.DUPLICATE,
            duplicate_of=original,
            version=incident.version,
        )

    return close_as_duplicate


@require_POST
@desk_required
def bulk(request):
    """One action on the ticked incidents: each through its own move and call-log entry.

    Says how many succeeded, and which failed and why.
    """
    back = _safe_next(request, reverse("incidents:desk_queue"))
    form = BulkForm(request.POST, prefix="bulk", user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids = form.cleaned_data["ids"]
    action = form.cleaned_data["action"]
    if action == BulkForm.PRINT:
        return redirect(reverse("incidents:print_selection") + "?ids=" + ",".join(map(str, ids)))
    move = _bulk_move(form, request.user)
    incidents = selectors.staff_incidents_for(request.user).filter(pk__in=ids)
    found = {incident.pk: incident for incident in incidents}
    done, failed = [], []
    for pk in ids:
        incident = found.get(pk)
        if incident is None:
            failed.append((Incident(pk=pk).reference, "there is no such incident."))
            continue
        try:
            move(incident)
        except workflow.WorkflowError as error:
            failed.append((incident.reference, str(error)))
        else:
            done.append(incident.reference)
    label = dict(BulkForm.ACTIONS)[action].lower()
    if done:
        messages.success(
            request, f"{label.capitalize()}: {len(done)} of {len(ids)} done ({', '.join(done)})."
        )
    for reference, reason in failed:
        messages.error(request, f"{reference} not done: {reason}")
    return redirect(back)
