"""Talking about the call: a message to the user, an internal note, and the owner
marking the technicians' latest updates as read."""

from django.http import HttpResponse
from django.views.decorators.http import require_POST

from incidents import workflow
from incidents.forms.desk import DeskMessageForm, NoteForm

from ..access import back_to, desk_required, posted_version, run_move, support_required
from .incident_page import incident_for, show_invalid


@require_POST
@support_required
def message_user(request, ref):
    """A message to the user: in the public call log and in their inbox."""
    incident = incident_for(request, ref)
    form = DeskMessageForm(request.POST, prefix="message")
    if not form.is_valid():
        return show_invalid(request, incident, "message", form)
    run_move(
        request,
        incident,
        lambda: workflow.incident_message_reporter(
            incident=incident,
            by=request.user,
            text=form.cleaned_data["text"].strip(),
            version=posted_version(request, form),
        ),
        f"Message sent to {incident.reporter.display_name}.",
        form=form,
    )
    if form.errors:
        return show_invalid(request, incident, "message", form)
    return back_to(incident)


@require_POST
@support_required
def add_note(request, ref):
    """An internal note: support staff only, never shown to the user."""
    incident = incident_for(request, ref)
    form = NoteForm(request.POST, prefix="note")
    if not form.is_valid():
        return show_invalid(request, incident, "note", form)
    run_move(
        request,
        incident,
        lambda: workflow.incident_add_note(
            incident=incident,
            by=request.user,
            text=form.cleaned_data["text"].strip(),
            version=posted_version(request, form),
        ),
        "Note added.",
        form=form,
    )
    if form.errors:
        return show_invalid(request, incident, "note", form)
    return back_to(incident)


@require_POST
@desk_required
def mark_read(request, ref):
    """The owner has seen the technicians' latest updates (sent when the page opens)."""
    incident = incident_for(request, ref)
    workflow.incident_mark_read(incident=incident, by=request.user)
    if request.htmx:
        return HttpResponse(status=204)
    return back_to(incident)
