"""Filing: the incident sheet, by the user or by the desk on the user's behalf."""

import uuid
from collections.abc import Iterable
from typing import Any, cast

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts import roles
from incidents import notifications
from incidents.models import (
    Attachment,
    CallLogEntry,
    Channel,
    EntryKind,
    Equipment,
    Event,
    Incident,
    IncidentSheet,
    Room,
    Site,
    Status,
    priority_for,
)
from incidents.search import new_document
from incidents.targets import apply_targets

from .errors import InvalidInput, NotAllowed


def incident_file(
    *,
    by: Any,
    reporter: Any = None,
    summary: str,
    site: Site,
    room: Room | None = None,
    equipment: Equipment | None = None,
    equipment_description: str = "",
    sheet: dict[str, Any],
    channel: str = Channel.WEB,
    submission_token: uuid.UUID | None = None,
    photos: Iterable[dict[str, Any]] = (),
    token_checked: bool = False,
) -> tuple[Incident, bool]:
    """File an incident sheet, by the user or by the desk on the user's behalf.

    Returns (incident, created). A repeated submission of the same form (same
    token) returns the incident it already made, so a double click makes one.
    `token_checked`: the caller has just read that no incident has this token (a
    copy that wins the race in between is still caught by the token's uniqueness).
    """
    reporter = reporter or by
    if reporter.pk != by.pk and not roles.has_role(by, roles.Role.DESK, site.school_id):
        raise NotAllowed("Only the school's service desk may log a call for someone else.")
    check_school(site, room, equipment, reporter)
    if submission_token is not None and not token_checked:
        existing = _already_filed(submission_token, reporter)
        if existing is not None:
            return existing, False
    try:
        return _file_new(
            by=by,
            reporter=reporter,
            summary=summary,
            site=site,
            room=room,
            equipment=equipment,
            equipment_description=equipment_description,
            sheet=sheet,
            channel=channel,
            submission_token=submission_token,
            photos=photos,
        ), True
    except IntegrityError:
        # Two copies of the same form raced: the other one made the incident.
        existing = _already_filed(submission_token, reporter) if submission_token else None
        if existing is None:
            raise
        return existing, False


def check_school(site: Site, room: Room | None, equipment: Equipment | None, reporter: Any):
    """The sheet stays inside one school: the reporter belongs to the site's school,
    and the room and the equipment are that school's."""
    if site.school_id not in roles.schools_where(reporter):
        raise InvalidInput(f"{reporter} does not belong to the school of {site}.")
    site_ids = {thing.site_id for thing in (room, equipment) if thing is not None}
    site_ids.discard(site.pk)
    if site_ids and Site.objects.filter(pk__in=site_ids).exclude(school_id=site.school_id):
        raise InvalidInput("The room and the equipment must be at the school of the site.")


def _already_filed(submission_token: uuid.UUID, reporter: Any) -> Incident | None:
    existing = Incident.objects.filter(submission_token=submission_token).first()
    if existing is not None and existing.reporter_id != reporter.pk:
        raise NotAllowed("That form was already used.")
    return existing


def _file_new(
    *,
    by: Any,
    reporter: Any,
    summary: str,
    site: Site,
    room: Room | None,
    equipment: Equipment | None,
    equipment_description: str,
    sheet: dict[str, Any],
    channel: str,
    submission_token: uuid.UUID | None,
    photos: Iterable[dict[str, Any]],
) -> Incident:
    now = timezone.now()
    with transaction.atomic():
        incident = Incident(
            summary=summary,
            reporter=reporter,
            entered_by=by,
            channel=channel,
            school_id=cast(int, site.school_id),
            site=site,
            room=room,
            equipment=equipment,
            equipment_description=equipment_description,
            submission_token=submission_token,
            created_at=now,
        )
        incident.priority = priority_for(incident.impact, incident.urgency)
        apply_targets(incident)
        answers = IncidentSheet(**sheet)
        # Its search document in the same INSERT (the words of the summary and the
        # sheet: the call log has no typed text yet), not rewritten by an UPDATE.
        incident.search_document = new_document(summary, answers, vendor=connection.vendor)
        incident.save()
        # What came back is left unloaded, as on every incident read: a later save
        # of this instance never writes it back over a newer document.
        incident.__dict__.pop("search_document", None)
        answers.incident = incident
        answers.save(force_insert=True)
        for photo in photos:
            Attachment.objects.create(incident=incident, uploaded_by=by, **photo)
        CallLogEntry.objects.create(
            incident=incident,
            actor=by,
            kind=EntryKind.FILED,
            event="filed",
            data={
                "channel": "" if channel == Channel.WEB else incident.get_channel_display(),
                "by": str(by),
                "reporter": str(reporter) if reporter.pk != by.pk else "",
            },
            is_public=True,
            to_status=Status.SUBMITTED,
            at=now,
        )
        context = {"reporter": reporter, "summary": summary, "site": site, "room": room}
        notifications.notify(
            event=Event.FILED,
            incident=incident,
            recipients=notifications.desk_people(site.school_id),
            actor=by,
            template="filed_desk",
            context=context,
            all_staff=True,
        )
        if reporter.pk != by.pk:
            notifications.notify(
                event=Event.FILED,
                incident=incident,
                recipients=[reporter],
                actor=by,
                template="filed_reporter",
                context=context,
            )
    return incident
