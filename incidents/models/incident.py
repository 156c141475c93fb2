"""The call: an incident, the sheet the user wrote, its call log, diagnostics,
attachments and consultations with support groups."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import ProtectedError
from django.utils import timezone

from .catalog import (
    Category,
    Equipment,
    Impact,
    Priority,
    Room,
    Site,
    SupportContact,
    SupportGroup,
    Urgency,
)


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    AWAITING_USER = "awaiting_user", "Waiting for your answer"
    LOGGED = "logged", "Logged"
    ASSIGNED = "assigned", "Technician requested"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = [s for s in Status.values if s != Status.CLOSED]
ACTIVE_STATUSES = [s for s in Status.values if s not in (Status.RESOLVED, Status.CLOSED)]

STATUS_FOR_USER = {
    Status.SUBMITTED: "Received – the service desk will check it",
    Status.AWAITING_USER: "The service desk needs your answer",
    Status.LOGGED: "Logged by the service desk",
    Status.ASSIGNED: "A technician has been asked to help",
    Status.IN_PROGRESS: "Being worked on",
    Status.ON_HOLD: "On hold – waiting for parts or a supplier",
    Status.RESOLVED: "Resolved – tell us if it is not fixed",
    Status.CLOSED: "Closed",
}
# While on hold, what the user is told depends on what the call waits for.
ON_HOLD_FOR_USER = {
    "supplier": "On hold – waiting for a supplier",
    "parts": "On hold – waiting for parts",
    "user": "On hold – the service desk is waiting for your answer",
    "other": "On hold",
}


class Channel(models.TextChoices):
    WEB = "web", "Incident sheet (web)"
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    IN_PERSON = "in_person", "In person"


class HoldReason(models.TextChoices):
    SUPPLIER = "supplier", "Waiting for a supplier or third party"
    PARTS = "parts", "Waiting for parts"
    USER = "user", "Waiting for the user"
    OTHER = "other", "Other"


class ClosureCode(models.TextChoices):
    FIXED = "fixed", "Fixed"
    WORKAROUND = "workaround", "Workaround in place"
    RESOLVED_ITSELF = "resolved_itself", "Resolved itself"
    DUPLICATE = "duplicate", "Duplicate"
    NO_FAULT_FOUND = "no_fault_found", "No fault found"
    NOT_AN_INCIDENT = "not_an_incident", "Not an incident"


class ResolutionKind(models.TextChoices):
    FIX = "fix", "Fix"
    WORKAROUND = "workaround", "Workaround"


class IncidentQuerySet(models.QuerySet):
    def delete(self):
        raise ProtectedError("Incidents are never deleted: close them instead.", self)


class Incident(models.Model):
    """The call. Its status only ever changes through `incidents.workflow`."""

    summary = models.CharField("what is wrong, in a few words", max_length=200)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_incidents"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="entered_incidents",
        help_text="Who typed the sheet in: the reporter, or the desk on their behalf.",
    )
    channel = models.CharField(
        "how reported", max_length=12, choices=Channel.choices, default=Channel.WEB
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="incidents")
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    equipment = models.ForeignKey(
        Equipment, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    equipment_description = models.CharField(
        "equipment not in the list", max_length=200, blank=True
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    impact = models.PositiveSmallIntegerField(choices=Impact.choices, default=Impact.LOW)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.MEDIUM)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    hold_reason = models.CharField(max_length=12, choices=HoldReason.choices, blank=True)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_incidents",
        help_text="The service desk person who owns the call.",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="received_incidents",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_incidents",
        help_text="The technician working on it; empty while it waits in the technician pool.",
    )
    visit_date = models.DateField("planned technician visit", null=True, blank=True)
    technician_note = models.TextField("note for the technician", blank=True)

    created_at = models.DateTimeField("reported", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    logged_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    user_notified_at = models.DateTimeField(null=True, blank=True)

    # Target clock. Due times move on by the length of each pause when it ends.
    response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)

    known_fix_applied = models.BooleanField(default=False)
    knowledge_articles = models.ManyToManyField(
        "incidents.KnowledgeArticle", blank=True, related_name="incidents"
    )
    cause = models.TextField("cause found", blank=True)
    parts_used = models.TextField(blank=True)
    workaround = models.TextField(blank=True)
    resolution = models.TextField(blank=True)
    resolution_kind = models.CharField(max_length=12, choices=ResolutionKind.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolved_incidents",
    )
    closure_code = models.CharField(max_length=20, choices=ClosureCode.choices, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="closed_incidents",
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    problem = models.ForeignKey(
        "incidents.Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
    )
    reopen_count = models.PositiveSmallIntegerField(default=0)

    # The user's word that it works again, before a technician's visit.
    working_again_at = models.DateTimeField(null=True, blank=True)
    working_again_note = models.CharField(max_length=500, blank=True)

    # A technician's update the owner has not looked at yet.
    owner_unread = models.BooleanField(default=False)
    # One incident per submitted form, however often it is posted.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="incident_status_created"),
            models.Index(fields=["reporter", "-created_at"], name="incident_reporter_created"),
            models.Index(fields=["owner", "status"], name="incident_owner_status"),
            models.Index(fields=["assignee", "status"], name="incident_assignee_status"),
            models.Index(fields=["resolution_due_at"], name="incident_resolution_due"),
            models.Index(fields=["equipment", "-created_at"], name="incident_equipment_created"),
            models.Index(fields=["visit_date", "site"], name="incident_visit"),
            models.Index(fields=["priority", "-created_at"], name="incident_priority_created"),
            # Open calls by age (the queue's default view, the dashboard's oldest calls) and
            # the service report's periods by resolution and closure: see bench/README.md.
            models.Index(
                fields=["created_at"],
                condition=~models.Q(status="closed"),
                name="incident_open_created",
            ),
            models.Index(fields=["resolved_at"], name="incident_resolved_at"),
            models.Index(fields=["closed_at"], name="incident_closed_at"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.summary}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("incidents:detail", args=[self.reference])

    def delete(self, *args, **kwargs):
        raise ProtectedError("Incidents are never deleted: close them instead.", {self})

    @property
    def reference(self) -> str:
        return format_reference("INC", self.pk)

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def status_for_user(self) -> str:
        if self.status == Status.ON_HOLD and self.hold_reason in ON_HOLD_FOR_USER:
            return ON_HOLD_FOR_USER[self.hold_reason]
        return STATUS_FOR_USER[Status(self.status)]

    @property
    def workaround_history(self) -> list[dict]:
        """Every workaround recorded on the call, oldest first (see incidents.history)."""
        from incidents.history import workarounds

        return workarounds(self)

    @property
    def waits_for_user(self) -> bool:
        """The desk waits for the user's answer: asked for more, or on hold for them."""
        return self.status == Status.AWAITING_USER or (
            self.status == Status.ON_HOLD and self.hold_reason == HoldReason.USER
        )


def format_reference(prefix: str, pk: int | None) -> str:
    return f"{prefix}-{pk:06d}" if pk else f"{prefix}-new"


def parse_reference(prefix: str, reference: str) -> int | None:
    """`INC-000123` (or `123`) → 123; anything else → None, so lookups become 404s."""
    text = str(reference).strip().upper()
    if text.startswith(prefix + "-"):
        text = text[len(prefix) + 1 :]
    # ASCII digits only: `str.isdigit()` also takes "²" and "①", which `int()` refuses.
    if not (0 < len(text) <= 12 and text.isascii() and text.isdigit()):
        return None
    return int(text)


class TriedToRepeat(models.TextChoices):
    RECURRED = "recurred", "Yes – it happened again"
    DID_NOT_RECUR = "did_not_recur", "Yes – it did not happen again"
    NOT_TRIED = "not_tried", "No, I could not try"


class HadBefore(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "I don't know"


class IncidentSheet(models.Model):
    """The user's answers to the guide's questions, kept as written."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="sheet")
    tried_to_repeat = models.CharField(
        "did you try to make it happen again?", max_length=16, choices=TriedToRepeat.choices
    )
    expected = models.TextField("what did you expect to happen?")
    happened = models.TextField("what exactly happened?")
    checked = models.TextField("what did you check?", blank=True)
    last_worked = models.CharField(
        "when did it last work, to your knowledge?", max_length=200, blank=True
    )
    had_before = models.CharField(
        "has it had the same problem before?",
        max_length=10,
        choices=HadBefore.choices,
        default=HadBefore.UNKNOWN,
    )
    had_before_details = models.CharField("when, if you know", max_length=300, blank=True)
    further_info = models.TextField("anything else that might help?", blank=True)
    available_to_discuss = models.BooleanField(
        "can you talk it through with a technician?", default=False
    )
    availability = models.CharField("when are you available?", max_length=200, blank=True)
    answered_by = models.CharField(
        "answers given by",
        max_length=120,
        blank=True,
        help_text="When the desk wrote it down for someone.",
    )

    def __str__(self) -> str:
        return f"Sheet for {self.incident.reference}"


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
        indexes = [models.Index(fields=["incident", "at"], name="calllog_incident_at")]

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


def attachment_path(instance, filename: str) -> str:
    """A generated name: nothing the uploader chose reaches the file system."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ConsultationStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


class Consultation(models.Model):
    """An incident taken to a support group: why, when, their case reference, chasing."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="consultations")
    group = models.ForeignKey(SupportGroup, on_delete=models.PROTECT, related_name="consultations")
    contact = models.ForeignKey(
        SupportContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
    )
    reason = models.TextField("why they are consulted")
    contacted_at = models.DateTimeField("contacted", default=timezone.now)
    case_reference = models.CharField("their case reference", max_length=80, blank=True)
    chase_on = models.DateField("chase on", null=True, blank=True)
    answer = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-contacted_at", "-id"]
        indexes = [models.Index(fields=["status", "chase_on"], name="consultation_status_chase")]

    def __str__(self) -> str:
        return f"{self.group} for {self.incident.reference}"

    @property
    def waiting(self) -> bool:
        return self.status == ConsultationStatus.OPEN
