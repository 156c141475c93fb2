"""Reading school data: the scoped getters and querysets every view starts from.

Each one knows who is asking, and where they belong: support staff see the school
data of the schools where they hold a staff role (`accounts.roles.staff_schools`),
anyone else their own calls and the catalogue of their own schools. `*_for(user)` is the base queryset of a list (what
this person may see, nothing else); `get_*_for(user, …)` is one object by its
reference or id, or a 404 when the person may not see it (never a 403: nobody
learns that someone else's incident exists). Views never start from
`Model.objects`.
"""

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from accounts import roles
from accounts.models import Membership, Organisation, School
from accounts.roles import Role

from . import rota
from .models import (
    TECHNICIAN_STATUSES,
    WAITING_FOR_DESK,
    Attachment,
    CallKind,
    CallLogEntry,
    Consultation,
    Equipment,
    InboundMail,
    Incident,
    KnowledgeArticle,
    Notification,
    Problem,
    RequestType,
    Room,
    RotaEntry,
    Site,
    Status,
    SupportGroup,
    VisitChange,
    parse_reference,
)
from .rota import Visit


def incidents_for(user) -> QuerySet[Incident]:
    """The incidents this person may see: support staff every one of the schools
    they serve, and anyone their own. The base of every list of incidents."""
    qs = Incident.objects.all()
    schools = roles.staff_schools(user)
    if schools:
        return qs.filter(Q(school_id__in=schools) | Q(reporter=user))
    return qs.filter(reporter=user)


incidents_visible_to = incidents_for


def staff_incidents_for(user) -> QuerySet[Incident]:
    """The calls of the schools the person serves as staff (the desk's and the
    technicians' lists, reports and exports): not their own calls elsewhere."""
    return Incident.objects.filter(school_id__in=roles.staff_schools(user))


def incident_filed_with_token(token) -> Incident | None:
    """The call filed with this submission token, whoever filed it (a token is
    unique): its id and reporter only, for the sheet to tell a second send of the
    person's own form from a token that is not theirs. Nothing of it is shown."""
    if token is None:
        return None
    return Incident.objects.filter(submission_token=token).only("pk", "reporter_id").first()


def incidents_reported_by(user) -> QuerySet[Incident]:
    """The person's own incidents (support staff included: what they reported themselves)."""
    return Incident.objects.filter(reporter=user)


def log_entries_for(user) -> QuerySet[CallLogEntry]:
    """Call-log entries of the incidents this person may see (the public ones of
    their own calls, and every one of the schools they serve as staff)."""
    own = Q(incident__reporter=user, is_public=True)
    schools = roles.staff_schools(user)
    if schools:
        return CallLogEntry.objects.filter(Q(incident__school_id__in=schools) | own)
    return CallLogEntry.objects.filter(own)


def problems_for(user) -> QuerySet[Problem]:
    """Problem management is for support staff: the problems of the schools they
    serve and the ones shared by those schools' organisations."""
    schools = roles.staff_schools(user)
    organisations = roles.organisations_where(user, *roles.STAFF_ROLES)
    if not schools and not organisations:
        return Problem.objects.none()
    return Problem.objects.filter(
        Q(school_id__in=schools) | Q(school__isnull=True, organisation_id__in=organisations)
    )


def consultations_for(user) -> QuerySet[Consultation]:
    """Consultations with support groups are for support staff, on the calls of
    the schools they serve."""
    schools = roles.staff_schools(user)
    if not schools:
        return Consultation.objects.none()
    return Consultation.objects.filter(incident__school_id__in=schools)


def equipment_for(user) -> QuerySet[Equipment]:
    """The equipment register (with its history) is for support staff, of the
    schools they serve."""
    schools = roles.staff_schools(user)
    if not schools:
        return Equipment.objects.none()
    return Equipment.objects.filter(site__school_id__in=schools)


def reportable_equipment_for(user) -> QuerySet[Equipment]:
    """The equipment a person may name on a sheet: the active equipment of their
    own schools (the finder while filing searches only these)."""
    return Equipment.objects.filter(site__school_id__in=roles.schools_where(user), is_active=True)


def equipment_in(sites) -> QuerySet[Equipment]:
    """The equipment at these sites (a form's sites, already limited to a school)."""
    return Equipment.objects.filter(site__in=sites)


def equipment_at(school) -> QuerySet[Equipment]:
    """A school's equipment: what a sheet or a call at the school may name."""
    return Equipment.objects.filter(site__school=school)


def schools_for(user) -> QuerySet[School]:
    """The schools the person belongs to (any role)."""
    return School.objects.filter(pk__in=roles.schools_where(user)).select_related("organisation")


def staff_schools_for(user) -> QuerySet[School]:
    """The schools the person serves as desk, technician or support admin."""
    return School.objects.filter(pk__in=roles.staff_schools(user)).select_related("organisation")


def sites_for(user) -> QuerySet[Site]:
    """The sites of the schools the person belongs to."""
    return Site.objects.filter(school_id__in=roles.schools_where(user))


def staff_sites_for(user) -> QuerySet[Site]:
    """The sites of the schools the person serves as staff (the lists' filters)."""
    return Site.objects.filter(school_id__in=roles.staff_schools(user))


def rooms_for(user) -> QuerySet[Room]:
    """The rooms of the schools the person belongs to."""
    return Room.objects.filter(site__school_id__in=roles.schools_where(user))


def staff_rooms_for(user) -> QuerySet[Room]:
    return Room.objects.filter(site__school_id__in=roles.staff_schools(user))


def support_groups_for(user) -> QuerySet[SupportGroup]:
    """The support groups of the schools the person serves: each school's own and
    the ones their organisations share."""
    schools = roles.staff_schools(user)
    organisations = roles.organisations_where(user, *roles.STAFF_ROLES)
    return SupportGroup.objects.filter(
        Q(school_id__in=schools) | Q(school__isnull=True, organisation_id__in=organisations)
    )


def support_groups_at(school) -> QuerySet[SupportGroup]:
    """The groups a call at the school may consult: the school's and the shared ones."""
    return SupportGroup.objects.filter(
        Q(school=school) | Q(school__isnull=True, organisation_id=school.organisation_id)
    )


def problems_at(school) -> QuerySet[Problem]:
    """The problems a call at the school may be linked to."""
    return Problem.objects.filter(
        Q(school=school) | Q(school__isnull=True, organisation_id=school.organisation_id)
    )


def people_at(school) -> QuerySet[Any]:
    """The people of a school: anyone with a role there, or across its organisation."""
    members = Membership.objects.filter(
        Q(school=school) | Q(school__isnull=True, organisation_id=school.organisation_id)
    )
    return get_user_model().objects.filter(pk__in=members.values("person_id"), is_active=True)


def people_at_schools(school_ids) -> QuerySet[Any]:
    """The people of these schools: a role at one of them, or across its organisation."""
    members = Membership.objects.filter(
        Q(school_id__in=school_ids) | Q(school__isnull=True, organisation__schools__in=school_ids)
    )
    return get_user_model().objects.filter(pk__in=members.values("person_id"), is_active=True)


def people_with_role_at(role: str, school_ids) -> QuerySet[Any]:
    """The people holding the role at any of these schools (by `roles.people_with`'s rule)."""
    return roles.people_with(role, schools=school_ids)


def people_for(user) -> QuerySet[Any]:
    """The people of the schools the person serves as staff."""
    return people_at_schools(roles.staff_schools(user))


def _may_see(user, incident: Incident, *, as_staff: bool) -> bool:
    """Whether the incident is among `staff_incidents_for(user)` (as staff) or
    `incidents_for(user)`."""
    if incident.school_id in roles.staff_schools(user):
        return True
    return not as_staff and incident.reporter_id == user.pk


def get_incident_for(
    user, reference: str, *, for_update_of=None, as_staff: bool = False
) -> Incident:
    """The incident by reference if this person may see it, else 404 (never 403:
    a user must not learn that someone else's incident exists). `as_staff`: only
    the calls of the schools the person serves (not their own calls elsewhere)."""
    pk = parse_reference("INC", reference)
    if pk is None:
        raise Http404("No such incident.")
    # By its key alone, then who may see it checked here, by the same rule as
    # `staff_incidents_for` and `incidents_for`: a query on the primary key with no
    # access terms and no ordering takes PostgreSQL half the planning and Django
    # half the compiling of the one with them (it joins 17 related records).
    found = list(
        Incident.objects.select_related(
            "reporter",
            "entered_by",
            "school__organisation",
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
            "request_type",
            "approver",
        )
        .filter(pk=pk)
        .order_by()[:1]
    )
    incident = found[0] if found else None
    if incident is not None and not _may_see(user, incident, as_staff=as_staff):
        incident = None
    if incident is None:
        raise Http404("No such incident.")
    return incident


def last_place_reported_by(user) -> Incident | None:
    """The person's most recent incident with its site, room and equipment (one
    query): where a new sheet starts, since teachers mostly report from the same room."""
    return (
        Incident.objects.filter(reporter=user)
        .select_related("site", "room", "equipment__site", "equipment__room")
        .order_by("-created_at", "-pk")
        .first()
    )


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
    """The incident's timeline: the public part only, unless the person serves the
    incident's school as staff."""
    qs = incident.log.select_related("actor").order_by("at", "id")
    if not roles.is_staff_at(user, incident.school_id):
        qs = qs.filter(is_public=True)
    return qs


def recent_incidents_for_equipment(equipment: Equipment, *, days: int = 90, exclude_pk=None):
    since = timezone.now() - timedelta(days=days)
    qs = Incident.objects.filter(equipment=equipment, created_at__gte=since).order_by("-created_at")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs


def articles_for(user) -> QuerySet[KnowledgeArticle]:
    """The knowledge base of the person's schools: each school's own articles and
    the ones their organisations share."""
    return KnowledgeArticle.objects.filter(
        Q(school_id__in=roles.schools_where(user))
        | Q(school__isnull=True, organisation_id__in=roles.organisations_where(user))
    )


def published_articles(user) -> QuerySet[KnowledgeArticle]:
    return articles_for(user).filter(is_published=True)


def articles_at(school) -> QuerySet[KnowledgeArticle]:
    """The published articles a call at the school may use."""
    return KnowledgeArticle.objects.filter(
        Q(school=school) | Q(school__isnull=True, organisation_id=school.organisation_id),
        is_published=True,
    )


# Words too common to say what an article is about (PostgreSQL's English
# configuration drops these itself; the SQLite fallback needs them spelled out).
_COMMON = """
    the and but for are was has had can its our you any all who how why not
    about after again also been before being does from have just like more much
    only over said same some than that their them then there these they this very
    want were what when where which while will with would your
"""
_COMMON_WORDS = frozenset(_COMMON.split())
_MAX_WORDS = 12


def search_words(text: str) -> list[str]:
    """The words of a text worth searching with, in the order they were typed
    (so the same words always give the same search), each once."""
    words: list[str] = []
    for raw in text.lower().split():
        word = raw.strip(".,;:!?()[]\"'")
        if len(word) >= 3 and word not in _COMMON_WORDS and word not in words:
            words.append(word)
    return words[:_MAX_WORDS]


def matching_articles(
    user, *, text: str = "", equipment_kind: str = "", limit: int = 5, school=None
) -> list[KnowledgeArticle]:
    """Published articles ranked by how well they match what the user typed.

    PostgreSQL ranks with its text search (stemmed words, the title weighted
    above the keywords and symptoms, and those above the steps); elsewhere the
    title's matching words count twice, the other fields' once. Articles for the
    same kind of equipment come next, then the title and the id break ties, so
    the same words always give the same list.
    """
    words = search_words(text)
    if not words and not equipment_kind:
        return []
    articles = articles_at(school) if school is not None else published_articles(user)
    if connections[articles.db].vendor == "postgresql":
        rank = _text_search_rank(words)
    else:
        rank = _matching_words_rank(words)
    same_kind = Q(equipment_kind=equipment_kind) if equipment_kind else Q(pk__in=[])
    ranked = articles.annotate(
        rank=rank, same_kind=Case(When(same_kind, then=Value(1)), default=Value(0))
    ).filter(Q(rank__gt=0) | Q(same_kind=1))
    return list(ranked.order_by("-rank", "-same_kind", "title", "pk")[:limit])


def _text_search_rank(words: list[str]) -> Any:
    """PostgreSQL's rank of an article for any of the words, stemmed: the query is
    built as the desk's search builds it (`incidents.search`), any word matching."""
    from django.contrib.postgres.search import SearchRank, SearchVector

    from incidents.search import CONFIG, Term, search_query

    if not words:
        return Value(0.0, output_field=FloatField())
    config = CONFIG
    query = search_query([Term(word) for word in words], any_term=True)
    document = (
        SearchVector("title", config=config, weight="A")
        + SearchVector("keywords", "symptoms", config=config, weight="B")
        + SearchVector("body", config=config, weight="C")
    )
    return SearchRank(document, query)


def _matching_words_rank(words: list[str]) -> Any:
    """Elsewhere: each word found in the title counts 2, found in the other fields 1."""
    score: Any = Value(0)
    for word in words:
        score += Case(When(title__icontains=word, then=Value(2)), default=Value(0))
        in_text = Q(keywords__icontains=word) | Q(symptoms__icontains=word)
        score += Case(When(in_text | Q(body__icontains=word), then=Value(1)), default=Value(0))
    return ExpressionWrapper(score, output_field=IntegerField())


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


def _mail_of_desk(user) -> Q:
    """Mail of the mailboxes this person reads as desk: a school's mailbox at the
    schools where they are desk; an organisation's when they are desk for every
    school of it (and mail handed in without a mailbox: the first organisation's)."""
    if user.is_superuser:
        return Q()
    everywhere = Membership.objects.filter(
        person=user, school__isnull=True, role__in=[Role.DESK, Role.ADMIN]
    )
    first_organisation = Organisation.objects.order_by("pk").values("pk")[:1]
    return (
        Q(mailbox__school_id__in=roles.schools_where(user, Role.DESK))
        | Q(
            mailbox__school__isnull=True,
            mailbox__organisation_id__in=everywhere.values("organisation_id"),
        )
        | Q(
            Q(mailbox__isnull=True),
            Exists(everywhere.filter(organisation_id=Subquery(first_organisation))),
        )
    )


def mail_for_desk(user) -> QuerySet[InboundMail]:
    """The received e-mail waiting for the desk (unknown senders, held messages) of
    the mailboxes this person reads, newest first; nothing for anyone else."""
    if not roles.is_desk(user):
        return InboundMail.objects.none()
    return (
        InboundMail.objects.filter(_mail_of_desk(user), status__in=WAITING_FOR_DESK)
        .select_related("mailbox", "person")
        .defer("raw")
        .order_by("-received_at", "-id")
    )


def get_mail_for(user, pk: int) -> InboundMail:
    """A received message of a mailbox this person reads as desk (also one already
    dealt with), else 404."""
    if not roles.is_desk(user):
        raise Http404("No such message.")
    found = InboundMail.objects.defer("raw").filter(_mail_of_desk(user), pk=pk).first()
    if found is None:
        raise Http404("No such message.")
    return found


# ------------------------------------------------------------------ service requests


def request_types_offered(user) -> QuerySet[RequestType]:
    """The catalogue as the person sees it: the request types still offered at their
    schools (each school's own, and those their organisations share), in order."""
    return RequestType.objects.filter(
        Q(school_id__in=roles.schools_where(user))
        | Q(school__isnull=True, organisation_id__in=roles.organisations_where(user)),
        is_active=True,
    ).select_related("approver")


def get_request_type_for(user, pk: int) -> RequestType:
    """A request type anyone signed in may ask for, with its questions; else 404."""
    found = request_types_offered(user).prefetch_related("questions").filter(pk=pk).first()
    if found is None:
        raise Http404("No such request type.")
    return found


def approvals_waiting_for(user) -> QuerySet[Incident]:
    """The requests waiting for this person's approval, oldest first (for a support
    admin, also those whose approver's account is no longer active)."""
    theirs = Q(approver=user)
    if roles.is_support_admin(user):
        theirs |= Q(approver__is_active=False)
    return (
        Incident.objects.filter(theirs, status=Status.AWAITING_APPROVAL)
        .select_related("reporter", "request_type", "site", "room")
        .prefetch_related("request_answers")
        .order_by("created_at", "pk")
    )


def approvals_decided_by(user, limit: int = 20) -> list[Incident]:
    """The requests this person approved or declined lately, newest first."""
    return list(
        Incident.objects.filter(approver=user, approval_decided_at__isnull=False)
        .select_related("reporter", "request_type")
        .order_by("-approval_decided_at", "-pk")[:limit]
    )


def get_request_for_approval(user, reference: str) -> Incident:
    """A request this person may decide on or see: theirs to approve, or one they
    may see anyway (the move table then says whether they may decide). Else 404."""
    pk = parse_reference("INC", reference)
    if pk is None:
        raise Http404("No such request.")
    visible = incidents_for(user).filter(pk=pk).exists()
    found = (
        Incident.objects.filter(pk=pk, kind=CallKind.REQUEST)
        .filter(Q(approver=user) | Q(pk__in=[pk] if visible else []))
        .select_related("reporter", "request_type", "approver")
        .first()
    )
    if found is None:
        raise Http404("No such request.")
    return found


# ---------------------------------------------------------------- the visit rota
#
# The desk (and support admins) keep the rota of the schools where they are desk; a
# technician sees their own visits at the schools where they are a technician, the
# desk every technician's visits at its schools, each with the calls waiting there.


def rota_schools_for(user) -> frozenset[int]:
    """The schools whose rota the person keeps: service desk or support admin there."""
    return roles.schools_where(user, roles.Role.DESK, roles.Role.ADMIN)


def visit_schools_for(user) -> frozenset[int]:
    """The schools whose visits and waiting calls the person sees: technician or desk there."""
    return roles.schools_where(user, roles.Role.TECHNICIAN, roles.Role.DESK)


def rota_school_choices_for(user) -> QuerySet[School]:
    return School.objects.filter(pk__in=rota_schools_for(user))


def rota_entries_for(user) -> QuerySet[RotaEntry]:
    return RotaEntry.objects.filter(school_id__in=rota_schools_for(user)).select_related(
        "school", "technician"
    )


def visit_changes_for(user) -> QuerySet[VisitChange]:
    return VisitChange.objects.filter(school_id__in=rota_schools_for(user)).select_related(
        "school", "technician"
    )


def get_rota_entry_for(user, pk: int) -> RotaEntry:
    entry = rota_entries_for(user).filter(pk=pk).first()
    if entry is None:
        raise Http404("No such rota entry.")
    return entry


def get_visit_change_for(user, pk: int) -> VisitChange:
    change = visit_changes_for(user).filter(pk=pk).first()
    if change is None:
        raise Http404("No such visit change.")
    return change


def get_visit_school_for(user, code: str) -> School:
    """A school by its code if the person sees its visits, else 404."""
    school = School.objects.filter(code=code, pk__in=visit_schools_for(user)).first()
    if school is None:
        raise Http404("No such school.")
    return school


def visits_seen_by(user, first, last, *, school=None) -> list[Visit]:
    """The visits from `first` to `last` the person sees: every technician's at the
    schools where they are desk, their own at the schools where they are a technician."""
    desk_schools = roles.schools_where(user, roles.Role.DESK)
    own_schools = roles.schools_where(user, roles.Role.TECHNICIAN)
    if school is not None:
        desk_schools &= {school.pk}
        own_schools &= {school.pk}
    visits = rota.visits_between(first, last, schools=desk_schools | own_schools)
    return [v for v in visits if v.school_id in desk_schools or v.technician_id == user.pk]


def calls_waiting_at(user, school, day) -> QuerySet[Incident]:
    """The open calls booked for a visit to the school on the day (not the ones where
    the user said it works again), if the person sees that school's visits."""
    if school.pk not in visit_schools_for(user):
        return Incident.objects.none()
    return incidents_for(user).filter(
        school=school,
        visit_date=day,
        status__in=TECHNICIAN_STATUSES,
        working_again_at__isnull=True,
    )


def calls_waiting_on(user, day) -> QuerySet[Incident]:
    """The open calls booked for a visit on the day at every school whose visits the
    person sees."""
    return incidents_for(user).filter(
        school_id__in=visit_schools_for(user),
        visit_date=day,
        status__in=TECHNICIAN_STATUSES,
        working_again_at__isnull=True,
    )


def rota_visits_for(incident: Incident, *, limit: int = 6) -> list[Visit]:
    """The next scheduled visits at the incident's school from today, by technicians
    who are still technicians there: what the desk is offered when it requests
    technician support."""
    school_id = incident.school_id
    visits = rota.next_visits(timezone.localdate(), school=school_id, limit=limit * 2)
    if not visits:
        return []
    technicians = set(
        roles.people_with(roles.Role.TECHNICIAN, school=school_id).values_list("pk", flat=True)
    )
    return [visit for visit in visits if visit.technician_id in technicians][:limit]


def own_visits(user, first, *, last=None, limit: int | None = None) -> list[Visit]:
    """The person's own visits at the schools where they are a technician: from
    `first` to `last`, or the next `limit` from `first`."""
    schools = roles.schools_where(user, roles.Role.TECHNICIAN)
    if last is not None:
        return rota.visits_between(first, last, technician=user, schools=schools)
    return rota.next_visits(first, technician=user, schools=schools, limit=limit or 5)


def calls_waiting_by_school(user, day) -> dict[int, int]:
    """How many calls wait for a visit on the day, by school (one query)."""
    rows = (
        calls_waiting_on(user, day)
        .order_by()
        .values("school_id")
        .annotate(waiting=Count("pk"))
        .values_list("school_id", "waiting")
    )
    return dict(rows)
