"""Reply addresses and Message-IDs that map a reply to its incident, safely.

Each e-mail the product sends to a person about an incident carries a token
`i<incident>p<person>-<signature>`: in its Reply-To (`helpdesk+TOKEN@school`) and
in its Message-ID, which mail clients quote back in In-Reply-To and References.
The signature is an HMAC with the site's secret key, so a token cannot be made up
for another incident, and an incident reference typed in a subject is never trusted.
All e-mails about one incident refer to the same thread root, so mail clients
show them as one conversation.
"""

import re
from email.utils import parseaddr

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "incidents.mail.reply"
TOKEN = re.compile(r"\bi(\d{1,12})p(\d{1,12})-([0-9a-f]{20})\b", re.IGNORECASE)


def _sign(base: str) -> str:
    return salted_hmac(SALT, base, algorithm="sha256").hexdigest()[:20]


def reply_token(incident_id: int, person_id: int) -> str:
    base = f"i{incident_id}p{person_id}"
    return f"{base}-{_sign(base)}"


def read_tokens(*texts: str) -> list[tuple[int, int]]:
    """The (incident, person) pairs of the genuine tokens found in the texts, in order."""
    found: list[tuple[int, int]] = []
    for text in texts:
        for incident_id, person_id, signature in TOKEN.findall(text or ""):
            base = f"i{int(incident_id)}p{int(person_id)}"
            pair = (int(incident_id), int(person_id))
            if constant_time_compare(_sign(base), signature.lower()) and pair not in found:
                found.append(pair)
    return found


def base_address(school_id: int | None = None) -> str:
    """The address people write to: the school's own mailbox, else its organisation's,
    else the first active mailbox's, else the sender's."""
    from django.db.models import Case, IntegerField, Q, Value, When

    from accounts.models import School
    from incidents.models import Mailbox

    mailboxes = Mailbox.objects.filter(active=True).order_by("pk")
    if school_id is not None:
        organisation = School.objects.filter(pk=school_id).values("organisation_id")
        nearness = Case(
            When(school_id=school_id, then=Value(0)),
            When(Q(school__isnull=True, organisation_id__in=organisation), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        mailboxes = mailboxes.alias(nearness=nearness).order_by("nearness", "pk")
    address = mailboxes.values_list("address", flat=True).first()
    return address or parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "helpdesk@localhost"


def domain() -> str:
    return base_address().rpartition("@")[2] or "localhost"


def reply_address(incident_id: int, person_id: int, school_id: int | None = None) -> str:
    local, _, host = base_address(school_id).rpartition("@")
    return f"{local}+{reply_token(incident_id, person_id)}@{host}"


def thread_root(incident_id: int) -> str:
    """The Message-ID every e-mail about the incident refers to."""
    return f"<incident-{incident_id}.{_sign(f'thread{incident_id}')[:12]}@{domain()}>"


def message_id(notification_id: int, incident_id: int | None, person_id: int) -> str:
    token = reply_token(incident_id, person_id) if incident_id else "n"
    return f"<{token}.n{notification_id}@{domain()}>"


def own_addresses() -> set[str]:
    """Every address the product sends from or reads: mail from them is never taken."""
    from incidents.models import Mailbox

    addresses = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1], parseaddr(settings.SERVER_EMAIL)[1]}
    addresses |= set(Mailbox.objects.values_list("address", flat=True))
    return {a.lower() for a in addresses if a}


def is_own(address: str) -> bool:
    local, _, host = address.lower().rpartition("@")
    plain = f"{local.split('+', 1)[0]}@{host}"
    return plain in own_addresses() or address.lower() in own_addresses()
