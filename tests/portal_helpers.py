"""Helpers for the user's-side tests: pictures made on the spot, and a filled-in sheet."""

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from incidents import workflow
from incidents.models import Notification
from incidents.tasks import deliver_notification


def image_bytes(fmt: str = "PNG", size=(40, 30), color=(200, 30, 30), **save_args) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt in ("PNG", "WEBP") else "RGB"
    Image.new(mode, size, color).save(out, fmt, **save_args)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_upload(name: str = "error screen.png") -> SimpleUploadedFile:
    return upload(name, image_bytes("PNG"))


def sheet_post(*, site, room=None, equipment=None, token=None, **overrides) -> dict:
    """A complete incident sheet as the browser posts it."""
    data = {
        "submission_token": str(token or uuid.uuid4()),
        "summary": "Projector shows no picture",
        "site": str(site.pk),
        "room": str(room.pk) if room else "",
        "equipment_query": "",
        "equipment": str(equipment.pk) if equipment else "",
        "equipment_description": "" if equipment else "The projector on the ceiling",
        "tried_to_repeat": "recurred",
        "expected": "The projector to show my slides.",
        "happened": "The lamp light is on but the screen says No signal.",
        "checked": "The HDMI cable is plugged in at both ends.",
        "last_worked": "Yesterday, period 5",
        "had_before": "yes",
        "had_before_details": "Last term, once",
        "further_info": "It works with the visualiser.",
        "available_to_discuss": "on",
        "availability": "Period 3 on Tuesday",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def deliver_all() -> None:
    """Send every queued notification e-mail now, as the worker would."""
    for pk in (
        Notification.objects.filter(email_status="pending")
        .order_by("id")
        .values_list("pk", flat=True)
    ):
        deliver_notification.call(pk)


def return_to_user(incident, desk, question="Which room is it in?"):
    return workflow.incident_return_to_user(
        version=workflow.current_version(incident), incident=incident, by=desk, question=question
    )


def accept(incident, desk, category=None):
    return workflow.incident_accept(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        category=category,
        impact=3,
        urgency=2,
    )
