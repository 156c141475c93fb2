"""What a received message becomes, in one transaction per message.

- automatic mail (auto-replies, bounces, bulk and list mail) and mail from our own
  addresses: recorded as ignored, nothing else happens;
- a reply carrying a genuine token (reply address or Message-ID of one of our
  e-mails) from the incident's reporter: their message in the call log (their
  answer, while the desk waits for one), photos attached, other files noted;
- from a known person: a submitted incident received by e-mail;
- from an unknown sender, or a sender over the hourly limit: kept for the desk's
  list of unrecognised mail, where it can be attached to a person or discarded.

The `InboundMail` row commits with what the message became, and its Message-ID is
unique: reading the same message again (after a worker was killed before it could
mark it handled on the server) finds the row and makes nothing twice.
"""

import logging
import warnings
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from mailparser_reply import EmailReplyParser

from accounts.models import School
from incidents import notifications, workflow
from incidents.models import (
    OPEN_STATUSES,
    Event,
    HoldReason,
    InboundMail,
    InboundStatus,
    Incident,
    Mailbox,
    Site,
    Status,
)
from incidents.uploads import PhotoRejected, clean_photo

from . import addresses
from .parse import Received, headers_only, parse

logger = logging.getLogger(__name__)

# Messages that count towards a sender's hourly limit.
COUNTED = (InboundStatus.FILED, InboundStatus.REPLY, InboundStatus.HELD)


def reply_text(text: str) -> str:
    """The new words of a reply: quoted text and the quoted header line stripped."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # the parser's own use of re
            stripped = EmailReplyParser(languages=["en"]).parse_reply(text=text)
    except Exception:  # the parser failing on odd text: keep the whole text
        stripped = text
    return (stripped or text).strip()


def schools_of(mailbox: Mailbox | None) -> frozenset[int] | None:
    """The schools a mailbox serves: its school, or every school of its organisation.
    None (a message handed in without a mailbox): every school."""
    if mailbox is None:
        return None
    if mailbox.school_id:
        return frozenset({mailbox.school_id})
    return frozenset(
        School.objects.filter(organisation=mailbox.organisation_id).values_list("pk", flat=True)
    )


def person_for(address: str, schools: frozenset[int] | None = None) -> Any:
    """The one active person with this e-mail address who belongs to one of the
    mailbox's schools, or None (unknown here, or an address people share)."""
    if not address:
        return None
    from incidents.selectors import people_at_schools

    people = get_user_model().objects.filter(is_active=True)
    if schools is not None:
        people = people_at_schools(schools)
    found = list(people.filter(email__iexact=address)[:2])
    return found[0] if len(found) == 1 else None


def site_for(person: Any, schools: frozenset[int] | None = None) -> Site | None:
    """Where the person reported last, if it is one of the mailbox's schools; else the
    first active site of their schools that the mailbox serves."""
    from incidents.selectors import last_place_reported_by, sites_for

    sites = sites_for(person).filter(is_active=True)
    if schools is not None:
        sites = sites.filter(school_id__in=schools)
    last = last_place_reported_by(person)
    if last is not None and sites.filter(pk=last.site.pk).exists():
        return last.site
    return sites.order_by("pk").first()


def _photos(received: Received) -> tuple[list[dict[str, Any]], list[str]]:
    """The pictures that pass the upload checks, and the names of those refused (why)."""
    photos, refused = [], []
    for picture in received.pictures:
        try:
            photos.append(clean_photo(ContentFile(picture.data, name=picture.name)))
        except PhotoRejected as why:
            refused.append(f"{picture.name} ({why})")
    return photos, refused + received.refused


def _over_limit(sender: str, now: Any) -> bool:
    since = now - timedelta(hours=1)
    # Senders are stored in lower case (incidents.mail.parse): the index serves this.
    recent = InboundMail.objects.filter(
        sender=sender.lower(), received_at__gte=since, status__in=COUNTED
    )
    return recent.count() >= settings.MAIL_SENDER_LIMIT_PER_HOUR


def receive(raw: bytes, *, mailbox: Mailbox | None = None) -> InboundMail | None:
    """Turn one message into what it should become. None: it was read before."""
    received = parse(raw, picture_limit=settings.UPLOAD_MAX_FILES)
    if InboundMail.objects.filter(message_id=received.message_id).exists():
        return None
    try:
        with transaction.atomic():
            record = InboundMail.objects.create(
                mailbox=mailbox,
                message_id=received.message_id,
                sender=received.sender,
                sender_name=received.sender_name,
                subject=received.subject,
                text=received.text,
                size=received.size,
                status=InboundStatus.IGNORED,
            )
            _dispatch(record, received, raw)
            record.save()
    except IntegrityError:
        if InboundMail.objects.filter(message_id=received.message_id).exists():
            return None  # another reader took it at the same moment
        raise
    return record


def refuse_oversized(
    raw_headers: bytes, size: int, *, mailbox: Mailbox | None
) -> InboundMail | None:
    """A message over MAIL_MAX_BYTES, read from its headers only: recorded as refused,
    and a known sender is told why (never an automatic one: no loops)."""
    received = headers_only(raw_headers)
    if InboundMail.objects.filter(message_id=received.message_id).exists():
        return None
    with transaction.atomic():
        record = InboundMail.objects.create(
            mailbox=mailbox,
            message_id=received.message_id,
            sender=received.sender,
            sender_name=received.sender_name,
            subject=received.subject,
            size=size,
            status=InboundStatus.REFUSED,
            reason=f"Too large: {size:,} bytes (the limit is {settings.MAIL_MAX_BYTES:,}).",
        )
        person = None
        if not received.automatic and not addresses.is_own(received.sender):
            person = person_for(received.sender, schools_of(mailbox))
        if person is not None:
            record.person = person
            record.save(update_fields=["person"])
            notifications.notify(
                event=Event.MAIL_REFUSED,
                incident=None,
                recipients=[person],
                actor=None,
                template="mail_refused",
                context={
                    "subject": received.subject or "(no subject)",
                    "size": size,
                    "limit": settings.MAIL_MAX_BYTES,
                    "photo_limit": settings.UPLOAD_MAX_BYTES,
                },
            )
    return record


def _dispatch(record: InboundMail, received: Received, raw: bytes) -> None:
    if received.automatic:
        record.reason = f"Automatic mail: {received.automatic}."
        return
    if addresses.is_own(received.sender):
        record.reason = "From our own address."
        return
    person = person_for(received.sender, schools_of(record.mailbox))
    record.person = person
    if person is None:
        _for_the_desk(record, raw, InboundStatus.UNRECOGNISED, "Nobody has this address.")
        return
    if _over_limit(received.sender, record.received_at):
        _for_the_desk(
            record,
            raw,
            InboundStatus.HELD,
            f"More than {settings.MAIL_SENDER_LIMIT_PER_HOUR} messages from this sender "
            "in an hour.",
        )
        return
    incident = _replied_incident(received, person)
    if incident is None and any(pair[1] == person.pk for pair in received.tokens):
        # Support staff answering a notification e-mail: not a new call of theirs.
        _for_the_desk(
            record,
            raw,
            InboundStatus.HELD,
            "A reply to a helpdesk e-mail from someone who did not report the call: "
            "write on the incident's page instead.",
        )
        return
    if incident is not None:
        if _take_reply(record, received, person, incident):
            return
        file_from(record, received, person, follows=incident)
        return
    file_from(record, received, person)


def _for_the_desk(record: InboundMail, raw: bytes, status: str, reason: str) -> None:
    record.status = status
    record.reason = reason
    record.raw = raw


def _replied_incident(received: Received, person: Any) -> Incident | None:
    """The incident a genuine token of this person points at, if they reported it."""
    for incident_id, person_id in received.tokens:
        if person_id != person.pk:
            continue
        incident = Incident.objects.filter(pk=incident_id, reporter=person).first()
        if incident is not None:
            return incident
    return None


def _take_reply(record: InboundMail, received: Received, person: Any, incident: Incident) -> bool:
    """The reply in the incident's call log. False: too late for it (a new sheet then)."""
    text = reply_text(received.text) or received.subject or "(an empty reply)"
    photos, refused = _photos(received)
    version = workflow.current_version(incident)
    incident.refresh_from_db()
    if incident.status == Status.CLOSED:
        if not workflow.within_reopen_window(incident):
            return False
        incident = workflow.incident_reply_after_closure(
            incident=incident, by=person, text=text, version=version
        )
        _offer_reopen(incident, person)
        refused += [f"{photo['original_name']} (the call is closed)" for photo in photos]
        photos = []
    elif incident.status == Status.AWAITING_USER:
        incident = workflow.incident_answer(
            incident=incident, by=person, answer=text, version=version
        )
    elif incident.status == Status.ON_HOLD and incident.hold_reason == HoldReason.USER:
        incident = workflow.incident_answer_hold(
            incident=incident, by=person, answer=text, version=version
        )
    elif incident.status in OPEN_STATUSES:
        incident = workflow.incident_reporter_reply(
            incident=incident, by=person, text=text, version=version
        )
        if incident.status == Status.RESOLVED:
            _offer_reopen(incident, person)
    if photos:
        workflow.incident_attach(
            incident=incident,
            by=person,
            photos=photos,
            version=workflow.current_version(incident),
        )
    if refused:
        workflow.incident_refuse_attachments(
            incident=incident, by=person, names=refused, version=workflow.current_version(incident)
        )
    record.status = InboundStatus.REPLY
    record.incident = incident
    record.text = text
    return True


def _offer_reopen(incident: Incident, person: Any) -> None:
    """The reporter wrote to a resolved or closed call: say where it stands and the way
    back (reopen on its page while resolved; a new sheet that follows on once closed)."""
    until = None
    if incident.resolved_at:
        until = incident.resolved_at + timedelta(days=settings.REOPEN_WINDOW_DAYS)
    notifications.notify(
        event=Event.REOPEN_OFFERED,
        incident=incident,
        recipients=[person],
        actor=None,
        template="reopen_offered",
        context={
            "until": until,
            "link": settings.SITE_URL + reverse("incidents:detail", args=[incident.reference]),
            "new_link": settings.SITE_URL + reverse("incidents:report"),
        },
    )


def file_from(
    record: InboundMail,
    received: Received,
    person: Any,
    *,
    follows: Incident | None = None,
    by_desk: Any = None,
) -> Incident | None:
    """A submitted incident from the message, for `person` (the sender, or whoever the
    desk attached it to)."""
    site = site_for(person, schools_of(record.mailbox))
    if site is None:
        _for_the_desk(record, b"", InboundStatus.HELD, "No site is set up to file it at.")
        return None
    photos, refused = _photos(received)
    summary = received.subject or (received.text.splitlines() or ["E-mail"])[0]
    incident, _ = workflow.incident_file_by_email(
        by=by_desk or person,
        reporter=person,
        summary=summary[:200] or "E-mail with no subject",
        text=received.text or "(The e-mail had no text.)",
        site=site,
        message_id=received.message_id,
        photos=photos,
        follows=follows,
    )
    if refused:
        workflow.incident_refuse_attachments(
            incident=incident, by=person, names=refused, version=workflow.current_version(incident)
        )
    record.status = InboundStatus.ATTACHED if by_desk else InboundStatus.FILED
    record.incident = incident
    record.person = person
    return incident


def attach_to_person(record: InboundMail, *, person: Any, by: Any) -> Incident | None:
    """The desk says who sent a message from the list: it becomes their incident."""
    with transaction.atomic():
        locked = InboundMail.objects.select_for_update().get(pk=record.pk)
        if locked.status not in (InboundStatus.UNRECOGNISED, InboundStatus.HELD):
            return locked.incident
        received = parse(bytes(locked.raw), picture_limit=settings.UPLOAD_MAX_FILES)
        incident = file_from(locked, received, person, by_desk=by)
        if incident is None:
            return None
        locked.handled_by, locked.handled_at, locked.raw = by, timezone.now(), b""
        locked.save()
    return incident


def discard(record: InboundMail, *, by: Any) -> None:
    """The desk throws a message of the list away: its content is not kept."""
    with transaction.atomic():
        locked = InboundMail.objects.select_for_update().get(pk=record.pk)
        if locked.status not in (InboundStatus.UNRECOGNISED, InboundStatus.HELD):
            return
        locked.status = InboundStatus.DISCARDED
        locked.handled_by, locked.handled_at = by, timezone.now()
        locked.raw, locked.text = b"", ""
        locked.save()
