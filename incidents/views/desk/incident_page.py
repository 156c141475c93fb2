"""The staff incident page: what it shows for the desk and technicians alike, the
forms it offers while their moves are allowed, and the page again with a form that
did not validate."""

import hashlib
import json
from typing import cast

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import render
from django.utils import timezone

from accounts import roles
from helpdesk import cache
from incidents import selectors, targets, workflow
from incidents.caching import ARTICLE_SUGGESTIONS, ROTA_VISITS
from incidents.filters import STAFF_STATUS_LABELS
from incidents.forms.base import BaseForm
from incidents.forms.choices import light_choices
from incidents.forms.desk import (
    THIN_ANSWER,
    AcceptForm,
    CloseForm,
    DeskMessageForm,
    DetailsForm,
    HandOverForm,
    KnowledgeSearchForm,
    LinkProblemForm,
    NoteForm,
    ReturnForm,
    VersionedForm,
    place_initial,
)
from incidents.forms.requests import call_rows
from incidents.forms.rota import RotaTechnicianForm, visit_choices
from incidents.forms.sheet import answer_rows, ask_again
from incidents.history import workarounds_in
from incidents.models import (
    ClosureCode,
    Impact,
    Incident,
    Priority,
    TriedToRepeat,
    Urgency,
    priority_for,
)
from incidents.priority_set import priority_is_set
from incidents.targets import format_target, target_clocks

from ..access import back_to, no_longer_offered
from ..technician.actions import technician_panel_context


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
    if not sheet.tried_to_repeat:
        flags["tried_to_repeat"] = "Not answered."
    elif sheet.tried_to_repeat == TriedToRepeat.NOT_TRIED:
        flags["tried_to_repeat"] = "Not tried to repeat it."
    if not sheet.last_worked.strip():
        flags["last_worked"] = "Not said when it last worked."
    if sheet.available_to_discuss and not sheet.availability.strip():
        flags["availability"] = "Available to talk, but not said when."
    return flags


def sheet_of(incident: Incident):
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


def offered_visits(incident: Incident) -> list[tuple[str, str]]:
    """The next scheduled visits at the call's school as the technician request offers
    them, kept per school and day in the shared cache (topic `rota-visits`: any change
    to the rota, a calendar or the school's technicians builds them again). A POST
    checks its choice against the rota read afresh (`views.desk.assignment`)."""

    def build() -> list[tuple[str, str]]:
        return visit_choices(selectors.rota_visits_for(incident))

    if not cache.is_shared():
        return build()
    day = timezone.localdate().isoformat()
    return cache.cached(ROTA_VISITS, f"{incident.school_id}.{day}", build)


def suggested_articles(incident: Incident, sheet) -> list:
    """The published articles that might match the call's sheet (its summary, what
    happened, the kind of equipment), kept in the shared cache for those words at
    the call's school (topic `article-suggestions`: a change to any article, or the
    school's organisation, builds them again)."""
    words = incident.summary + " " + (sheet.happened if sheet else "")
    kind = incident.equipment.kind if incident.equipment_id else ""

    def build() -> list:
        return selectors.matching_articles(
            None, text=words, equipment_kind=kind, school=incident.school
        )

    if not cache.is_shared():
        return build()
    searched = " ".join(selectors.search_words(words))
    part = hashlib.sha1(
        f"{incident.school_id}|{kind}|{searched}".encode(), usedforsecurity=False
    ).hexdigest()
    return cache.cached(ARTICLE_SUGGESTIONS, part, build)


def _place_form(form_class, prefix: str, incident: Incident):
    form = form_class(prefix=prefix, initial=place_initial(incident), school=incident.school)
    # The rooms of the incident's site, not the whole school's list (a posted room at
    # another site is still checked against the site chosen).
    rooms = cast(forms.ModelChoiceField, form.fields["room"])
    rooms.queryset = rooms.queryset.filter(site_id=incident.site_id)
    return form


def _action_forms(incident: Incident, sheet, flags: dict, can: dict) -> dict:
    """The forms of the moves allowed now: the page shows no other (`FORM_MOVES`)."""
    version = {"version": incident.version}
    school = incident.school

    def close_form():
        initial = {**version, "resolution": incident.resolution}
        if incident.working_again_at:
            initial["code"] = ClosureCode.RESOLVED_ITSELF
        elif incident.resolution_kind == "workaround":
            initial["code"] = ClosureCode.WORKAROUND
        return CloseForm(prefix="close", initial=initial, incident=incident)

    def technician_form():
        return RotaTechnicianForm(
            prefix="technician",
            school=school,
            initial={
                **version,
                "technician": incident.assignee_id,
                "visit_date": incident.visit_date,
            },
            offered=offered_visits(incident),
        )

    builders = {
        "question": lambda: ReturnForm(
            prefix="question", initial={**version, "question": ask_again(flags)}
        ),
        "accept": lambda: _place_form(AcceptForm, "accept", incident),
        "details": lambda: _place_form(DetailsForm, "details", incident),
        "ownership": lambda: VersionedForm(prefix="ownership", initial=version),
        "hand_over": lambda: HandOverForm(prefix="hand_over", initial=version, school=school),
        "technician": technician_form,
        "message": lambda: DeskMessageForm(prefix="message"),
        "note": lambda: NoteForm(prefix="note"),
        "close": close_form,
        "problem": lambda: LinkProblemForm(
            prefix="problem", initial={"title": incident.summary}, school=school
        ),
    }
    return {name: build() for name, build in builders.items() if can[FORM_MOVES[name]]}


def staff_detail_context(request, incident: Incident, *, invalid: dict | None = None) -> dict:
    """Everything the staff incident page shows, for the desk and technicians alike.

    `invalid` carries a form that did not validate, to show with its messages.
    The owner's unread technician updates are marked read by a POST the page
    sends when it opens (a GET never writes).
    """
    user = request.user
    unread_for_me = incident.owner_unread and incident.owner_id == user.pk
    can = workflow.allowed_moves(user, incident)
    sheet = sheet_of(incident)
    flags = sheet_flags(sheet)
    forms = _action_forms(incident, sheet, flags, can)
    forms.update(invalid or {})
    kb_form = KnowledgeSearchForm(request.GET or None)
    kb_query = kb_form.cleaned_data["kb"].strip() if kb_form.is_valid() else ""
    if kb_query:
        suggestions = selectors.matching_articles(
            user, text=kb_query, limit=10, school=incident.school
        )
    else:
        suggestions = suggested_articles(incident, sheet)
    linked = list(incident.knowledge_articles.all())
    linked_ids = {article.pk for article in linked}
    history = []
    if incident.equipment is not None:
        history = list(
            selectors.recent_incidents_for_equipment(
                incident.equipment, exclude_pk=incident.pk
            ).select_related("reporter")[:5]
        )
    is_desk = roles.has_role(user, roles.Role.DESK, incident.school_id)
    log = list(selectors.call_log_for(user, incident))
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
        "sheet_rows": call_rows(incident) if incident.is_request else answer_rows(sheet, flags),
        "sheet_flags": flags,
        "targets": target_clocks(incident),
        "visit_warning": (
            visit_warning(incident)
            if targets.visit_after_target(incident, incident.visit_date)
            else ""
        ),
        "log": log,
        # From the log already read: the whole log, since the page is for the
        # school's staff (anyone else reads the call's own query).
        "workaround_history": (
            workarounds_in(log)
            if roles.is_staff_at(user, incident.school_id)
            else incident.workaround_history
        ),
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
        "priority_set": priority_is_set(incident),
        "priority_labels": json.dumps(labels),
        "can_close_resolved_itself": can["close"] and incident.working_again_at is not None,
        "can_hand_over": can["hand_over"],
    }
    # The technicians' part of the page, built by their views; its diagnostics and
    # consultations are the page's too.
    context.update(technician_panel_context(request, incident, can))
    # The forms' choice lists: one plain query each, shared by the forms that offer
    # the same list (the accept and details forms' places, the hand-over's desk).
    light_choices(
        *forms.values(), *(f for f in context["tech"].values() if isinstance(f, BaseForm))
    )
    context["diagnostics"] = context["tech"]["diagnostics"]
    context["consultations"] = context["tech"]["consultations"]
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


def show_invalid(request, incident: Incident, name: str, form):
    """The incident page again, as it is now, the form open with what was typed and why
    it failed. When someone else's change means the form is no longer offered (the call
    moved on), its messages go to the top of the page instead."""
    incident = incident_for(request, incident.reference)
    if no_longer_offered(request, incident, FORM_MOVES[name], form):
        return back_to(incident)
    context = staff_detail_context(request, incident, invalid={name: form})
    context["open_form"] = name
    return render(request, "incidents/staff/detail.html", context, status=400)


def incident_for(request, ref: str) -> Incident:
    """The incident by reference, or 404 (the decorators have checked the role):
    the calls of the schools the person serves."""
    return selectors.get_incident_for(request.user, ref, as_staff=True)
