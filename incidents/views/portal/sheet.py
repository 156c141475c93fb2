"""The reporter completes the sheet of a call they sent by e-mail: the e-mail gave
the summary and what happened; the guide's other questions are answered here,
while the desk has not logged it yet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from incidents import selectors, workflow
from incidents.forms.mail import CompleteSheetForm
from incidents.forms.sheet import SHEET_FIELDS

from ..access import back_to, posted_version, run_move


@require_http_methods(["GET", "POST"])
@login_required
def complete_sheet(request, ref):
    incident = selectors.get_incident_for(request.user, ref)
    if incident.reporter_id != request.user.pk:
        raise PermissionDenied
    if not workflow.can(request.user, "complete_sheet", incident):
        messages.info(request, "The service desk has logged it already: add a message instead.")
        return back_to(incident)
    sheet = getattr(incident, "sheet", None)
    initial = {name: getattr(sheet, name) for name in SHEET_FIELDS} if sheet else {}
    form = CompleteSheetForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        run_move(
            request,
            incident,
            lambda: workflow.incident_complete_sheet(
                incident=incident,
                by=request.user,
                answers=form.sheet(),
                version=posted_version(request),
            ),
            "Thank you: the service desk has your answers.",
        )
        return back_to(incident)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "incidents/portal/complete_sheet.html",
        {"incident": incident, "form": form},
        status=status,
    )
