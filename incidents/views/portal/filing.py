"""Filing an incident sheet: one submission token per rendered form, one incident."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import roles
from incidents import pending_photos, selectors, workflow
from incidents.forms.choices import light_choices
from incidents.forms.portal import EquipmentLookupForm, IncidentReportForm
from incidents.forms.sheet import SheetForm
from incidents.models import Incident

from .knowledge import help_for


@require_http_methods(["GET", "POST"])
@login_required
def report(request):
    """The incident sheet. One submission token per rendered form: one incident.

    The same sheet sent twice (double click, reload, Back then Send, two tabs) files
    once and takes the person to the incident already filed. After a failed send
    the photos that passed their checks are kept (`incidents.pending_photos`).
    """
    kept_photos: list[dict] = []
    last_equipment = None
    if request.method == "POST":
        token = _uuid(request.POST.get("submission_token"))
        # One read of the token for the view and the workflow both.
        used = _incident_with_token(token)
        if used is not None and used.reporter_id == request.user.pk:
            return _already_sent(request, used)
        kept_ids = request.POST.getlist("keep_photo")
        form = IncidentReportForm(
            request.POST, request.FILES, user=request.user, kept_photo_count=len(kept_ids)
        )
        sheet_form = SheetForm(request.POST)
        if all([form.is_valid(), sheet_form.is_valid()]):
            same = selectors.same_sheet_filed_recently(
                request.user,
                summary=form.cleaned_data["summary"],
                site=form.cleaned_data["site"],
                happened=sheet_form.cleaned_data["happened"],
            )
            if same is not None:
                return _already_sent(request, same)
            checked = form.cleaned_data["submission_token"] == token
            if checked and used is not None:
                raise PermissionDenied("That form was already used.")
            token = form.cleaned_data["submission_token"]
            kept = pending_photos.take(request.session, token, kept_ids)
            incident = _file(request, form, sheet_form, kept, token_checked=checked)
            return redirect("incidents:confirmation", ref=incident.reference)
        kept_photos = _keep_photos(request, form, kept_ids)
        files_dropped = bool(request.FILES.getlist("photos")) and "photos" in form.errors
        help_context = help_for(
            request.user, form.cleaned_data.get("equipment"), _typed_text(request.POST)
        )
        selected = form.cleaned_data.get("equipment")
    else:
        site_id = _positive_int(request.GET.get("site"))
        if request.htmx and "site" in request.GET:
            form = IncidentReportForm(
                user=request.user, site_id=site_id, initial={"site": site_id} if site_id else {}
            )
            light_choices(form)
            return render(request, "incidents/portal/report.html#room-field", {"form": form})
        form, last_equipment = _new_sheet_form(request.user, site_id)
        sheet_form = SheetForm()
        help_context, selected = {}, None
        files_dropped = False
    light_choices(form, sheet_form)
    return render(
        request,
        "incidents/portal/report.html",
        {
            "form": form,
            "sheet_form": sheet_form,
            "selected_equipment": selected,
            "files_dropped": files_dropped,
            "kept_photos": kept_photos,
            "last_equipment": last_equipment,
            **help_context,
        },
    )


def _new_sheet_form(user, site_id):
    """A new sheet starts where the person reported last: that site and room chosen,
    and the equipment they reported offered as a one-click choice."""
    if site_id:
        return IncidentReportForm(user=user, site_id=site_id, initial={"site": site_id}), None
    last = selectors.last_place_reported_by(user)
    if last is None or last.school_id not in roles.schools_where(user):
        return IncidentReportForm(user=user), None
    initial = {"site": last.site_id, "room": last.room_id}
    return IncidentReportForm(user=user, site_id=last.site_id, initial=initial), last.equipment


def _keep_photos(request, form, kept_ids) -> list[dict]:
    """After a failed send: the photos still ticked, and the new ones that passed."""
    token = form.cleaned_data.get("submission_token")
    if token is None:
        return []
    pending_photos.retain(request.session, token, kept_ids)
    pending_photos.keep(request.session, token, form.cleaned_data.get("photos") or [])
    return pending_photos.listed(request.session, token)


def _already_sent(request, incident):
    messages.info(
        request,
        f"This sheet was already sent as {incident.reference}: it has not been sent twice.",
    )
    return redirect("incidents:confirmation", ref=incident.reference)


def _file(request, form, sheet_form, kept_photos=(), *, token_checked=False) -> Incident:
    data = form.cleaned_data
    token = data["submission_token"]
    try:
        incident, _created = workflow.incident_file(
            by=request.user,
            summary=data["summary"],
            site=data["site"],
            room=data["room"],
            equipment=data["equipment"],
            equipment_description=data["equipment_description"],
            sheet=sheet_form.sheet(),
            submission_token=token,
            photos=[*data["photos"], *kept_photos],
            token_checked=token_checked,
        )
    except workflow.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except IntegrityError:
        # Two posts of the same form at the same moment: the other one made it.
        made = _incident_for_token(request.user, token)
        if made is None:
            raise
        return made
    return incident


def _incident_for_token(user, token) -> Incident | None:
    token = _uuid(token)
    if token is None:
        return None
    own = selectors.incidents_reported_by(user)
    return own.filter(submission_token=token).only("pk").first()


def _incident_with_token(token: uuid.UUID | None) -> Incident | None:
    """Whoever's incident was filed with this token (the token is unique)."""
    return selectors.incident_filed_with_token(token)


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _positive_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _typed_text(data) -> str:
    return f"{data.get('summary', '')[:200]} {data.get('happened', '')[:2000]}".strip()


@require_GET
@login_required
def equipment_search(request):
    """Search the register by asset tag, room or name: radio options for the sheet."""
    form = EquipmentLookupForm(request.GET)
    context = {
        "results": form.results(request.user),
        "selected_equipment": form.selected(request.user),
        "searched": form.is_valid() and len(form.cleaned_data["equipment_query"].strip()) >= 2,
    }
    if request.htmx:
        return render(request, "incidents/portal/report.html#equipment-results", context)
    return render(request, "incidents/portal/equipment_search.html", {**context, "form": form})


@require_GET
@login_required
def confirmation(request, ref):
    incident = selectors.get_incident_for(request.user, ref)
    return render(request, "incidents/portal/confirmation.html", {"incident": incident})
