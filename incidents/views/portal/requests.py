"""Asking for something: the catalogue, the short form of a request type, and the
approver's page where requests wait for their yes or no."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incidents import selectors, workflow
from incidents.forms.requests import ApproveForm, DeclineForm, RequestForm
from incidents.models import Incident

from ..access import posted_version, run_move


@require_GET
@login_required
def catalogue(request):
    """What people may ask the service desk for, with what each one covers."""
    return render(
        request,
        "incidents/portal/catalogue.html",
        {"request_types": list(selectors.request_types_offered(request.user))},
    )


@require_http_methods(["GET", "POST"])
@login_required
def ask(request, pk: int):
    """The short form of one request type: one request per rendered form."""
    request_type = selectors.get_request_type_for(request.user, pk)
    if request.method == "POST":
        already = _request_for_token(request.user, request.POST.get("submission_token"))
        if already is not None:
            return _already_sent(request, already)
        form = RequestForm(request.POST, user=request.user, request_type=request_type)
        if form.is_valid():
            data = form.cleaned_data
            try:
                made, _created = workflow.request_file(
                    by=request.user,
                    request_type=request_type,
                    summary=data["summary"],
                    site=data["site"],
                    room=data["room"],
                    answers=form.answers(),
                    submission_token=data["submission_token"],
                )
            except workflow.NotAllowed as error:
                raise PermissionDenied(str(error)) from error
            return redirect("incidents:confirmation", ref=made.reference)
    else:
        form = RequestForm(user=request.user, request_type=request_type)
    return render(
        request, "incidents/portal/ask.html", {"form": form, "request_type": request_type}
    )


def _request_for_token(user, token) -> Incident | None:
    try:
        token = uuid.UUID(str(token))
    except (TypeError, ValueError):
        return None
    return selectors.incidents_reported_by(user).filter(submission_token=token).first()


def _already_sent(request, made):
    messages.info(
        request, f"This was already sent as {made.reference}: it has not been sent twice."
    )
    return redirect("incidents:confirmation", ref=made.reference)


def _approvals_page(request, *, bound: dict | None = None, status: int = 200):
    """The approver's page; `bound` replaces one request's decline form (with its errors)."""
    bound = bound or {}
    items = [
        {
            "request": item,
            "approve_form": ApproveForm(initial={"version": item.version}),
            "decline_form": bound.get(item.pk) or DeclineForm(initial={"version": item.version}),
        }
        for item in selectors.approvals_waiting_for(request.user)
    ]
    return render(
        request,
        "incidents/portal/approvals.html",
        {"waiting": items, "decided": selectors.approvals_decided_by(request.user)},
        status=status,
    )


@require_GET
@login_required
def approvals(request):
    """The requests waiting for this person's approval, and what they decided lately."""
    return _approvals_page(request)


def _decider(request, ref, move: str) -> Incident:
    """The request, if this person may see it (else 404) and is its approver (else 403)."""
    made = selectors.get_request_for_approval(request.user, ref)
    if not workflow.MOVES[move].who(request.user, made):
        raise PermissionDenied("Only the person named to approve it decides.")
    return made


@require_POST
@login_required
def approve(request, ref):
    made = _decider(request, ref, "approve")
    form = ApproveForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "") if "note" not in form.errors else ""
    run_move(
        request,
        made,
        lambda: workflow.request_approve(
            incident=made, by=request.user, note=note, version=posted_version(request, form)
        ),
        f"{made.reference} approved: the service desk deals with it now.",
    )
    return redirect("incidents:approvals")


@require_POST
@login_required
def decline(request, ref):
    made = _decider(request, ref, "decline")
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _approvals_page(request, bound={made.pk: form}, status=400)
    done = run_move(
        request,
        made,
        lambda: workflow.request_decline(
            incident=made,
            by=request.user,
            reason=form.cleaned_data["reason"],
            version=posted_version(request, form),
        ),
        f"{made.reference} declined: {made.reporter} is told why.",
        form=form,
    )
    if done is None and form.errors:
        return _approvals_page(request, bound={made.pk: form}, status=409)
    return redirect("incidents:approvals")
