"""E-mail in: the mailboxes the worker reads, and every message it has read.

A `Mailbox` is set up by the support admin (Django admin). Its secrets are never
stored: the password, or the OAuth 2.0 client secret, is read from the environment
variable the mailbox names, so the database and its backups hold no credentials.

An `InboundMail` row is written in the same transaction as whatever the message
became (an incident, a reply in a call log, an entry in the desk's list of
unrecognised mail), and its Message-ID is unique: a message read twice makes one.
"""

import os

from django.conf import settings
from django.db import models
from django.utils import timezone

from .ownership import SharedOrSchoolOwned


class MailAuth(models.TextChoices):
    PASSWORD = "password", "Password"
    OAUTH2 = "oauth2", "OAuth 2.0 (XOAUTH2: Microsoft 365, Google Workspace)"


class Mailbox(SharedOrSchoolOwned):
    """A school's mailbox, or one the organisation's central desk reads for all its
    schools (no school)."""

    name = models.CharField(max_length=100)
    host = models.CharField("IMAP server", max_length=200)
    port = models.PositiveIntegerField("IMAP port", default=993)
    use_tls = models.BooleanField(
        "TLS", default=True, help_text="Connect with TLS (IMAPS, usually port 993)."
    )
    username = models.CharField(max_length=200)
    auth = models.CharField(
        "sign-in", max_length=10, choices=MailAuth.choices, default=MailAuth.PASSWORD
    )
    password_env = models.CharField(
        "password variable",
        max_length=100,
        blank=True,
        help_text="The name of the environment variable that holds the password.",
    )
    oauth_token_url = models.URLField("OAuth token endpoint", blank=True)
    oauth_client_id = models.CharField("OAuth client id", max_length=200, blank=True)
    oauth_client_secret_env = models.CharField(
        "OAuth client secret variable",
        max_length=100,
        blank=True,
        help_text="The name of the environment variable that holds the client secret.",
    )
    oauth_scope = models.CharField(
        "OAuth scope",
        max_length=300,
        blank=True,
        default="https://outlook.office365.com/.default",
    )
    folder = models.CharField(max_length=200, default="INBOX")
    address = models.EmailField(
        "reply address",
        help_text="The address people write to; replies to the desk's e-mails come back here.",
    )
    active = models.BooleanField(default=True)
    last_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def secret(self, variable: str) -> str:
        """The value of the environment variable the mailbox names ("" when unset)."""
        return os.environ.get(variable, "") if variable else ""


class InboundStatus(models.TextChoices):
    FILED = "filed", "Became an incident"
    REPLY = "reply", "Added to an incident's call log"
    UNRECOGNISED = "unrecognised", "From an unknown sender"
    HELD = "held", "Held: too many messages from this sender"
    IGNORED = "ignored", "Ignored: automatic, bulk or our own mail"
    REFUSED = "refused", "Refused: too large"
    ATTACHED = "attached", "Attached to a person by the desk"
    DISCARDED = "discarded", "Discarded by the desk"


# What waits for the desk in the list of unrecognised mail.
WAITING_FOR_DESK: tuple[InboundStatus, ...] = (InboundStatus.UNRECOGNISED, InboundStatus.HELD)


class InboundMail(models.Model):
    """One message read from a mailbox, and what became of it."""

    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    message_id = models.CharField(max_length=300, unique=True)
    sender = models.CharField(max_length=254, blank=True)
    sender_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    # The message as received, kept only while the desk may still attach it to a person.
    raw = models.BinaryField(blank=True, default=b"")
    size = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=InboundStatus.choices)
    reason = models.CharField(max_length=300, blank=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_mail",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_mail",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "received e-mail"
        verbose_name_plural = "received e-mail"
        indexes = [
            models.Index(fields=["status", "-received_at"], name="inbound_status_received"),
            models.Index(fields=["sender", "received_at"], name="inbound_sender_received"),
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"
