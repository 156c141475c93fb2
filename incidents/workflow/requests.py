"""Service requests: asking for something from the catalogue, and its approval.

A request is filed like an incident sheet (one row in the queue, the same call log)
with the answers to its type's questions. Where its type needs approval it waits for
the named approver: nothing is worked on it before they say yes, and a request they
decline is closed with their reason. Its targets come from its type and count from
the moment it may be worked on (see `incidents.targets.apply_targets`).
"""

import uuid
from collections.abc import Sequence
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import School
from incidents import notifications
from incidents.models import (
    Approval,
    CallKind,
    CallLogEntry,
    Channel,
    ClosureCode,
    EntryKind,
    Event,
    Incident,
    RequestAnswer,
    RequestQuestion,
    RequestType,
    Room,
    Site,
    Status,
)
from incidents.search import refresh_search_document
from incidents.targets import apply_targets

from .core import transition
from .errors import InvalidInput, NotAllowed
from .filing import check_school


def request_file(
    *,
    by: Any,
    request_type: RequestType,
    summary: str,
    site: Site,
    room: Room | None = None,
    answers: Sequence[tuple[RequestQuestion, str]] = (),
    submission_token: uuid.UUID | None = None,
) -> tuple[Incident, bool]:
    """Ask for something from the catalogue. Returns (request, created): the same form
    sent twice (same token) makes one request."""
    if not request_type.is_active:
        raise NotAllowed(f"{request_type} is no longer offered.")
    offered_at = (
        {request_type.school_id}
        if request_type.school_id
        else set(
            School.objects.filter(organisation=request_type.organisation_id).values_list(
                "pk", flat=True
            )
        )
    )
    if site.school_id not in offered_at:
        raise InvalidInput(f"{request_type} is not offered at {site}.")
    check_school(site, room, None, by)
    if submission_token is not None:
        existing = _already_asked(submission_token, by)
        if existing is not None:
            return existing, False
    try:
        return _file_new(by, request_type, summary, site, room, answers, submission_token), True
    except IntegrityError:
        existing = _already_asked(submission_token, by) if submission_token else None
        if existing is None:
            raise
        return existing, False


def _already_asked(submission_token: uuid.UUID, by: Any) -> Incident | None:
    existing = Incident.objects.filter(submission_token=submission_token).first()
    if existing is not None and existing.reporter_id != by.pk:
        raise NotAllowed("That form was already used.")
    return existing


def _file_new(
    by: Any,
    request_type: RequestType,
    summary: str,
    site: Site,
    room: Room | None,
    answers: Sequence[tuple[RequestQuestion, str]],
    submission_token: uuid.UUID | None,
) -> Incident:
    now = timezone.now()
    needs_approval = request_type.needs_approval and request_type.approver_id is not None
    status = Status.AWAITING_APPROVAL if needs_approval else Status.SUBMITTED
    with transaction.atomic():
        request = Incident(
            kind=CallKind.REQUEST,
            request_type=request_type,
            summary=summary,
            reporter=by,
            entered_by=by,
            channel=Channel.WEB,
            school_id=cast(int, site.school_id),
            site=site,
            room=room,
            status=status,
            approver=request_type.approver if needs_approval else None,
            approval=Approval.PENDING if needs_approval else "",
            submission_token=submission_token,
            created_at=now,
        )
        apply_targets(request)
        request.save()
        RequestAnswer.objects.bulk_create(
            RequestAnswer(
                incident=request,
                question=question,
                label=question.label,
                value=value,
                order=index,
            )
            for index, (question, value) in enumerate(answers)
        )
        CallLogEntry.objects.create(
            incident=request,
            actor=by,
            kind=EntryKind.FILED,
            event="request_filed",
            data={
                "request_type": request_type.name,
                "approver": str(request.approver) if needs_approval else "",
            },
            is_public=True,
            to_status=status,
            at=now,
        )
        refresh_search_document(request.pk)
        rows = answer_lines(request)
        context = {"summary": summary, "site": site, "room": room, "answers": rows}
        notifications.notify(
            event=Event.FILED,
            incident=request,
            recipients=notifications.desk_people(site.school_id),
            actor=by,
            template="request_filed_desk",
            context=context,
        )
        if needs_approval:
            notifications.notify(
                event=Event.APPROVAL_NEEDED,
                incident=request,
                recipients=[request.approver],
                actor=by,
                template="approval_needed",
                context=context,
            )
    return request


def answer_lines(request: Incident) -> list[dict[str, str]]:
    """The request's answers as written, with the labels they were asked with."""
    return [
        {"label": answer.label, "value": answer.value}
        for answer in RequestAnswer.objects.filter(incident=request).order_by("order", "id")
    ]


def request_approve(*, incident: Incident, by: Any, version: int, note: str = "") -> Incident:
    """The approver says yes: the request goes to the desk and its target clock starts."""
    with transition(incident, "approve", by, version) as step:
        current = step.incident
        step.set(approval=Approval.APPROVED, approval_decided_at=step.now, approval_reason=note)
        apply_targets(current)
        step.fields |= {"response_due_at", "resolution_due_at"}
        step.log("approved", kind=EntryKind.STATUS, public=True, text=note, note=note)
        step.notify(Event.APPROVED, [current.reporter], "approved", note=note)
        step.notify(
            Event.APPROVED,
            [current.owner] if current.owner else notifications.desk_people(current.school_id),
            "approved_desk",
            note=note,
        )
    return step.incident


def request_decline(*, incident: Incident, by: Any, version: int, reason: str) -> Incident:
    """The approver says no, with their reason: the request is closed with it and the
    person who asked is told."""
    reason = reason.strip()
    with transition(incident, "decline", by, version) as step:
        if not reason:
            raise InvalidInput("Say why it is declined: the person who asked is told.")
        current = step.incident
        resolution = f"Declined by {by}: {reason}"
        step.set(
            approval=Approval.DECLINED,
            approval_decided_at=step.now,
            approval_reason=reason,
            closure_code=ClosureCode.DECLINED,
            resolution=resolution,
            closed_at=step.now,
            closed_by=by,
            user_notified_at=step.now,
        )
        step.log("declined", kind=EntryKind.STATUS, public=True, text=reason, reason=reason)
        step.notify(Event.DECLINED, [current.reporter], "declined", reason=reason)
        step.notify(
            Event.DECLINED,
            [current.owner] if current.owner else notifications.desk_people(current.school_id),
            "declined_desk",
            reason=reason,
        )
    return step.incident
