"""Triage: a call logged for someone who phoned, a sheet returned to its user or
accepted (category, impact × urgency → priority and targets), its details
corrected, and a knowledge article linked."""

import uuid

from django.contrib import messages
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from incidents import workflow
from incidents.forms.desk import AcceptForm, DetailsForm, LinkArticleForm, LogCallForm, ReturnForm

from ..access import back_to, desk_required, posted_version, run_move
from .incident_page import incident_for, show_invalid


@require_POST
@desk_required
def return_to_user(request, ref):
    """The sheet is incomplete: ask the user (the clock waits for the answer)."""
    incident = incident_for(request, ref)
    form = ReturnForm(request.POST, prefix="question")
    if not form.is_valid():
        return show_invalid(request, incident, "question", form)
    data = form.cleaned_data
    run_move(
        request,
        incident,
        lambda: workflow.incident_return_to_user(
            incident=incident,
            by=request.user,
            question=data["question"].strip(),
            version=data["version"],
        ),
        f"Sent back to {incident.reporter.display_name} with your question.",
        form=form,
    )
    if form.errors:
        return show_invalid(request, incident, "question", form)
    return back_to(incident)


@require_POST
@desk_required
def accept(request, ref):
    """Accept the sheet and log it: category, impact × urgency → priority and targets."""
    incident = incident_for(request, ref)
    form = AcceptForm(request.POST, prefix="accept", school=incident.school)
    if not form.is_valid():
        return show_invalid(request, incident, "accept", form)
    data = form.cleaned_data
    run_move(
        request,
        incident,
        lambda: workflow.incident_accept(
            incident=incident,
            by=request.user,
            category=data["category"],
            impact=data["impact"],
            urgency=data["urgency"],
            site=data["site"],
            room=data["room"],
            equipment=data["equipment"],
            channel=data["channel"],
            version=data["version"],
        ),
        f"{incident.reference} is logged.",
        form=form,
    )
    if form.errors:
        return show_invalid(request, incident, "accept", form)
    return back_to(incident)


@require_POST
@desk_required
def update_details(request, ref):
    incident = incident_for(request, ref)
    form = DetailsForm(request.POST, prefix="details", school=incident.school)
    if not form.is_valid():
        return show_invalid(request, incident, "details", form)
    data = form.cleaned_data
    changes = {
        name: data[name]
        for name in (
            "summary",
            "category",
            "impact",
            "urgency",
            "site",
            "room",
            "equipment",
            "channel",
        )
    }
    run_move(
        request,
        incident,
        lambda: workflow.incident_update_details(
            incident=incident, by=request.user, version=data["version"], **changes
        ),
        "Details saved.",
        form=form,
    )
    if form.errors:
        return show_invalid(request, incident, "details", form)
    return back_to(incident)


@require_POST
@desk_required
def link_article(request, ref):
    """Link a knowledge article found for this incident; say if its fix was applied."""
    incident = incident_for(request, ref)
    form = LinkArticleForm(request.POST, prefix="knowledge", school=incident.school)
    if not form.is_valid():
        messages.error(request, "That article is not in the knowledge base.")
        return back_to(incident)
    data = form.cleaned_data
    run_move(
        request,
        incident,
        lambda: workflow.incident_link_article(
            incident=incident,
            by=request.user,
            article=data["article"],
            fix_applied=data["fix_applied"],
            version=posted_version(request),
        ),
        "Known fix applied and recorded." if data["fix_applied"] else "Article linked.",
    )
    return back_to(incident)


# ---------------------------------------------------------------- a call for a user


@require_http_methods(["GET", "POST"])
@desk_required
def log_call(request):
    """File a sheet for someone who phoned, e-mailed or came to the desk."""
    form = LogCallForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            incident, created = _file_call(request, form)
        except workflow.NotAllowed:
            # This copy of the form already filed a call for someone else: keep
            # what was typed, with a fresh token so that sending it again files it.
            form = LogCallForm(_with_new_token(request.POST), user=request.user)
            form.is_valid()
            form.add_error(
                None,
                "This form was already used to log a call for someone else. "
                "Check the details below and send it again to log a new call.",
            )
        else:
            if created:
                messages.success(
                    request,
                    f"{incident.reference} logged for {incident.reporter.display_name}: "
                    "it is in their list of incidents.",
                )
            return back_to(incident)
    status = 400 if request.method == "POST" else 200
    return render(request, "incidents/desk/log_call.html", {"form": form}, status=status)


def _with_new_token(data):
    data = data.copy()
    data["submission_token"] = str(uuid.uuid4())
    return data


def _file_call(request, form: LogCallForm):
    data = form.cleaned_data
    return workflow.incident_file(
        by=request.user,
        reporter=data["reporter"],
        summary=data["summary"].strip(),
        site=data["site"],
        room=data["room"],
        equipment=data["equipment"],
        equipment_description=data["equipment_description"].strip(),
        sheet=form.sheet(),
        channel=data["channel"],
        submission_token=data["submission_token"],
    )
