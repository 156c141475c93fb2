"""Consultations with support groups: while a group works on it the target clock waits."""

from datetime import date, datetime
from typing import Any

from incidents.models import (
    Consultation,
    ConsultationStatus,
    EntryKind,
    Incident,
    SupportContact,
    SupportGroup,
)

from .core import transition
from .errors import InvalidInput


def consultation_open(
    *,
    incident: Incident,
    by: Any,
    group: SupportGroup,
    reason: str,
    contact: SupportContact | None = None,
    case_reference: str = "",
    chase_on: date | None = None,
    contacted_at: datetime | None = None,
    version: int,
) -> Consultation:
    """Consult a support group. While they are working on it the target clock waits."""
    with transition(incident, "consult", by, version) as step:
        if contact is not None and contact.group_id != group.pk:
            raise InvalidInput("That contact belongs to another group.")
        if not group.serves(step.incident.school):
            raise InvalidInput(f"{group} does not support this school.")
        consultation = Consultation.objects.create(
            incident=step.incident,
            group=group,
            contact=contact,
            reason=reason,
            case_reference=case_reference,
            chase_on=chase_on,
            contacted_at=contacted_at or step.now,
            opened_by=by,
        )
        data: dict[str, Any] = {
            "group": str(group),
            "contact": str(contact) if contact else "",
            "reason": reason,
            "case_reference": case_reference,
            "chase_on": chase_on.isoformat() if chase_on else "",
        }
        step.tell_owner("consulted", **data)
        step.log("consulted", kind=EntryKind.CONSULTATION, text=reason, **data)
    return consultation


def consultation_update(
    *,
    consultation: Consultation,
    by: Any,
    answer: str | None = None,
    case_reference: str | None = None,
    chase_on: date | None = None,
    close: bool = False,
    version: int,
) -> Consultation:
    """Record the group's answer or a new chase date, or close the consultation.

    `version` is the incident's: the consultation is part of it.
    """
    with transition(
        consultation.incident, "consultation_update", by, version, consultation=consultation
    ) as step:
        consultation = step.subjects["consultation"]
        data: dict[str, Any] = {"group": str(consultation.group)}
        if case_reference:
            consultation.case_reference = data["case_reference"] = case_reference
        if chase_on:
            consultation.chase_on = chase_on
            data["chase_on"] = chase_on.isoformat()
        if answer:
            consultation.answer = data["answer"] = answer
            consultation.status = ConsultationStatus.ANSWERED
            consultation.answered_at = step.now
        if close:
            consultation.status = ConsultationStatus.CLOSED
            consultation.closed_at = step.now
            data["closed"] = True
        if len(data) == 1:
            step.nothing_to_do()
            return consultation
        consultation.save()
        step.tell_owner("consultation_updated", **data)
        step.log("consultation_updated", kind=EntryKind.CONSULTATION, text=answer or "", **data)
    return consultation
