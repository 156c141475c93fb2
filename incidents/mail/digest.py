"""The daily digest: one e-mail a day with every notification that waited for it.

`send_digests()` is run by `manage.py send_digest` (every 15 minutes beside the
reminders): from MAIL_DIGEST_HOUR on, each person who chose the digest and has
something waiting gets one e-mail, at most once a day. A failing mail server leaves
the notifications waiting for the next run.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from incidents.models import EmailStatus, Notification

from .outgoing import build_digest

logger = logging.getLogger(__name__)


def send_digests() -> int:
    now = timezone.localtime()
    if now.hour < settings.MAIL_DIGEST_HOUR:
        return 0
    today = now.date()
    waiting = Notification.objects.filter(email_status=EmailStatus.DIGEST).values("recipient")
    people = get_user_model().objects.filter(pk__in=waiting).exclude(digest_sent_on=today)
    sent = 0
    for person in people:
        with transaction.atomic():
            locked = get_user_model().objects.select_for_update().get(pk=person.pk)
            if locked.digest_sent_on == today:
                continue
            notifications = list(
                Notification.objects.select_for_update(of=("self",))
                .filter(recipient=locked, email_status=EmailStatus.DIGEST)
                .select_related("incident")
                .order_by("created_at", "id")
            )
            if not notifications:
                continue
            try:
                build_digest(locked, notifications).send()
            except Exception as error:  # the mail server: try again on the next run
                logger.warning("Digest for %s not sent: %s", locked, error)
                continue
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
                email_status=EmailStatus.IN_DIGEST, sent_at=timezone.now()
            )
            locked.digest_sent_on = today
            locked.save(update_fields=["digest_sent_on"])
            sent += 1
    return sent
