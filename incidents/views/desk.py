"""The service desk: the call log (queue), triage of new sheets, ownership,
technician requests, communication, closure, filing and bulk actions.

Every page is for the desk (`desk_required`, a 403 for anyone else) except the
staff incident page, whose context is built here for all support staff, and the
printable sheet, which support staff may print (anyone else: 404). Each action
reads top to bottom: access → form → workflow move → redirect; a form that does
not validate shows the incident page again with the message next to the field.
"""

import csv
import json
import uuid
from datetime import datetime
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from helpdesk.spreadsheet import formula_safe
from incidents import selectors, targets, workflow
from incidents.filters import (
    AT_RISK,
    BREACHED,
    OPEN,
    SORTS,
    STAFF_STATUS_LABELS,
    QueueFilter,
    queue_queryset,
)
from incidents.forms.desk import (
    THIN_ANSWER,
    AcceptForm,
    BulkForm,
    CloseForm,
    DeskMessageForm,
    DetailsForm,
    HandOverForm,
    KnowledgeSearchForm,
    LinkArticleForm,
    LinkProblemForm,
    LogCallForm,
    NoteForm,
    ReturnForm,
    TechnicianForm,
    VersionedForm,
    place_initial,
)
from incidents.forms.sheet import answer_rows, ask_again
from incidents.models import (
    ClosureCode,
    DiagnosticEntry,
    Impact,
    Incident,
    Priority,
    Status,
    TriedToRepeat,
    Urgency,
    parse_reference,
    priority_for,
)
from incidents.targets import format_duration, format_target, target_clocks

from .access import (
    back_to,
    desk_required,
    no_longer_offered,
    posted_version,
    run_move,
    support_required,
)

PAGE_SIZE = 50
DEFAULT_QUEUE = "state=open"
OPEN_STATUSES = [s for s in Status.values if s != Status.CLOSED]

# ================================================================= the call log (queue)


def _queue_params(request) -> QueryDict:
    """The filters in the address (blank states dropped); with none at all, the open calls."""
    if not request.GET:
        return QueryDict(DEFAULT_QUEUE)
    params = request.GET.copy()
    params.setlist("state", [value for value in params.getlist("state") if value])
    return params


def _queue_filter(request, params: QueryDict, *, latest: bool = True) -> QueueFilter:
    """The queue's filter set; `latest=False` leaves out each row's latest entry."""
    now = timezone.now()
    queryset = queue_queryset(now, latest=latest)
    return QueueFilter(params, queryset=queryset, request=request, now=now)


def _state_counts(filterset: QueueFilter) -> dict:
    """Open calls per state under the other filters, with how many are at risk or breached.

    Closed calls are not counted: their number grows without end and the desk's
    work is the open ones (the Closed tab lists them).
    """
    rows = (
        filterset.queryset_without("state", "sort")
        .filter(status__in=OPEN_STATUSES)
        .alias(count_state=targets.call_state_expression(filterset.now))
        .order_by()
        .values("status")
        .annotate(
            n=Count("id"),
            breached=Count("id", filter=Q(count_state=BREACHED)),
            at_risk=Count("id", filter=Q(count_state=AT_RISK)),
        )
    )
    by_state = {row["status"]: row for row in rows}
    states = [
        {"value": value, "label": label, "n": by_state.get(value, {}).get("n", 0)}
        for value, label in STAFF_STATUS_LABELS.items()
        if value != Status.CLOSED
    ]
    return {
        "states": states,
        "open": sum(s["n"] for s in states),
        "breached": sum(row["breached"] for row in by_state.values()),
        "at_risk": sum(row["at_risk"] for row in by_state.values()),
    }


def _sort_links(params: QueryDict) -> dict[str, str]:
    """For each sortable column, the sort its header asks for next (a second click reverses)."""
    current = params.get("sort", "")
    return {column: f"-{column}" if current == column else column for column in SORTS}


@require_GET
@desk_required
def queue(request):
    """Every incident with its latest call-log entry, filtered by the address.

    An htmx request from the filter form gets only the table; bad filter values
    answer 400 with the form's messages and no rows (an htmx request gets them
    with 200, so the table shows the messages).
    """
    params = _queue_params(request)
    filterset = _queue_filter(request, params)
    valid = filterset.is_valid()
    rows = filterset.qs if valid else Incident.objects.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for incident in page.object_list:
        incident.age = format_duration(filterset.now - incident.created_at)
    partial = bool(request.htmx) and request.htmx.target == "queue-table"
    context = {
        "filter": filterset,
        "params": params,
        "page": page,
        "valid": valid,
        "counts": _state_counts(filterset) if valid else {},
        "current_states": params.getlist("state"),
        "sort": params.get("sort", ""),
        "sort_links": _sort_links(params),
        "bulk_form": BulkForm(prefix="bulk"),
        "next": request.get_full_path(),
        "now": filterset.now,
        "BREACHED": BREACHED,
        "AT_RISK": AT_RISK,
        "PAUSED": targets.PAUSED,
        "OPEN": OPEN,
    }
    template = "incidents/desk/queue.html" + ("#queue-table" if partial else "")
    response = render(request, template, context, status=200 if valid or partial else 400)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


class _Echo:
    def write(self, value):
        return value


csv_safe = formula_safe  # the name the tests import


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


EXPORT_COLUMNS = [
    "Reference",
    "Reported",
    "Summary",
    "Reporter",
    "Site",
    "Room",
    "Equipment",
    "Category",
    "Priority",
    "State",
    "Owner",
    "Technician",
    "Response due",
    "Resolution due",
    "Target",
    "Resolved",
    "Closed",
    "Closure code",
    "Resolution",
]


def _export_row(incident: Incident) -> list[str]:
    target = targets.LABELS[incident.target_state]  # type: ignore[attr-defined]
    row = [
        incident.reference,
        _when(incident.created_at),
        incident.summary,
        incident.reporter.display_name,
        incident.site.name,
        incident.room.name if incident.room_id else "",
        str(incident.equipment) if incident.equipment_id else incident.equipment_description,
        incident.category.name if incident.category_id else "",
        incident.get_priority_display(),
        STAFF_STATUS_LABELS[incident.status],
        incident.owner.display_name if incident.owner_id else "",
        incident.assignee.display_name if incident.assignee_id else "",
        _when(incident.response_due_at),
        _when(incident.resolution_due_at),
        target,
        _when(incident.resolved_at),
        _when(incident.closed_at),
        incident.get_closure_code_display() if incident.closure_code else "",
        incident.resolution,
    ]
    return [csv_safe(cell) for cell in row]


@require_GET
@desk_required
def export_csv(request):
    """Exactly the filtered list (all its pages), as CSV. Internal notes stay out."""
    params = _queue_params(request)
    filterset = _queue_filter(request, params, latest=False)
    if not filterset.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in filterset.form.errors.items()
        )
        return HttpResponseBadRequest(
            f"The filters were not understood: {problems}", content_type="text/plain"
        )
    writer = csv.writer(_Echo())
    rows = filterset.qs
    # Ask the database once before answering: once streaming has begun, an error
    # can only cut the file short, and a cut file looks like a complete, shorter one.
    rows.exists()

    def lines():
        yield "\ufeff"  # spreadsheets then read the file as UTF-8
        yield writer.writerow(EXPORT_COLUMNS)
        for incident in rows.iterator(chunk_size=1000):
            yield writer.writerow(_export_row(incident))

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="call-log-{stamp}.csv"'
    return response


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
    form = BulkForm(request.POST, prefix="bulk")
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
    found = {incident.pk: incident for incident in Incident.objects.filter(pk__in=ids)}
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


# ================================================================= the staff incident page


def visit_warning(incident: Incident) -> str:
    """What the desk reads when a booked visit falls after the resolution target."""
    due = timezone.localtime(incident.resolution_due_at)
    return (
        f"The technician's visit on {incident.visit_date:%A %d %B} is after the resolution "
        f"target ({due:%A %d %B, %H:%M}): the call will breach unless it is resolved sooner."
    )


def sheet_flags(sheet) -> dict[str, str]:
    """The answers missing or too thin to act on, by field, with why."""
    if sheet is None:
        return {}
    flags = {}
    for field in ("expected", "happened"):
        value = getattr(sheet, field).strip()
        if not value:
            flags[field] = "Missing."
        elif len(value) < THIN_ANSWER:
            flags[field] = "Too thin to act on."
    if not sheet.checked.strip():
        flags["checked"] = "Nothing checked."
    if sheet.tried_to_repeat == TriedToRepeat.NOT_TRIED:
        flags["tried_to_repeat"] = "Not tried to repeat it."
    if not sheet.last_worked.strip():
        flags["last_worked"] = "Not said when it last worked."
    if sheet.available_to_discuss and not sheet.availability.strip():
        flags["availability"] = "Available to talk, but not said when."
    return flags


def _sheet_of(incident: Incident):
    try:
        return incident.sheet
    except ObjectDoesNotExist:
        return None


def priority_matrix() -> list[dict]:
    """Impact × urgency → priority with its targets, for the accept form."""
    rules = targets.rules()
    rows = []
    for impact in Impact:
        cells = []
        for urgency in Urgency:
            priority = priority_for(impact, urgency)
            rule = rules[priority]
            school = rule.counts_school_hours
            cells.append(
                {
                    "priority": priority,
                    "response": format_target(rule.response_minutes, school),
                    "resolution": format_target(rule.resolution_minutes, school),
                }
            )
        rows.append({"impact": impact.label, "cells": cells})
    return rows


def _action_forms(incident: Incident, sheet, flags: dict) -> dict:
    version = {"version": incident.version}
    question = ask_again(flags)
    close_initial = {**version, "resolution": incident.resolution}
    if incident.working_again_at:
        close_initial["code"] = ClosureCode.RESOLVED_ITSELF
    elif incident.resolution_kind == "workaround":
        close_initial["code"] = ClosureCode.WORKAROUND
    accept = AcceptForm(prefix="accept", initial=place_initial(incident))
    details = DetailsForm(prefix="details", initial=place_initial(incident))
    for form in (accept, details):
        # The rooms of the incident's site, not the whole school's list (a posted
        # room at another site is still checked against the site chosen).
        rooms = cast(forms.ModelChoiceField, form.fields["room"])
        rooms.queryset = rooms.queryset.filter(site_id=incident.site_id)
    return {
        "question": ReturnForm(prefix="question", initial={**version, "question": question}),
        "accept": accept,
        "details": details,
        "ownership": VersionedForm(prefix="ownership", initial=version),
        "hand_over": HandOverForm(prefix="hand_over", initial=version),
        "technician": TechnicianForm(
            prefix="technician",
            initial={
                **version,
                "technician": incident.assignee_id,
                "visit_date": incident.visit_date,
            },
        ),
        "message": DeskMessageForm(prefix="message"),
        "note": NoteForm(prefix="note"),
        "close": CloseForm(prefix="close", initial=close_initial, incident=incident),
        "problem": LinkProblemForm(prefix="problem", initial={"title": incident.summary}),
    }


def _technician_panel(request, incident: Incident) -> dict:
    """The technicians' part of the page, built by their views."""
    from . import technician

    build = getattr(technician, "technician_panel_context", None)
    return build(request, incident) if build else {}


def staff_detail_context(request, incident: Incident, *, invalid: dict | None = None) -> dict:
    """Everything the staff incident page shows, for the desk and technicians alike.

    `invalid` carries a form that did not validate, to show with its messages.
    The owner's unread technician updates are marked read by a POST the page
    sends when it opens (a GET never writes).
    """
    user = request.user
    unread_for_me = incident.owner_unread and incident.owner_id == user.pk
    can = workflow.allowed_moves(user, incident)
    sheet = _sheet_of(incident)
    flags = sheet_flags(sheet)
    forms = _action_forms(incident, sheet, flags)
    forms.update(invalid or {})
    kb_form = KnowledgeSearchForm(request.GET or None)
    kb_query = kb_form.cleaned_data["kb"].strip() if kb_form.is_valid() else ""
    if kb_query:
        suggestions = selectors.matching_articles(text=kb_query, limit=10)
    else:
        words = incident.summary + " " + (sheet.happened if sheet else "")
        kind = incident.equipment.kind if incident.equipment_id else ""
        suggestions = selectors.matching_articles(text=words, equipment_kind=kind)
    linked = list(incident.knowledge_articles.all())
    linked_ids = {article.pk for article in linked}
    history = []
    if incident.equipment is not None:
        history = list(
            selectors.recent_incidents_for_equipment(
                incident.equipment, exclude_pk=incident.pk
            ).select_related("reporter")[:5]
        )
    is_desk = roles.is_desk(user)
    matrix = priority_matrix() if is_desk and (can["accept"] or can["update_details"]) else []
    labels = {
        str(cell["priority"]): f"{Priority(cell['priority']).label} · respond within "
        f"{cell['response']}, resolve within {cell['resolution']}"
        for row in matrix
        for cell in row["cells"]
    }
    context = {
        "incident": incident,
        "unread_for_me": unread_for_me,
        "status_label": STAFF_STATUS_LABELS[incident.status],
        "sheet": sheet,
        "sheet_rows": answer_rows(sheet, flags),
        "sheet_flags": flags,
        "targets": target_clocks(incident),
        "visit_warning": (
            visit_warning(incident)
            if targets.visit_after_target(incident, incident.visit_date)
            else ""
        ),
        "log": selectors.call_log_for(user, incident),
        "attachments": list(incident.attachments.all()),
        "can": can,
        "is_desk": is_desk,
        "forms": forms,
        "kb_form": kb_form,
        "kb_query": kb_query,
        "linked_articles": linked,
        "suggested_articles": [a for a in suggestions if a.pk not in linked_ids],
        "equipment_history": history,
        "priority_matrix": matrix,
        "priority_labels": json.dumps(labels),
        "can_close_resolved_itself": can["close"] and incident.working_again_at is not None,
        "can_hand_over": can["hand_over"],
    }
    context.update(_technician_panel(request, incident))
    if "tech" not in context:
        context["diagnostics"] = list(incident.diagnostics.select_related("author"))
        context["consultations"] = list(incident.consultations.select_related("group", "contact"))
    else:
        context["diagnostics"] = context["tech"].get("diagnostics", [])
        context["consultations"] = context["tech"].get("consultations", [])
    return context


# The move each of the page's forms makes: the page shows a form only while its move
# is allowed.
FORM_MOVES = {
    "question": "return_to_user",
    "accept": "accept",
    "details": "update_details",
    "ownership": "take_ownership",
    "hand_over": "hand_over",
    "technician": "request_technician",
    "message": "message_reporter",
    "note": "note",
    "close": "close",
    "problem": "link_problem",
}


def _invalid(request, incident: Incident, name: str, form):
    """The incident page again, as it is now, the form open with what was typed and why
    it failed. When someone else's change means the form is no longer offered (the call
    moved on), its messages go to the top of the page instead."""
    incident = _incident(request, incident.reference)
    if no_longer_offered(request, incident, FORM_MOVES[name], form):
        return back_to(incident)
    context = staff_detail_context(request, incident, invalid={name: form})
    context["open_form"] = name
    return render(request, "incidents/staff/detail.html", context, status=400)


def _incident(request, ref: str) -> Incident:
    """The incident by reference, or 404 (the decorators have checked the role)."""
    return selectors.get_incident_for(request.user, ref)


# ================================================================= triage


@require_POST
@desk_required
def return_to_user(request, ref):
    """The sheet is incomplete: ask the user (the clock waits for the answer)."""
    incident = _incident(request, ref)
    form = ReturnForm(request.POST, prefix="question")
    if not form.is_valid():
        return _invalid(request, incident, "question", form)
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
        return _invalid(request, incident, "question", form)
    return back_to(incident)


@require_POST
@desk_required
def accept(request, ref):
    """Accept the sheet and log it: category, impact × urgency → priority and targets."""
    incident = _incident(request, ref)
    form = AcceptForm(request.POST, prefix="accept")
    if not form.is_valid():
        return _invalid(request, incident, "accept", form)
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
        return _invalid(request, incident, "accept", form)
    return back_to(incident)


@require_POST
@desk_required
def update_details(request, ref):
    incident = _incident(request, ref)
    form = DetailsForm(request.POST, prefix="details")
    if not form.is_valid():
        return _invalid(request, incident, "details", form)
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
        return _invalid(request, incident, "details", form)
    return back_to(incident)


@require_POST
@desk_required
def link_article(request, ref):
    """Link a knowledge article found for this incident; say if its fix was applied."""
    incident = _incident(request, ref)
    form = LinkArticleForm(request.POST, prefix="knowledge")
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


# ================================================================= ownership and technicians


@require_POST
@desk_required
def take_ownership(request, ref):
    incident = _incident(request, ref)
    form = VersionedForm(request.POST, prefix="ownership")
    if not form.is_valid():
        return _invalid(request, incident, "ownership", form)
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
        return _invalid(request, incident, "ownership", form)
    return back_to(incident)


@require_POST
@desk_required
def hand_over(request, ref):
    incident = _incident(request, ref)
    form = HandOverForm(request.POST, prefix="hand_over")
    if not form.is_valid():
        return _invalid(request, incident, "hand_over", form)
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
        return _invalid(request, incident, "hand_over", form)
    return back_to(incident)


@require_POST
@desk_required
def request_technician(request, ref):
    """Pass the call to a technician or the pool, with a note and a visit date."""
    incident = _incident(request, ref)
    form = TechnicianForm(request.POST, prefix="technician")
    if not form.is_valid():
        return _invalid(request, incident, "technician", form)
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
        return _invalid(request, incident, "technician", form)
    if moved is not None and targets.visit_after_target(moved, data["visit_date"]):
        messages.warning(request, visit_warning(moved))
    return back_to(incident)


# ================================================================= communication


@require_POST
@support_required
def message_user(request, ref):
    """A message to the user: in the public call log and in their inbox."""
    incident = _incident(request, ref)
    form = DeskMessageForm(request.POST, prefix="message")
    if not form.is_valid():
        return _invalid(request, incident, "message", form)
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
        return _invalid(request, incident, "message", form)
    return back_to(incident)


@require_POST
@support_required
def add_note(request, ref):
    """An internal note: support staff only, never shown to the user."""
    incident = _incident(request, ref)
    form = NoteForm(request.POST, prefix="note")
    if not form.is_valid():
        return _invalid(request, incident, "note", form)
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
        return _invalid(request, incident, "note", form)
    return back_to(incident)


# ================================================================= closure and problems


@require_POST
@desk_required
def close(request, ref):
    """Close with a closure code; the user is told the resolution."""
    incident = _incident(request, ref)
    form = CloseForm(request.POST, prefix="close", incident=incident)
    if not form.is_valid():
        return _invalid(request, incident, "close", form)
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
        return _invalid(request, incident, "close", form)
    return back_to(incident)


@require_POST
@desk_required
def link_problem(request, ref):
    """Escalate into problem management, an existing problem or a new one: the same
    path as the technician's (the workaround first, or why there is none)."""
    incident = _incident(request, ref)
    form = LinkProblemForm(request.POST, prefix="problem")
    if not form.is_valid():
        return _invalid(request, incident, "problem", form)
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
        return _invalid(request, incident, "problem", form)
    if problem is not None:
        messages.success(request, f"Escalated into {problem.reference}.")
    return back_to(incident)


# ================================================================= a call for a user


@require_http_methods(["GET", "POST"])
@desk_required
def log_call(request):
    """File a sheet for someone who phoned, e-mailed or came to the desk."""
    form = LogCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident, created = _file_call(request, form)
        except workflow.NotAllowed:
            # This copy of the form already filed a call for someone else: keep
            # what was typed, with a fresh token so that sending it again files it.
            form = LogCallForm(_with_new_token(request.POST))
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


# ================================================================= filing: printable sheets


def _printable(queryset):
    diagnostics = DiagnosticEntry.objects.select_related("author").order_by("performed_at", "id")
    return queryset.select_related(
        "reporter",
        "entered_by",
        "site",
        "room",
        "equipment",
        "category",
        "owner",
        "assignee",
        "received_by",
        "resolved_by",
        "closed_by",
        "duplicate_of",
        "problem",
        "sheet",
    ).prefetch_related(
        Prefetch("diagnostics", queryset=diagnostics),
        "consultations__group",
        "knowledge_articles",
    )


@require_GET
@login_required
def print_sheet(request, ref):
    """The paper record: the incident sheet and its diagnostics sheet on one page."""
    if not roles.is_support_staff(request.user):
        raise Http404("No such incident.")
    pk = parse_reference("INC", ref)
    incident = _printable(Incident.objects.filter(pk=pk)).first() if pk else None
    if incident is None:
        raise Http404("No such incident.")
    return render(request, "incidents/desk/print.html", {"sheets": [_print_item(incident)]})


@require_GET
@desk_required
def print_selection(request):
    """Several incidents' sheets, each on its own page (`?ids=1,2,3` or INC references)."""
    wanted = []
    for value in request.GET.getlist("ids"):
        for part in value.split(","):
            pk = parse_reference("INC", part)
            if pk is not None and pk not in wanted:
                wanted.append(pk)
    wanted = wanted[:200]
    found = {i.pk: i for i in _printable(Incident.objects.filter(pk__in=wanted))}
    sheets = [_print_item(found[pk]) for pk in wanted if pk in found]
    if not sheets:
        raise Http404("Nothing to print.")
    return render(request, "incidents/desk/print.html", {"sheets": sheets})


def _print_item(incident: Incident) -> dict:
    sheet = _sheet_of(incident)
    diagnostics = list(incident.diagnostics.all())
    return {
        "incident": incident,
        "sheet_rows": answer_rows(sheet),
        "diagnostics": diagnostics,
        "minutes_total": sum(d.minutes_spent for d in diagnostics),
        "consultations": list(incident.consultations.all()),
        "articles": list(incident.knowledge_articles.all()),
    }


@require_POST
@desk_required
def mark_read(request, ref):
    """The owner has seen the technicians' latest updates (sent when the page opens)."""
    incident = _incident(request, ref)
    workflow.incident_mark_read(incident=incident, by=request.user)
    if request.htmx:
        return HttpResponse(status=204)
    return back_to(incident)
