"""Reading a mailbox over IMAP: sign in, take each unread message, mark it handled.

A message is marked handled (\\Seen) on the server only after the transaction of
what it became has committed. A worker killed in between leaves the message
unread on the server; the next run reads it again, finds its Message-ID already
recorded and only marks it. A worker killed before the commit leaves nothing
behind, and the message is read again. Nothing is lost and nothing is made twice.

Every network call has a timeout: a server that accepts the connection and never
answers fails the run (and the next run tries again) instead of hanging the loop.
"""

import contextlib
import json
import logging
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from imap_tools import AND, MailBox, MailBoxUnencrypted, MailMessageFlags

from incidents.models import MailAuth, Mailbox

from . import intake

logger = logging.getLogger(__name__)


class MailboxError(Exception):
    """The mailbox could not be read; the message says why, for the admin."""


@dataclass
class Tally:
    read: int = 0
    taken: int = 0
    already: int = 0
    refused: int = 0
    failed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def oauth_token(mailbox: Mailbox) -> str:
    """An access token from the mailbox's token endpoint (client credentials grant)."""
    secret = mailbox.secret(mailbox.oauth_client_secret_env)
    if not (mailbox.oauth_token_url and mailbox.oauth_client_id and secret):
        raise MailboxError(
            "OAuth 2.0 needs the token endpoint, the client id and the client secret "
            f"(environment variable {mailbox.oauth_client_secret_env or '(not named)'})."
        )
    if not mailbox.oauth_token_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise MailboxError("The OAuth token endpoint must use https.")
    body = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": mailbox.oauth_client_id,
            "client_secret": secret,
            "scope": mailbox.oauth_scope,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        mailbox.oauth_token_url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.MAIL_TIMEOUT_SECONDS) as answer:  # noqa: S310
            token = json.loads(answer.read(100_000)).get("access_token", "")
    except (OSError, ValueError) as error:
        raise MailboxError(f"The OAuth token endpoint did not give a token: {error}") from None
    if not token:
        raise MailboxError("The OAuth token endpoint's answer had no access_token.")
    return token


def connect(mailbox: Mailbox) -> MailBox | MailBoxUnencrypted:
    kind = MailBox if mailbox.use_tls else MailBoxUnencrypted
    client: MailBox | MailBoxUnencrypted = kind(
        mailbox.host, mailbox.port, timeout=settings.MAIL_TIMEOUT_SECONDS
    )
    try:
        if mailbox.auth == MailAuth.OAUTH2:
            client.xoauth2(mailbox.username, oauth_token(mailbox), initial_folder=mailbox.folder)
        else:
            password = mailbox.secret(mailbox.password_env)
            if not password:
                raise MailboxError(
                    f"The password variable {mailbox.password_env or '(not named)'} is not set."
                )
            client.login(mailbox.username, password, initial_folder=mailbox.folder)
    except Exception as error:
        with contextlib.suppress(Exception):
            client.client.shutdown()
        if isinstance(error, MailboxError):
            raise
        raise MailboxError(f"Could not sign in to {mailbox.host}: {error}") from None
    return client


_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


def _size_and_headers(client: MailBox | MailBoxUnencrypted, uid: str) -> tuple[int, bytes]:
    _status, data = client.client.uid("FETCH", uid, "(RFC822.SIZE BODY.PEEK[HEADER])")
    size, headers = 0, b""
    for item in data or []:
        if isinstance(item, tuple):
            found = _SIZE.search(item[0])
            size = int(found.group(1)) if found else size
            headers = item[1]
    return size, headers


def _body(client: MailBox | MailBoxUnencrypted, uid: str) -> bytes:
    _status, data = client.client.uid("FETCH", uid, "(BODY.PEEK[])")
    for item in data or []:
        if isinstance(item, tuple):
            return item[1]
    raise MailboxError(f"The server sent no body for message {uid}.")


def mark_handled(client: MailBox | MailBoxUnencrypted, uid: str) -> None:
    client.flag(uid, MailMessageFlags.SEEN, True)


def read_mailbox(mailbox: Mailbox, *, limit: int | None = None) -> Tally:
    """Take the unread messages of one mailbox, oldest first, one transaction each."""
    tally = Tally()
    limit = limit or settings.MAIL_BATCH
    client = connect(mailbox)
    try:
        uids = client.uids(AND(seen=False))[:limit]
        for uid in uids:
            tally.read += 1
            size, headers = _size_and_headers(client, uid)
            if size > settings.MAIL_MAX_BYTES:
                record = intake.refuse_oversized(headers, size, mailbox=mailbox)
                tally.refused += 1
            else:
                try:
                    record = intake.receive(_body(client, uid), mailbox=mailbox)
                except MailboxError:
                    raise
                except Exception:
                    # A message the product cannot take stays unread for the next run
                    # and the admin's attention; the others go on.
                    logger.exception("Message %s of %s could not be taken", uid, mailbox)
                    tally.failed += 1
                    continue
            if record is None:
                tally.already += 1
            else:
                tally.taken += 1
                tally.outcomes[record.status] = tally.outcomes.get(record.status, 0) + 1
            mark_handled(client, uid)  # only now: what it became has committed
    finally:
        try:
            client.logout()
        except Exception:  # the connection is gone already
            logger.debug("logout failed", exc_info=True)
    return tally


def read_all() -> dict[str, Tally | str]:
    """Every active mailbox; one that fails does not stop the others."""
    results: dict[str, Tally | str] = {}
    for mailbox in Mailbox.objects.filter(active=True).order_by("pk"):
        try:
            results[mailbox.name] = read_mailbox(mailbox)
            error = ""
        except (MailboxError, OSError) as failure:
            error = str(failure)[:500]
            results[mailbox.name] = error
            logger.warning("Mailbox %s: %s", mailbox, error)
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_checked_at=timezone.now(), last_error=error
        )
    return results
