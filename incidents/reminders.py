"""Reminders: what nobody is told by a move, because it comes due with time.

- a consultation's chase date has come: the technician who opened it and the owning desk;
- a problem is resolved: the people whose incidents are linked to it;
- a call resolved but not closed after some school days: the owning desk;
- a sheet waiting for the user's answer after some school days: the user.

`send_reminders` (the management command, run every few minutes) calls `send_due`.
Each reminder is recorded in `Reminder` under its kind and occasion, in the same
transaction as its notifications, so it is sent at most once however often it runs.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from . import notifications
from .models import (
    CallLogEntry,
    Consultation,
    ConsultationStatus,
    Event,
    HoldReason,
    Incident,
    Problem,
    ProblemStatus,
    Reminder,
    ReminderKind,
    Status,
)
from .targets import SchoolTime, school_time_for_site


def send_due(now: datetime | None = None) -> dict[str, int]:
    """Send every reminder that has come due and was not sent yet: how many of each kind."""
    now = now or timezone.now()
    school_times: dict[int | None, SchoolTime] = {}

    def school_time(site_id: int | None) -> SchoolTime:
        if site_id not in school_times:
            school_times[site_id] = school_time_for_site(site_id)
        return school_times[site_id]

    return {
        ReminderKind.CONSULTATION_DUE: _consultations_due(now),
        ReminderKind.PROBLEM_RESOLVED: _problems_resolved(now),
        ReminderKind.NOT_CLOSED: _not_closed(now, school_time),
        ReminderKind.WAITING_FOR_USER: _waiting_for_user(now, school_time),
    }


def _send_once(kind: str, due: Iterable[tuple[str, Callable[[], Any]]], now: datetime) -> int:
    """Run each `send` whose (kind, key) has no Reminder yet, recording it with it."""
    due = list(due)
    already = set(
        Reminder.objects.filter(kind=kind, key__in=[key for key, _ in due]).values_list(
            "key", flat=True
        )
    )
    sent = 0
    for key, send in due:
        if key in already:
            continue
        with transaction.atomic():
            _, created = Reminder.objects.get_or_create(
                kind=kind, key=key, defaults={"sent_at": now}
            )
            if created:  # another run may have sent it since
                send()
                sent += 1
    return sent


def _desk_of(incident: Incident) -> list[Any]:
    return [incident.owner] if incident.owner else notifications.desk_people(incident.school_id)


def _consultations_due(now: datetime) -> int:
    today = timezone.localdate(now)
    due = (
        Consultation.objects.filter(status=ConsultationStatus.OPEN, chase_on__lte=today)
        .exclude(incident__status=Status.CLOSED)
        .select_related("incident__owner", "group", "opened_by")
    )

    def sender(consultation: Consultation) -> Callable[[], Any]:
        incident = consultation.incident
        return lambda: notifications.notify(
            event=Event.CONSULTATION_DUE,
            incident=incident,
            recipients=[consultation.opened_by, *_desk_of(incident)],
            actor=None,
            template="consultation_due",
            context={
                "group": consultation.group,
                "contacted_on": consultation.contacted_at,
                "chase_on": consultation.chase_on,
                "case_reference": consultation.case_reference,
            },
        )

    return _send_once(
        ReminderKind.CONSULTATION_DUE,
        ((f"{c.pk}:{c.chase_on}", sender(c)) for c in due),
        now,
    )


def _problems_resolved(now: datetime) -> int:
    resolved = Problem.objects.filter(status=ProblemStatus.RESOLVED).prefetch_related(
        "incidents__reporter"
    )

    def sender(problem: Problem) -> Callable[[], Any]:
        def send() -> None:
            for incident in problem.incidents.all():
                notifications.notify(
                    event=Event.PROBLEM_RESOLVED,
                    incident=incident,
                    recipients=[incident.reporter],
                    actor=None,
                    template="problem_resolved",
                    context={"problem": problem},
                )

        return send

    return _send_once(
        ReminderKind.PROBLEM_RESOLVED,
        ((f"{p.pk}:{_stamp(p.resolved_at)}", sender(p)) for p in resolved),
        now,
    )


def _not_closed(now: datetime, school_time: Callable[[int | None], SchoolTime]) -> int:
    days = settings.REMIND_NOT_CLOSED_SCHOOL_DAYS
    resolved = Incident.objects.filter(
        status=Status.RESOLVED, resolved_at__isnull=False
    ).select_related("owner")
    due = [
        incident
        for incident in resolved
        if incident.resolved_at is not None
        and school_time(incident.site_id).school_days_after(incident.resolved_at, now) >= days
    ]

    def sender(incident: Incident) -> Callable[[], Any]:
        return lambda: notifications.notify(
            event=Event.NOT_CLOSED,
            incident=incident,
            recipients=_desk_of(incident),
            actor=None,
            template="not_closed",
            context={"days": days},
        )

    return _send_once(
        ReminderKind.NOT_CLOSED,
        ((f"{i.pk}:{_stamp(i.resolved_at)}", sender(i)) for i in due),
        now,
    )


def _waiting_for_user(now: datetime, school_time: Callable[[int | None], SchoolTime]) -> int:
    days = settings.REMIND_WAITING_SCHOOL_DAYS
    # Since when: the entry that put the call in the state it is in now.
    since = (
        CallLogEntry.objects.filter(incident=OuterRef("pk"), to_status=OuterRef("status"))
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    waiting = (
        Incident.objects.filter(
            Q(status=Status.AWAITING_USER) | Q(status=Status.ON_HOLD, hold_reason=HoldReason.USER)
        )
        .annotate(waiting_since=Subquery(since))
        .select_related("reporter")
    )
    due = [
        incident
        for incident in waiting
        if incident.waiting_since is not None
        and school_time(incident.site_id).school_days_after(incident.waiting_since, now) >= days
    ]

    def sender(incident: Any) -> Callable[[], Any]:
        return lambda: notifications.notify(
            event=Event.STILL_WAITING,
            incident=incident,
            recipients=[incident.reporter],
            actor=None,
            template="waiting_for_user",
            context={"since": incident.waiting_since},
        )

    return _send_once(
        ReminderKind.WAITING_FOR_USER,
        ((f"{i.pk}:{_stamp(i.waiting_since)}", sender(i)) for i in due),
        now,
    )


def _stamp(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""
