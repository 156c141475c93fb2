"""The reporter's incident page and what they may do on it: answer the desk, say it
is working again, reopen it, add a message or photos."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_POST

from incidents import selectors, workflow
from incidents.forms.portal import (
    AnswerForm,
    AttachForm,
    ReopenForm,
    UserMessageForm,
    WorkingAgainForm,
)
from incidents.forms.requests import call_rows
from incidents.models import DONE_STATUSES, Channel, Status

from ..access import back_to, no_longer_offered, posted_version, run_move


def user_detail_context(request, incident, **bound_forms) -> dict:
    """The reporter's view of an incident: the sheet as written, photos, the public
    call log, the resolution, and the forms for what the person may do now.

    Internal notes, diagnostics and consultations are never read here.
    """
    user = request.user
    log = list(selectors.call_log_for(user, incident).filter(is_public=True))
    asked_by = "held" if incident.status == Status.ON_HOLD else "returned_to_user"
    question = next((e for e in reversed(log) if e.event == asked_by), None)
    moves = workflow.allowed_moves(user, incident)
    can = {
        name: moves[name]
        for name in ("answer", "working_again", "reopen", "reporter_reply", "attach")
    }
    can["answer"] = moves[workflow.answer_move(incident)]
    # A call sent by e-mail has only its text: the reporter may complete the sheet.
    can["complete_sheet"] = moves["complete_sheet"] and incident.channel == Channel.EMAIL
    reopen_until = None
    if incident.status == Status.RESOLVED and incident.resolved_at:
        reopen_until = incident.resolved_at + timedelta(days=settings.REOPEN_WINDOW_DAYS)
    return {
        "incident": incident,
        "sheet_rows": call_rows(incident),
        "attachments": list(incident.attachments.all()),
        "log": log,
        "question": _question_text(question) if incident.waits_for_user else "",
        "can": can,
        "show_resolution": incident.status in DONE_STATUSES and incident.resolution,
        "reopen_until": reopen_until,
        "reopen_days": settings.REOPEN_WINDOW_DAYS,
        "answer_form": bound_forms.get("answer_form") or AnswerForm(),
        "working_again_form": bound_forms.get("working_again_form") or WorkingAgainForm(),
        "reopen_form": bound_forms.get("reopen_form") or ReopenForm(),
        "message_form": bound_forms.get("message_form") or UserMessageForm(),
        "attach_form": bound_forms.get("attach_form") or AttachForm(),
    }


def _question_text(entry) -> str:
    """The desk's question, as they wrote it."""
    if entry is None:
        return ""
    return entry.data.get("question", "") or entry.data.get("note", "")


# The move each of the page's forms makes: the page shows a form only while its move
# is allowed.
FORM_MOVES = {
    "answer_form": "answer",
    "working_again_form": "working_again",
    "reopen_form": "reopen",
    "message_form": "reporter_reply",
    "attach_form": "attach",
}


def _show_again(request, incident, **bound_forms):
    """The incident's page again, as it is now, with the form that had bad input or was
    stale. When the call has moved on so the form is no longer offered, its messages go
    to the top of the page instead."""
    incident = selectors.get_incident_for(request.user, incident.reference)
    for name, form in bound_forms.items():
        move = workflow.answer_move(incident) if name == "answer_form" else FORM_MOVES[name]
        if no_longer_offered(request, incident, move, form):
            return back_to(incident)
    context = user_detail_context(request, incident, **bound_forms)
    return render(request, "incidents/portal/detail.html", context)


@require_POST
@login_required
def answer(request, ref):
    """Answer the desk's request for more information: the sheet goes back to the desk."""
    incident = selectors.get_incident_for(request.user, ref)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _show_again(request, incident, answer_form=form)
    on_hold = workflow.answer_move(incident) == "answer_hold"
    answer = workflow.incident_answer_hold if on_hold else workflow.incident_answer
    run_move(
        request,
        incident,
        lambda: answer(
            incident=incident,
            by=request.user,
            answer=form.cleaned_data["answer"],
            version=posted_version(request),
        ),
        "Thank you: your answer has gone to the service desk.",
        form=form,
    )
    if form.errors:
        return _show_again(request, incident, answer_form=form)
    return back_to(incident)


@require_POST
@login_required
def working_again(request, ref):
    """ "It's working again": the desk is told at once and can close it."""
    incident = selectors.get_incident_for(request.user, ref)
    form = WorkingAgainForm(request.POST)
    if not form.is_valid():
        return _show_again(request, incident, working_again_form=form)
    run_move(
        request,
        incident,
        lambda: workflow.incident_working_again(
            incident=incident,
            by=request.user,
            note=form.cleaned_data["note"],
            version=posted_version(request),
        ),
        "Thank you: the service desk knows it is working again.",
        form=form,
    )
    if form.errors:
        return _show_again(request, incident, working_again_form=form)
    return back_to(incident)


@require_POST
@login_required
def reopen(request, ref):
    """ "Still not fixed" on a resolved incident: back to whoever resolved it."""
    incident = selectors.get_incident_for(request.user, ref)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _show_again(request, incident, reopen_form=form)
    run_move(
        request,
        incident,
        lambda: workflow.incident_reopen(
            incident=incident,
            by=request.user,
            reason=form.cleaned_data["reason"],
            version=posted_version(request),
        ),
        "It has been reopened: the person who resolved it has been told.",
        form=form,
    )
    if form.errors:
        return _show_again(request, incident, reopen_form=form)
    return back_to(incident)


@require_POST
@login_required
def user_message(request, ref):
    incident = selectors.get_incident_for(request.user, ref)
    form = UserMessageForm(request.POST)
    if not form.is_valid():
        return _show_again(request, incident, message_form=form)
    run_move(
        request,
        incident,
        lambda: workflow.incident_reporter_reply(
            incident=incident,
            by=request.user,
            text=form.cleaned_data["text"],
            version=posted_version(request),
        ),
        "Your message has been added.",
        form=form,
    )
    if form.errors:
        return _show_again(request, incident, message_form=form)
    return back_to(incident)


@require_POST
@login_required
def attach(request, ref):
    incident = selectors.get_incident_for(request.user, ref)
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        return _show_again(request, incident, attach_form=form)
    added = run_move(
        request,
        incident,
        lambda: workflow.incident_attach(
            incident=incident,
            by=request.user,
            photos=form.cleaned_data["photos"],
            version=posted_version(request),
        ),
    )
    if added:
        messages.success(request, f"{len(added)} photo{'s' if len(added) != 1 else ''} added.")
    return back_to(incident)
