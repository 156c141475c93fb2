"""The call log and the incident diagnostics sheet: append-only history of a call."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .incident import Incident
from .states import Status


class EntryKind(models.TextChoices):
    FILED = "filed", "Incident sheet filed"
    STATUS = "status", "Status changed"
    MESSAGE_TO_USER = "message_to_user", "Message to the user"
    MESSAGE_FROM_USER = "message_from_user", "Message from the user"
    NOTE = "note", "Internal note"
    OWNERSHIP = "ownership", "Ownership"
    ASSIGNMENT = "assignment", "Technician support"
    DETAILS = "details", "Details changed"
    DIAGNOSTIC = "diagnostic", "Diagnostics"
    KNOWLEDGE = "knowledge", "Knowledge base"
    CONSULTATION = "consultation", "Consultation"
    PROBLEM = "problem", "Problem management"
    ATTACHMENT = "attachment", "Photo added"
    RESOLUTION = "resolution", "Resolution"
    WORKING_AGAIN = "working_again", "User says it works again"
    FILED_AWAY = "filed_away", "Put in the paper file"
    EMAIL = "email", "E-mail"


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """History rows are added, never rewritten or removed, not even in bulk.

    On PostgreSQL a trigger refuses the same at the database (migration `history_append_only`)."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} are never changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} are never deleted.")


class CallLogEntry(models.Model):
    """One line of the call log. Append-only: the audit trail is never edited."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="log")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    # What happened, as an event code and its data; the words shown and mailed are
    # rendered from templates/incidents/events/<event>.html (see incidents.history).
    event = models.CharField(max_length=40, default="legacy")
    data = models.JSONField(default=dict, blank=True)
    # The words the person typed, if any: kept for search only, never parsed.
    text = models.TextField(blank=True)
    is_public = models.BooleanField(default=False, help_text="Shown to the user.")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "call log entry"
        verbose_name_plural = "call log"
        indexes = [
            models.Index(fields=["incident", "at"], name="calllog_incident_at"),
            # "Priority set yet" on every list (incidents.priority_set): the few entries
            # that set it, so lists never read the whole call log to find them.
            models.Index(
                fields=["incident"],
                condition=Q(event="details_changed", data__priority_set=True),
                name="calllog_priority_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Call-log entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Call-log entries are never deleted.")

    @property
    def rendered(self) -> str:
        """What the entry says, in words, from its event's template."""
        from incidents.history import render_entry

        return render_entry(self)


class DiagnosticEntry(models.Model):
    """A line of the incident diagnostics sheet. Internal: never shown to the user."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="diagnostics")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField(default=timezone.now)
    action_taken = models.TextField()
    result = models.TextField(blank=True)
    minutes_spent = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["performed_at", "id"]
        verbose_name_plural = "diagnostic entries"

    def __str__(self) -> str:
        return f"{self.performed_at:%Y-%m-%d %H:%M} {self.action_taken[:40]}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Diagnostic entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Diagnostic entries are never deleted.")
