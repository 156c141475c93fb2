"""Consultations with support groups (suppliers, the network team, the local
authority): opening one from an incident, the list with the chases due, and one
consultation with its contacts, answer, case reference and chase date."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from incidents import selectors, workflow
from incidents.filters import ConsultationFilter
from incidents.forms.technician import ConsultationUpdateForm, ConsultForm
from incidents.models import ConsultationStatus, SupportGroup

from ..access import attempt, back_to, posted_or_none, posted_version, support_required
from .actions import incident_for_support

PAGE_SIZE = 50


def _group_from(value, school) -> SupportGroup | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return selectors.support_groups_at(school).filter(pk=pk, is_active=True).first()


@login_required
@require_http_methods(["GET", "POST"])
def consult(request, ref):
    """Consult a support group: pick the group, see its contacts, say why, when and
    their case reference, and when to chase. The target clock waits meanwhile."""
    incident = incident_for_support(request, ref)
    if request.method == "POST":
        form = ConsultForm(request.POST, school=incident.school)
        if form.is_valid():
            data = form.cleaned_data
            if attempt(
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
        group = _group_from(request.GET.get("group"), incident.school)
        form = ConsultForm(school=incident.school, group=group)
    groups = selectors.support_groups_at(incident.school).filter(is_active=True)
    groups = groups.order_by("line", "name")
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


@support_required
@require_GET
def consultation_list(request):
    """Consultations with support groups, the ones to chase today first."""
    today = timezone.localdate()
    consultations = selectors.consultations_for(request.user)
    listed = consultations.select_related(
        "incident", "incident__site", "group", "contact", "opened_by"
    ).order_by(F("chase_on").asc(nulls_last=True), "-contacted_at", "-id")
    filterset = ConsultationFilter(request.GET, queryset=listed, request=request)
    qs = filterset.qs if filterset.is_valid() else listed.none()
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
            "form": filterset.form,
            "page": page,
            "show": filterset.shown,
            "due_count": consultations.filter(
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
    form = ConsultationUpdateForm(posted_or_none(request), consultation=consultation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
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
