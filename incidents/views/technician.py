"""The technician's side: my work and the pool, the visit list, the incident
diagnostics sheet, holds and resolutions, consultations with support groups and
escalation into problem management.

Every change is a move of `incidents.workflow`, which keeps the owning service
desk person informed. The incident actions answer on the incident's own address;
their GET shows the action's form on its own page (handy on a phone), their POST
makes the move and returns to the incident — or shows the form again, with what
was typed and the reason next to the field.
"""

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from incidents import selectors, workflow
from incidents.forms.technician import (
    CauseForm,
    ConsultationFilterForm,
    ConsultationUpdateForm,
    ConsultForm,
    DiagnosticForm,
    EscalateForm,
    HoldForm,
    ResolveForm,
    VisitForm,
)
from incidents.models import (
    TECHNICIAN_STATUSES,
    CallLogEntry,
    Consultation,
    ConsultationStatus,
    Incident,
    Status,
    SupportGroup,
)

from ..targets import TargetClock, headline_clock
from .access import back_to, posted_version, run_move, support_required, technician_required

SEEN_KEY = "technician_seen_at"
TECHNICIAN_WORK = TECHNICIAN_STATUSES
ORDERINGS = {
    "priority": [F("priority").asc(), F("resolution_due_at").asc(nulls_last=True), F("id").asc()],
    "site": [
        F("site__name").asc(),
        F("priority").asc(),
        F("resolution_due_at").asc(nulls_last=True),
    ],
    "due": [F("resolution_due_at").asc(nulls_last=True), F("priority").asc(), F("id").asc()],
}
POOL_LIMIT = 100
CHANGES_LIMIT = 50
VISIT_LIMIT = 300
PAGE_SIZE = 50


def _posted(request):
    """The submitted data on a POST (even an empty one), None on a GET."""
    return request.POST if request.method == "POST" else None


# ---------------------------------------------------------------- time to target


def time_to_target(incident: Incident, now) -> TargetClock:
    """The target that decides the call's state, with the time left or over."""
    return headline_clock(incident, now)


def _with_targets(incidents, now) -> list[Incident]:
    rows = list(incidents)
    for incident in rows:
        incident.target = time_to_target(incident, now)
    return rows


# ---------------------------------------------------------------- my work


def _work_rows(qs):
    return qs.select_related("site", "room", "equipment", "owner", "assignee")


def _seen_since(request, now) -> tuple[datetime, bool]:
    """When the technician last marked the changes as seen (else the last day)."""
    raw = request.session.get(SEEN_KEY)
    try:
        seen = datetime.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        seen = None
    if seen is None or seen > now:
        return now - timedelta(days=1), False
    return seen, True


@technician_required
@require_http_methods(["GET", "POST"])
def home(request):
    """Incidents passed to me and waiting in the pool, with time to target, and
    what others have done on my incidents since I last looked."""
    now = timezone.now()
    if request.method == "POST":
        request.session[SEEN_KEY] = now.isoformat()
        messages.success(request, "Marked as seen: only newer changes are listed now.")
        return redirect("incidents:tech_home")
    order = request.GET.get("order", "priority")
    if order not in ORDERINGS:
        order = "priority"
    work = Incident.objects.filter(status__in=TECHNICIAN_WORK)
    mine = _with_targets(
        _work_rows(work.filter(assignee=request.user)).order_by(*ORDERINGS[order]), now
    )
    pool = _with_targets(
        _work_rows(work.filter(assignee__isnull=True, status=Status.ASSIGNED)).order_by(
            *ORDERINGS[order]
        )[: POOL_LIMIT + 1],
        now,
    )
    since, marked = _seen_since(request, now)
    changes = list(
        CallLogEntry.objects.filter(incident__assignee=request.user, at__gt=since)
        .exclude(actor=request.user)
        .select_related("incident", "actor")
        .order_by("-at", "-id")[:CHANGES_LIMIT]
    )
    return render(
        request,
        "incidents/technician/home.html",
        {
            "order": order,
            "orders": [("priority", "Priority"), ("site", "Site"), ("due", "Time to target")],
            "mine": mine,
            "pool": pool[:POOL_LIMIT],
            "pool_more": len(pool) > POOL_LIMIT,
            "changes": changes,
            "since": since,
            "since_marked": marked,
            "today": timezone.localdate(),
        },
    )


# ---------------------------------------------------------------- visits


def _visits(request) -> dict:
    form = VisitForm(request.GET or None)
    today = timezone.localdate()
    if request.GET and not form.is_valid():
        return {"form": form, "incidents": [], "day": today, "site": None, "truncated": False}
    data = form.cleaned_data if form.is_bound else {}
    day = data.get("date") or today
    site = data.get("site")
    qs = Incident.objects.filter(status__in=TECHNICIAN_WORK, working_again_at__isnull=True)
    if data.get("undated"):
        qs = qs.filter(Q(visit_date=day) | Q(visit_date__isnull=True))
    else:
        qs = qs.filter(visit_date=day)
    if site is not None:
        qs = qs.filter(site=site)
    if data.get("mine"):
        qs = qs.filter(Q(assignee=request.user) | Q(assignee__isnull=True))
    incidents = list(
        qs.select_related("site", "room", "equipment", "reporter", "assignee", "sheet").order_by(
            "site__name", F("room__name").asc(nulls_last=True), "priority", "id"
        )[: VISIT_LIMIT + 1]
    )
    if not form.is_bound:
        form = VisitForm(initial={"date": today})
    return {
        "form": form,
        "incidents": _with_targets(incidents[:VISIT_LIMIT], timezone.now()),
        "truncated": len(incidents) > VISIT_LIMIT,
        "day": day,
        "site": site,
        "query": request.GET.urlencode(),
    }


@support_required
@require_GET
def visit_list(request):
    """The open calls waiting for a visit to a site on a day; "working again" drops off."""
    return render(request, "incidents/technician/visit_list.html", _visits(request))


@support_required
@require_GET
def visit_print(request):
    """The same list as a worksheet to take round the school, with room to write."""
    return render(request, "incidents/technician/visit_print.html", _visits(request))


# ---------------------------------------------------------------- the incident panel


def technician_panel_context(request, incident: Incident) -> dict:
    """What the technician's panel on the staff incident page needs, under `tech`.

    Two queries: the diagnostics sheet and the consultations.
    """
    user = request.user
    can = {name: workflow.can(user, name, incident) for name in workflow.MOVES}
    diagnostics = list(incident.diagnostics.select_related("author"))
    return {
        "tech": {
            "can_take": can["take"],
            "can_start": can["start"],
            "can_hold": can["hold"],
            "can_diagnose": can["diagnose"],
            "can_record_cause": can["record_cause"],
            "can_resolve": can["resolve"],
            "can_consult": can["consult"],
            "can_escalate": can["link_problem"],
            "diagnostics": diagnostics,
            "minutes_total": sum(entry.minutes_spent for entry in diagnostics),
            "consultations": list(incident.consultations.select_related("group", "contact")),
            "hold_form": HoldForm(initial={"version": incident.version}, auto_id="id_hold_%s"),
            "diagnostic_form": DiagnosticForm(auto_id="id_diag_%s"),
            "cause_form": CauseForm.for_incident(incident, auto_id="id_cause_%s"),
            "resolve_form": ResolveForm(
                initial={"version": incident.version}, auto_id="id_resolve_%s"
            ),
            "today": timezone.localdate(),
        }
    }


# ---------------------------------------------------------------- incident actions


def _incident_for_support(request, ref: str) -> Incident:
    """The incident if the person may see it (else 404), and only for support staff (403)."""
    incident = selectors.get_incident_for(request.user, ref)
    if not roles.is_support_staff(request.user):
        raise PermissionDenied
    return incident


def _attempt(request, incident: Incident, form, action) -> bool:
    """Run a move for a form (see `run_move`): True when it was made."""
    done = object()
    result = run_move(request, incident, lambda: action() or done, form=form)
    return result is not None and not form.errors


ACTIONS = {
    "hold": ("Put on hold", "Put on hold", "hold"),
    "diagnose": ("Add to the diagnostics sheet", "Add the entry", "diagnose"),
    "record_cause": ("Cause found, parts used and workaround", "Save", "record_cause"),
    "resolve": ("Resolve", "Resolve", "resolve"),
}


def _action_page(request, incident: Incident, form, action: str, status: int = 200):
    title, button, move = ACTIONS[action]
    fresh = Incident.objects.select_related("site", "room", "equipment", "assignee").get(
        pk=incident.pk
    )
    return render(
        request,
        "incidents/technician/action.html",
        {
            "incident": fresh,
            "form": form,
            "title": title,
            "button": button,
            "action_url": f"incidents:{action}",
            "possible": workflow.can(request.user, move, fresh),
        },
        status=status,
    )


@login_required
@require_POST
def take(request, ref):
    """Take a call from the pool. When several try at once, one gets it, the others are told."""
    incident = _incident_for_support(request, ref)
    try:
        workflow.incident_take(incident=incident, by=request.user, version=posted_version(request))
    except workflow.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except workflow.Conflict as error:
        current = error.current
        if current.assignee_id and current.assignee_id != request.user.pk:
            messages.error(
                request,
                f"{current.reference} was taken by {current.assignee} before you: it is theirs now.",
            )
        else:
            messages.error(request, str(error))
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{incident.reference} is yours.")
    return back_to(incident)


@login_required
@require_POST
def start(request, ref):
    incident = _incident_for_support(request, ref)
    run_move(
        request,
        incident,
        lambda: workflow.incident_start(
            incident=incident, by=request.user, version=posted_version(request)
        ),
        "Work started: the service desk has been told.",
    )
    return back_to(incident)


@login_required
@require_http_methods(["GET", "POST"])
def hold(request, ref):
    incident = _incident_for_support(request, ref)
    form = HoldForm(_posted(request), initial={"version": incident.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            incident,
            form,
            lambda: workflow.incident_hold(
                incident=incident,
                by=request.user,
                reason=data["reason"],
                note=data["note"].strip(),
                version=data["version"],
            ),
        ):
            messages.success(request, "On hold: the service desk has been told.")
            return back_to(incident)
    return _action_page(request, incident, form, "hold")


@login_required
@require_http_methods(["GET", "POST"])
def diagnose(request, ref):
    """A line of the incident diagnostics sheet: internal, and the owner is told."""
    incident = _incident_for_support(request, ref)
    form = DiagnosticForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            incident,
            form,
            lambda: workflow.incident_diagnose(
                incident=incident,
                by=request.user,
                action_taken=data["action_taken"].strip(),
                result=data["result"].strip(),
                minutes_spent=data["minutes_spent"],
                performed_at=data["performed_at"],
                version=posted_version(request, form),
            ),
        ):
            messages.success(request, "Added to the diagnostics sheet.")
            return back_to(incident)
    return _action_page(request, incident, form, "diagnose")


@login_required
@require_http_methods(["GET", "POST"])
def record_cause(request, ref):
    incident = _incident_for_support(request, ref)
    form = CauseForm(request.POST) if request.method == "POST" else CauseForm.for_incident(incident)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        workaround = data["workaround"].strip()
        if _attempt(
            request,
            incident,
            form,
            lambda: workflow.incident_record_cause(
                incident=incident,
                by=request.user,
                cause=data["cause"].strip(),
                parts_used=data["parts_used"].strip(),
                workaround=workaround if workaround != incident.workaround else None,
                version=posted_version(request, form),
            ),
        ):
            messages.success(request, "Recorded: the service desk has been told.")
            return back_to(incident)
    return _action_page(request, incident, form, "record_cause")


@login_required
@require_http_methods(["GET", "POST"])
def resolve(request, ref):
    """Resolve with a fix or a workaround (technicians and the desk alike)."""
    incident = _incident_for_support(request, ref)
    form = ResolveForm(_posted(request), initial={"version": incident.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            incident,
            form,
            lambda: workflow.incident_resolve(
                incident=incident,
                by=request.user,
                resolution=data["resolution"],
                kind=data["kind"],
                version=data["version"],
            ),
        ):
            messages.success(request, f"{incident.reference} resolved: the user has been told.")
            return back_to(incident)
    return _action_page(request, incident, form, "resolve")


def _group_from(value) -> SupportGroup | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return SupportGroup.objects.filter(pk=pk, is_active=True).first()


@login_required
@require_http_methods(["GET", "POST"])
def consult(request, ref):
    """Consult a support group: pick the group, see its contacts, say why, when and
    their case reference, and when to chase. The target clock waits meanwhile."""
    incident = _incident_for_support(request, ref)
    if request.method == "POST":
        form = ConsultForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if _attempt(
                request,
                incident,
                form,
                lambda: workflow.consultation_open(
                    incident=incident,
                    by=request.user,
                    group=data["group"],
                    contact=data["contact"],
                    reason=data["reason"].strip(),
                    case_reference=data["case_reference"].strip(),
                    chase_on=data["chase_on"],
                    contacted_at=data["contacted_at"],
                    version=posted_version(request, form),
                ),
            ):
                messages.success(
                    request, f"{data['group']} consulted: the target clock waits until they answer."
                )
                return back_to(incident)
        group = form.chosen_group
    else:
        group = _group_from(request.GET.get("group"))
        form = ConsultForm(group=group)
    groups = SupportGroup.objects.filter(is_active=True).order_by("line", "name")
    contacts = list(group.contacts.all()) if group else []
    return render(
        request,
        "incidents/technician/consult.html",
        {
            "incident": incident,
            "form": form,
            "group": group,
            "groups": groups,
            "contacts": contacts,
            "chosen_contact": str(form["contact"].value() or ""),
            "possible": workflow.can(request.user, "consult", incident),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def escalate(request, ref):
    """Escalate into problem management, new or existing: the workaround first, or why none."""
    incident = _incident_for_support(request, ref)
    if request.method == "POST":
        form = EscalateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            existing = data["problem"] if data["into"] == EscalateForm.EXISTING else None
            outcome = {}

            def action():
                outcome["problem"] = workflow.problem_escalate(
                    incident=incident,
                    by=request.user,
                    workaround=data["workaround"].strip(),
                    no_workaround_reason=data["no_workaround_reason"].strip(),
                    problem=existing,
                    title=data["title"].strip(),
                    description=data["description"].strip(),
                    version=posted_version(request, form),
                )

            if _attempt(request, incident, form, action):
                problem = outcome["problem"]
                messages.success(
                    request,
                    f"Escalated into problem management: {problem.reference} {problem.title}.",
                )
                return back_to(incident)
    else:
        form = EscalateForm.for_incident(incident)
    return render(
        request,
        "incidents/technician/escalate.html",
        {
            "incident": incident,
            "form": form,
            "possible": workflow.can(request.user, "link_problem", incident),
        },
    )


# ---------------------------------------------------------------- consultations


@support_required
@require_GET
def consultation_list(request):
    """Consultations with support groups, the ones to chase today first."""
    form = ConsultationFilterForm(request.GET or None)
    today = timezone.localdate()
    qs = Consultation.objects.select_related(
        "incident", "incident__site", "group", "contact", "opened_by"
    ).order_by(F("chase_on").asc(nulls_last=True), "-contacted_at", "-id")
    show = ConsultationFilterForm.OPEN
    if form.is_bound and not form.is_valid():
        qs = qs.none()
    elif form.is_bound:
        show = form.cleaned_data["show"] or ConsultationFilterForm.OPEN
        if form.cleaned_data["group"] is not None:
            qs = qs.filter(group=form.cleaned_data["group"])
    if show == ConsultationFilterForm.OPEN:
        qs = qs.filter(status=ConsultationStatus.OPEN)
    elif show == ConsultationFilterForm.DUE:
        qs = qs.filter(status=ConsultationStatus.OPEN, chase_on__lte=today)
    elif show == ConsultationFilterForm.ANSWERED:
        qs = qs.filter(status=ConsultationStatus.ANSWERED)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for consultation in page.object_list:
        consultation.is_due = bool(
            consultation.waiting and consultation.chase_on and consultation.chase_on <= today
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "incidents/technician/consultation_list.html",
        {
            "form": form if form.is_bound else ConsultationFilterForm(),
            "page": page,
            "show": show,
            "due_count": Consultation.objects.filter(
                status=ConsultationStatus.OPEN, chase_on__lte=today
            ).count(),
            "query": query.urlencode(),
            "today": today,
        },
    )


@support_required
@require_http_methods(["GET", "POST"])
def consultation_detail(request, pk):
    """A consultation with the group's contacts; record their answer, a new case
    reference or chase date, or close it."""
    consultation = selectors.get_consultation_for(request.user, pk)
    form = ConsultationUpdateForm(_posted(request), consultation=consultation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            consultation.incident,
            form,
            lambda: workflow.consultation_update(
                consultation=consultation,
                by=request.user,
                answer=data["answer"].strip() or None,
                case_reference=data["case_reference"].strip() or None,
                chase_on=data["chase_on"],
                close=data["close"],
                version=posted_version(request, form),
            ),
        ):
            messages.success(request, "Consultation updated: the service desk has been told.")
            return redirect("incidents:consultation_detail", pk=consultation.pk)
        consultation = selectors.get_consultation_for(request.user, pk)
    return render(
        request,
        "incidents/technician/consultation_detail.html",
        {
            "consultation": consultation,
            "incident": consultation.incident,
            "contacts": list(consultation.group.contacts.all()),
            "form": form,
            "can_update": workflow.can(
                request.user,
                "consultation_update",
                consultation.incident,
                consultation=consultation,
            ),
            "is_due": bool(
                consultation.waiting
                and consultation.chase_on
                and consultation.chase_on <= timezone.localdate()
            ),
        },
    )
