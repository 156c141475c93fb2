"""Reading school data: the scoped getters and querysets every view starts from.

Each one knows who is asking. `*_for(user)` is the base queryset of a list (what
this person may see, nothing else); `get_*_for(user, …)` is one object by its
reference or id, or a 404 when the person may not see it (never a 403: nobody
learns that someone else's incident exists). Views never start from
`Model.objects`.
"""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts import roles

from .models import (
    Attachment,
    CallLogEntry,
    Consultation,
    Equipment,
    Incident,
    KnowledgeArticle,
    Notification,
    Problem,
    parse_reference,
)


def incidents_for(user) -> QuerySet[Incident]:
    """The incidents this person may see: support staff every one, anyone else
    only the ones they reported. The base of every list of incidents."""
    qs = Incident.objects.all()
    if roles.is_support_staff(user):
        return qs
    return qs.filter(reporter=user)


incidents_visible_to = incidents_for


def incidents_reported_by(user) -> QuerySet[Incident]:
    """The person's own incidents (support staff included: what they reported themselves)."""
    return incidents_for(user).filter(reporter=user)


def log_entries_for(user) -> QuerySet[CallLogEntry]:
    """Call-log entries of the incidents this person may see (the public ones only,
    unless the person is support staff)."""
    if roles.is_support_staff(user):
        return CallLogEntry.objects.all()
    return CallLogEntry.objects.filter(incident__reporter=user, is_public=True)


def problems_for(user) -> QuerySet[Problem]:
    """Problem management is for support staff: anyone else sees none."""
    if not roles.is_support_staff(user):
        return Problem.objects.none()
    return Problem.objects.all()


def consultations_for(user) -> QuerySet[Consultation]:
    """Consultations with support groups are for support staff: anyone else sees none."""
    if not roles.is_support_staff(user):
        return Consultation.objects.none()
    return Consultation.objects.all()


def equipment_for(user) -> QuerySet[Equipment]:
    """The equipment register (with its history) is for support staff."""
    if not roles.is_support_staff(user):
        return Equipment.objects.none()
    return Equipment.objects.all()


def get_incident_for(user, reference: str, *, for_update_of=None) -> Incident:
    """The incident by reference if this person may see it, else 404 (never 403:
    a user must not learn that someone else's incident exists)."""
    pk = parse_reference("INC", reference)
    if pk is None:
        raise Http404("No such incident.")
    incident = (
        incidents_for(user)
        .select_related(
            "reporter",
            "entered_by",
            "site",
            "room",
            "equipment",
            "category",
            "owner",
            "assignee",
            "resolved_by",
            "closed_by",
            "duplicate_of",
            "problem",
            "received_by",
            "sheet",
        )
        .filter(pk=pk)
        .first()
    )
    if incident is None:
        raise Http404("No such incident.")
    return incident


def get_attachment_for(user, reference: str, attachment_id: int) -> Attachment:
    incident = get_incident_for(user, reference)
    attachment = Attachment.objects.filter(incident=incident, pk=attachment_id).first()
    if attachment is None:
        raise Http404("No such file.")
    return attachment


def get_problem_for(user, reference: str) -> Problem:
    pk = parse_reference("PRB", reference)
    if pk is None:
        raise Http404("No such problem.")
    problem = (
        problems_for(user)
        .select_related("opened_by", "category", "equipment")
        .filter(pk=pk)
        .first()
    )
    if problem is None:
        raise Http404("No such problem.")
    return problem


def get_consultation_for(user, pk: int) -> Consultation:
    consultation = (
        consultations_for(user)
        .select_related("incident", "group", "contact", "opened_by")
        .filter(pk=pk)
        .first()
    )
    if consultation is None:
        raise Http404("No such consultation.")
    return consultation


def get_equipment_for(user, pk: int) -> Equipment:
    equipment = equipment_for(user).select_related("site", "room", "supplier").filter(pk=pk).first()
    if equipment is None:
        raise Http404("No such equipment.")
    return equipment


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def call_log_for(user, incident: Incident) -> QuerySet[CallLogEntry]:
    """The incident's timeline: the public part only, unless the person is support staff."""
    qs = incident.log.select_related("actor").order_by("at", "id")
    if not roles.is_support_staff(user):
        qs = qs.filter(is_public=True)
    return qs


def recent_incidents_for_equipment(equipment: Equipment, *, days: int = 90, exclude_pk=None):
    since = timezone.now() - timedelta(days=days)
    qs = Incident.objects.filter(equipment=equipment, created_at__gte=since).order_by("-created_at")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs


def published_articles() -> QuerySet[KnowledgeArticle]:
    return KnowledgeArticle.objects.filter(is_published=True)


def matching_articles(
    *, text: str = "", equipment_kind: str = "", limit: int = 5
) -> list[KnowledgeArticle]:
    """Published articles whose words match what the user typed or the kind of equipment.

    A small word match, ranked by how many words hit, good enough for a school's
    knowledge base of hundreds of articles.
    """
    words = [w for w in {w.lower().strip(".,;:!?()\"'") for w in text.split()} if len(w) >= 4][:8]
    if not words and not equipment_kind:
        return []
    condition = Q()
    for word in words:
        condition |= (
            Q(title__icontains=word) | Q(symptoms__icontains=word) | Q(keywords__icontains=word)
        )
    if equipment_kind:
        condition |= Q(equipment_kind=equipment_kind)
    candidates = list(published_articles().filter(condition)[:50])

    def score(article: KnowledgeArticle) -> int:
        haystack = f"{article.title} {article.symptoms} {article.keywords}".lower()
        hits = sum(word in haystack for word in words)
        return hits * 2 + (1 if equipment_kind and article.equipment_kind == equipment_kind else 0)

    ranked = sorted(candidates, key=lambda a: (-score(a), a.title))
    return [a for a in ranked if score(a) > 0][:limit]


def same_sheet_filed_recently(user, *, summary: str, site, happened: str, minutes: int = 60):
    """The person's incident filed in the last hour with the same words and site:
    the same sheet sent again from another tab or after Back (a new token)."""
    since = timezone.now() - timedelta(minutes=minutes)
    return (
        Incident.objects.filter(
            reporter=user,
            summary=summary,
            site=site,
            sheet__happened=happened,
            created_at__gte=since,
        )
        .order_by("-created_at")
        .only("pk")
        .first()
    )
