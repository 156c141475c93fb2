"""The moves e-mail makes: a call filed by e-mail, a reply after closure, the
attachments that were not taken, and the reporter completing an e-mailed sheet.

A reply to an open call is the reporter's message (or their answer, while the desk
waits for one) and goes through `communication` and `triage` like the same words
typed on the incident's page.
"""

import uuid
from typing import Any

from django.conf import settings
from django.urls import reverse

from incidents import notifications
from incidents.models import (
    Channel,
    EntryKind,
    Event,
    HadBefore,
    Incident,
    IncidentSheet,
    Site,
)

from .core import transition
from .filing import incident_file

# One incident per received message, however often it is read.
MAIL_NAMESPACE = uuid.UUID("0c7f6b6e-3b1a-4d0e-9d4f-6a0e2b9f1e11")


def incident_file_by_email(
    *,
    by: Any,
    reporter: Any = None,
    summary: str,
    text: str,
    site: Site,
    message_id: str,
    photos: list[dict[str, Any]],
    follows: Incident | None = None,
) -> tuple[Incident, bool]:
    """A known person's e-mail becomes a submitted incident, received by e-mail.

    The subject is the summary and the text what exactly happened; the sheet's other
    answers are left empty for the desk's check to flag. The person is told it
    arrived and given the link to complete the sheet.
    """
    sheet = {
        "tried_to_repeat": "",
        "expected": "",
        "happened": text,
        "had_before": HadBefore.UNKNOWN,
    }
    if follows is not None:
        sheet["further_info"] = f"Follows on from {follows.reference}."
    incident, created = incident_file(
        by=by,
        reporter=reporter,
        summary=summary,
        site=site,
        sheet=sheet,
        channel=Channel.EMAIL,
        submission_token=uuid.uuid5(MAIL_NAMESPACE, message_id),
        photos=photos,
    )
    if created:
        notifications.notify(
            event=Event.MAIL_RECEIVED,
            incident=incident,
            recipients=[reporter],
            actor=None,
            template="mail_received",
            context={
                "follows": follows,
                "complete_link": settings.SITE_URL
                + reverse("incidents:complete_sheet", args=[incident.reference]),
            },
        )
    return incident, created


def incident_refuse_attachments(
    *, incident: Incident, by: Any, names: list[str], version: int
) -> Incident:
    """Note in the call log the attachments of the reporter's e-mail that were not taken."""
    with transition(incident, "refuse_attachments", by, version) as step:
        step.log(
            "attachments_refused",
            kind=EntryKind.EMAIL,
            public=True,
            text=" ".join(names),
            names=names,
        )
    return step.incident


def incident_reply_after_closure(
    *, incident: Incident, by: Any, text: str, version: int
) -> Incident:
    """The reporter's e-mail to a call closed within the reopen window: their message in
    the call log, the owner flagged and told, and the reporter offered a way back."""
    with transition(incident, "reply_after_closure", by, version) as step:
        current = step.incident
        if current.owner_id:
            step.set(owner_unread=True)
        step.log(
            "reporter_message",
            kind=EntryKind.MESSAGE_FROM_USER,
            public=True,
            text=text,
            message=text,
        )
        step.notify(
            Event.MESSAGE,
            [current.owner] if current.owner else notifications.desk_people(current.school_id),
            "reply_after_closure",
            message=text,
        )
    return step.incident


def incident_complete_sheet(
    *, incident: Incident, by: Any, answers: dict[str, Any], version: int
) -> Incident:
    """The reporter fills in the answers of a sheet sent by e-mail before it is logged."""
    with transition(incident, "complete_sheet", by, version) as step:
        sheet, _ = IncidentSheet.objects.select_for_update().get_or_create(incident=step.incident)
        changed = [name for name, value in answers.items() if getattr(sheet, name) != value]
        if not changed:
            step.nothing_to_do()
            return step.incident
        for name in changed:
            setattr(sheet, name, answers[name])
        sheet.save(update_fields=changed)
        step.reindex()
        current = step.incident
        if current.owner_id:
            step.set(owner_unread=True)
        labels = [str(IncidentSheet._meta.get_field(name).verbose_name) for name in changed]
        step.log("sheet_completed", kind=EntryKind.DETAILS, public=True, answers=labels)
        step.notify(
            Event.USER_ANSWERED,
            [current.owner] if current.owner else notifications.desk_people(current.school_id),
            "sheet_completed",
            answers=labels,
        )
    return step.incident
