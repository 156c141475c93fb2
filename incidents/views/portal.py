"""The user's side: file an incident sheet, follow it, answer the desk, read the resolution.

Every incident, attachment and notification is looked up through a scoped getter,
so someone else's is a 404. Each action is a POST that runs one workflow move and
redirects to the incident's page; a form with bad input is shown again with the
message next to the field and everything typed kept.
"""

import uuid
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from incidents import selectors, workflow
from incidents.forms.portal import (
    AnswerForm,
    ArticleSearchForm,
    AttachForm,
    EquipmentLookupForm,
    HelpForm,
    IncidentFilterForm,
    IncidentReportForm,
    ReopenForm,
    UserMessageForm,
    WorkingAgainForm,
)
from incidents.forms.sheet import SheetForm, answer_rows
from incidents.models import Incident, KnowledgeArticle, Status, format_reference

from .access import back_to, no_longer_offered, posted_version, run_move

PAGE_SIZE = 20
RECENT_DAYS = 90

# ---------------------------------------------------------------- filing a sheet


@require_http_methods(["GET", "POST"])
@login_required
def report(request):
    """The incident sheet. One submission token per rendered form: one incident."""
    if request.method == "POST":
        already = _incident_for_token(request.user, request.POST.get("submission_token"))
        if already is not None:
            return redirect("incidents:confirmation", ref=already.reference)
        form = IncidentReportForm(request.POST, request.FILES)
        sheet_form = SheetForm(request.POST)
        if all([form.is_valid(), sheet_form.is_valid()]):
            incident = _file(request, form, sheet_form)
            return redirect("incidents:confirmation", ref=incident.reference)
        files_dropped = bool(request.FILES.getlist("photos"))
        help_context = _help_context(form.cleaned_data.get("equipment"), _typed_text(request.POST))
        selected = form.cleaned_data.get("equipment")
    else:
        site_id = _positive_int(request.GET.get("site"))
        form = IncidentReportForm(site_id=site_id, initial={"site": site_id} if site_id else {})
        if request.htmx and "site" in request.GET:
            return render(request, "incidents/portal/report.html#room-field", {"form": form})
        sheet_form = SheetForm()
        help_context, selected = {}, None
        files_dropped = False
    return render(
        request,
        "incidents/portal/report.html",
        {
            "form": form,
            "sheet_form": sheet_form,
            "selected_equipment": selected,
            "files_dropped": files_dropped,
            **help_context,
        },
    )


def _file(request, form, sheet_form) -> Incident:
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
            photos=data["photos"],
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
    try:
        token = uuid.UUID(str(token))
    except (TypeError, ValueError):
        return None
    return Incident.objects.filter(submission_token=token, reporter=user).only("pk").first()


def _positive_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _typed_text(data) -> str:
    return f"{data.get('summary', '')[:200]} {data.get('happened', '')[:2000]}".strip()


def _help_context(equipment, text: str) -> dict:
    """What might save a call: the equipment's recent history and matching articles."""
    context = {"help_shown": True, "help_equipment": equipment, "articles": []}
    if equipment is not None:
        recent = selectors.recent_incidents_for_equipment(equipment, days=RECENT_DAYS).aggregate(
            count=Count("pk"), last=Max("created_at")
        )
        context["recent_count"] = recent["count"]
        context["recent_last"] = recent["last"]
        context["recent_days"] = RECENT_DAYS
    context["articles"] = selectors.matching_articles(
        text=text, equipment_kind=equipment.kind if equipment else ""
    )
    return context


@require_GET
@login_required
def report_help(request):
    """The help panel, refreshed while the sheet is filled in (htmx) or on its own."""
    form = HelpForm(request.GET)
    context = _help_context(form.equipment_object(), form.text())
    if request.htmx:
        return render(request, "incidents/portal/report.html#help", context)
    return render(request, "incidents/portal/help.html", context)


@require_GET
@login_required
def equipment_search(request):
    """Search the register by asset tag, room or name: radio options for the sheet."""
    form = EquipmentLookupForm(request.GET)
    context = {
        "results": form.results(),
        "selected_equipment": form.selected(),
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


# ---------------------------------------------------------------- following it


@require_GET
@login_required
def my_incidents(request):
    """The person's own incidents, newest first; support staff see their own here too."""
    form = IncidentFilterForm(request.GET)
    state = form.chosen()
    own = Incident.objects.filter(reporter=request.user)
    counts = own.aggregate(
        open=Count("pk", filter=~Q(status=Status.CLOSED)),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
    )
    listed = own.select_related("site", "room", "equipment").only(
        "summary",
        "status",
        "created_at",
        "updated_at",
        "equipment_description",
        "site__name",
        "room__name",
        "equipment__asset_tag",
        "equipment__name",
    )
    if state == "open":
        listed = listed.exclude(status=Status.CLOSED)
    elif state == "closed":
        listed = listed.filter(status=Status.CLOSED)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/portal/my_incidents.html",
        {
            "page": page,
            "state": state,
            "counts": counts,
            "total": counts["open"] + counts["closed"],
            "page_query": urlencode({"state": state}) + "&" if state else "",
        },
    )


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
    reopen_until = None
    if incident.status == Status.RESOLVED and incident.resolved_at:
        reopen_until = incident.resolved_at + timedelta(days=settings.REOPEN_WINDOW_DAYS)
    return {
        "incident": incident,
        "sheet_rows": answer_rows(getattr(incident, "sheet", None)),
        "attachments": list(incident.attachments.all()),
        "log": log,
        "question": _question_text(question) if incident.waits_for_user else "",
        "can": can,
        "show_resolution": incident.status in (Status.RESOLVED, Status.CLOSED)
        and incident.resolution,
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


# ---------------------------------------------------------------- notifications


@require_GET
@login_required
def notification_list(request):
    listed = selectors.notifications_for(request.user).only(
        "subject", "body", "created_at", "read_at", "incident", "event"
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "incidents/portal/notifications.html", {"page": page})


@require_POST
@login_required
def notification_open(request, pk):
    """Mark it read and go to what it is about."""
    notification = selectors.notifications_for(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404("No such notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if notification.incident_id:
        return redirect("incidents:detail", ref=format_reference("INC", notification.incident_id))
    return redirect("incidents:notifications")


@require_POST
@login_required
def notifications_read_all(request):
    marked = (
        selectors.notifications_for(request.user)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    if marked:
        messages.success(request, "All notifications are marked as read.")
    return redirect("incidents:notifications")


# ---------------------------------------------------------------- knowledge


def _articles_for(user):
    """Users read published articles; support staff see drafts too."""
    if roles.is_support_staff(user):
        return KnowledgeArticle.objects.all()
    return selectors.published_articles()


@require_GET
@login_required
def article_list(request):
    form = ArticleSearchForm(request.GET)
    articles = _articles_for(request.user).select_related("category")
    for word in form.words():
        articles = articles.filter(
            Q(title__icontains=word)
            | Q(symptoms__icontains=word)
            | Q(keywords__icontains=word)
            | Q(body__icontains=word)
        )
    articles = articles.order_by("title", "pk").only(
        "title", "kind", "symptoms", "is_published", "category__name"
    )
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/portal/article_list.html",
        {
            "form": form,
            "page": page,
            "searched": bool(form.words()),
            "page_query": urlencode({"q": form.cleaned_data["q"]}) + "&" if form.words() else "",
        },
    )


@require_GET
@login_required
def article_detail(request, pk):
    article = _articles_for(request.user).select_related("category").filter(pk=pk).first()
    if article is None:
        raise Http404("No such article.")
    return render(request, "incidents/portal/article_detail.html", {"article": article})
