"""Helpers for the service desk's tests: moving incidents along through the
workflow, posting the desk's prefixed forms, and making many incidents fast."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from incidents import workflow
from incidents.models import (
    CallLogEntry,
    Channel,
    Impact,
    Incident,
    Notification,
    Status,
    Urgency,
    priority_for,
)


def logged(incident, desk, *, category=None, impact=Impact.MEDIUM, urgency=Urgency.MEDIUM):
    """Accept the sheet and log it, as the desk."""
    return workflow.incident_accept(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        category=category,
        impact=impact,
        urgency=urgency,
    )


def assigned(incident, desk, technician=None, **accept):
    incident = logged(incident, desk, **accept)
    return workflow.incident_request_technician(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        technician=technician,
    )


def resolved(incident, desk, technician, resolution="Replaced the toner cartridge."):
    incident = assigned(incident, desk, technician)
    return workflow.incident_resolve(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        resolution=resolution,
    )


def fresh(incident) -> Incident:
    return Incident.objects.get(pk=incident.pk)


def post(client, incident, url_name, prefix, **fields):
    """POST a desk form for the incident; `version` defaults to the incident's own."""
    fields.setdefault("version", fresh(incident).version)
    data = {f"{prefix}-{name}": value for name, value in fields.items() if value is not None}
    return client.post(reverse(f"incidents:{url_name}", args=[incident.reference]), data)


def last_entry(incident, **filters) -> CallLogEntry | None:
    return CallLogEntry.objects.filter(incident=incident, **filters).order_by("-at", "-id").first()


def notifications_for(person, incident=None, event=None):
    qs = Notification.objects.filter(recipient=person)
    if incident is not None:
        qs = qs.filter(incident=incident)
    if event is not None:
        qs = qs.filter(event=event)
    return qs


def many_incidents(count, *, reporter, site, **fields) -> list[Incident]:
    """`count` incidents written straight to the table (no sheet, no log): for lists."""
    now = timezone.now()
    impact, urgency = fields.pop("impact", Impact.LOW), fields.pop("urgency", Urgency.MEDIUM)
    rows = []
    for n in range(count):
        created = fields.get("created_at", now - timedelta(minutes=n))
        rows.append(
            Incident(
                **{
                    "summary": f"Bulk incident number {n}",
                    "reporter": reporter,
                    "entered_by": reporter,
                    "channel": Channel.WEB,
                    "school_id": site.school_id,
                    "site": site,
                    "status": Status.SUBMITTED,
                    "impact": impact,
                    "urgency": urgency,
                    "priority": priority_for(impact, urgency),
                    "created_at": created,
                    "response_due_at": created + timedelta(hours=4),
                    "resolution_due_at": created + timedelta(days=3),
                    **fields,
                }
            )
        )
    return Incident.objects.bulk_create(rows)
