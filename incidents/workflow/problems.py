"""Problem management: open, escalate an incident into it (one path for everyone),
update, publish as a known error, resolve, close. Each change is a move of the
problem table in `rules`, checked against the version and written to its history."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidents.models import (
    ArticleKind,
    Category,
    EntryKind,
    Equipment,
    Incident,
    KnowledgeArticle,
    Problem,
    ResolutionKind,
    Status,
)

from . import rules
from .core import label_of, log_problem, transition
from .errors import InvalidInput, NotAllowed
from .work import incident_resolve


def problem_open(
    *,
    by: Any,
    title: str,
    description: str,
    proactive: bool = True,
    category: Category | None = None,
    equipment: Equipment | None = None,
    workaround: str = "",
    no_workaround_reason: str = "",
    school: Any = None,
    organisation: Any = None,
) -> Problem:
    """Open a problem: proactively, before any incident comes in, or from an incident.

    It belongs to the school given (or the equipment's school), or is shared by an
    organisation's schools; a person working for one organisation never names it."""
    if school is None and equipment is not None:
        school = equipment.site.school
    school_id, organisation_id = _where_problem_belongs(by, school, organisation)
    if not rules.roles.has_role_in(
        by, rules.roles.Role.DESK, school=school_id, organisation=organisation_id
    ) and not rules.roles.has_role_in(
        by, rules.roles.Role.TECHNICIAN, school=school_id, organisation=organisation_id
    ):
        raise NotAllowed("Only the service desk and technicians manage problems.")
    now = timezone.now()
    with transaction.atomic():
        problem = Problem.objects.create(
            school_id=school_id,
            organisation_id=organisation_id,
            title=title,
            description=description,
            proactive=proactive,
            category=category,
            equipment=equipment,
            workaround=workaround,
            no_workaround_reason=no_workaround_reason,
            opened_by=by,
            created_at=now,
        )
        log_problem(problem, by, "opened", now, title=title, proactive=proactive)
    return problem


def problem_serves(problem: Problem, incident: Incident) -> bool:
    """A problem is linked to incidents of its school, or of any school of its
    organisation when it is shared."""
    if problem.school_id is not None:
        return problem.school_id == incident.school_id
    return problem.organisation_id == incident.school.organisation_id


def _where_problem_belongs(by: Any, school: Any, organisation: Any) -> tuple[Any, Any]:
    """(school id, organisation id) of a new problem."""
    from accounts.models import School

    if school is not None:
        if not isinstance(school, School):
            school = School.objects.get(pk=school)
        return school.pk, school.organisation_id
    if organisation is not None:
        return None, getattr(organisation, "pk", organisation)
    staff_organisations = rules.roles.organisations_where(
        by, rules.roles.Role.DESK, rules.roles.Role.TECHNICIAN
    )
    if len(staff_organisations) != 1:
        raise InvalidInput("Choose the school or organisation the problem belongs to.")
    return None, next(iter(staff_organisations))


def problem_escalate(
    *,
    incident: Incident,
    by: Any,
    version: int,
    workaround: str = "",
    no_workaround_reason: str = "",
    problem: Problem | None = None,
    title: str = "",
    description: str = "",
) -> Problem:
    """Escalate an incident into problem management, new or existing.

    Workarounds come first, to take the time pressure off the problem: escalation
    needs the workaround in place, or why there is none. The incident stays open
    until a workaround or fix resolves it. A closed incident is linked as the desk's
    follow-up after closure: its resolution is already recorded.
    """
    with transition(incident, "link_problem", by, version) as step:
        current = step.incident
        closed = current.status == Status.CLOSED
        workaround = (
            workaround.strip()
            or current.workaround.strip()
            or (problem.workaround.strip() if problem is not None else "")
        )
        if not workaround and not no_workaround_reason.strip() and not closed:
            raise InvalidInput(
                "Record the workaround in place, or say why there is none, before escalating."
            )
        if problem is None:
            problem = problem_open(
                by=by,
                title=title or current.summary,
                description=description or current.summary,
                proactive=False,
                category=current.category,
                equipment=current.equipment,
                workaround=workaround,
                no_workaround_reason=no_workaround_reason,
                school=current.school,
            )
        elif not problem_serves(problem, current):
            raise InvalidInput(f"{problem.reference} is not a problem of this school.")
        elif current.problem_id == problem.pk:
            step.nothing_to_do()
            return problem
        else:
            # Linking is no edit of the problem page: the person escalating never saw its
            # version, so the one under the lock is the one checked.
            seen = (
                Problem.objects.select_for_update()
                .values_list("version", flat=True)
                .get(pk=problem.pk)
            )
            with transition(problem, "problem_link_incident", by, seen) as linked:
                if workaround and not linked.obj.workaround:
                    linked.set(workaround=workaround)
                linked.log("incident_linked", incident=current.reference, summary=current.summary)
            problem = linked.obj
        step.set(problem=problem)
        if workaround:
            step.set(workaround=workaround)
        data: dict[str, Any] = {
            "problem": problem.reference,
            "title": problem.title,
            "workaround": workaround,
            "no_workaround_reason": "" if workaround else no_workaround_reason,
        }
        step.tell_owner("escalated", **data)
        step.log("followed_up" if closed else "escalated", kind=EntryKind.PROBLEM, **data)
    return problem


# What the edit form changes. The state is not among them: it changes only through the
# problem's moves, which check where it may go.
PROBLEM_FIELDS = {
    "title",
    "description",
    "root_cause",
    "workaround",
    "no_workaround_reason",
    "category",
    "equipment",
}


def problem_update(*, problem: Problem, by: Any, version: int, **changes: Any) -> Problem:
    """Record what is found: description, root cause, workaround."""
    if set(changes) - PROBLEM_FIELDS:
        raise ValueError("Those fields are not changed here.")
    with transition(problem, "problem_update", by, version) as step:
        changed = {
            name: value for name, value in changes.items() if getattr(step.obj, name) != value
        }
        if not changed:
            step.nothing_to_do()
            return step.obj
        step.set(**changed)
        step.log("updated", fields=[label_of(Problem, name) for name in changed])
    return step.obj


def problem_investigate(*, problem: Problem, by: Any, version: int) -> Problem:
    """Someone is working out the root cause."""
    with transition(problem, "problem_investigate", by, version) as step:
        step.log("investigating")
    return step.obj


def problem_publish_known_error(
    *, problem: Problem, by: Any, symptoms: str = "", version: int
) -> KnowledgeArticle:
    """Make the problem a known error: its workaround becomes a knowledge article that
    the desk and users find when they file a sheet."""
    with transition(problem, "problem_publish_known_error", by, version) as step:
        current = step.obj
        article = KnowledgeArticle.objects.filter(problem=current).first()
        if article is None:
            article = KnowledgeArticle(
                problem=current,
                created_by=by,
                organisation_id=current.organisation_id,
                school_id=current.school_id,
            )
        article.title = current.title
        article.kind = ArticleKind.KNOWN_ERROR
        article.symptoms = symptoms or current.description
        article.body = current.workaround
        article.category = current.category
        article.equipment_kind = current.equipment.kind if current.equipment else ""
        article.is_published = True
        article.save()
        step.set(is_known_error=True)
        step.log("known_error_published", article=article.pk, title=article.title)
    return article


def problem_resolve(
    *,
    problem: Problem,
    by: Any,
    resolution: str,
    root_cause: str = "",
    resolve_incidents: Iterable[Incident] = (),
    version: int,
) -> list[Incident]:
    """Resolve the problem and, if chosen, its open incidents: each gets its own
    call-log entry and its user is told."""
    resolved = []
    with transition(problem, "problem_resolve", by, version) as step:
        if not resolution.strip():
            raise InvalidInput("Say how the problem was resolved.")
        step.set(resolution=resolution, resolved_at=step.now)
        if root_cause:
            step.set(root_cause=root_cause)
        for incident in resolve_incidents:
            # Those the person may not resolve (another technician's calls) are told
            # by the reminder that the problem is resolved, to their own people.
            if (
                incident.problem_id != problem.pk
                or incident.is_request
                or not rules.can(by, "resolve", incident)
            ):
                continue
            resolved.append(
                incident_resolve(
                    incident=incident,
                    by=by,
                    resolution=f"{resolution} (problem {problem.reference} resolved)",
                    kind=ResolutionKind.FIX,
                    version=incident.version,
                )
            )
        step.log(
            "resolved",
            resolution=resolution,
            incidents=[incident.reference for incident in resolved],
        )
    return resolved


def problem_close(*, problem: Problem, by: Any, version: int) -> Problem:
    """A resolved problem is closed once the fix has held."""
    with transition(problem, "problem_close", by, version) as step:
        step.log("closed")
    return step.obj
