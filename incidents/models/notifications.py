"""What a person is told: an in-app notification, and the e-mail that carries it."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Event(models.TextChoices):
    FILED = "filed", "New incident sheet"
    MORE_INFO_NEEDED = "more_info_needed", "More information needed"
    USER_ANSWERED = "user_answered", "The user answered"
    LOGGED = "logged", "Incident logged"
    TECHNICIAN_REQUESTED = "technician_requested", "Technician support requested"
    OWNERSHIP = "ownership", "Ownership handed over"
    TECHNICIAN_UPDATE = "technician_update", "Technician update"
    MESSAGE = "message", "New message"
    WORKING_AGAIN = "working_again", "User says it works again"
    RESOLVED = "resolved", "Resolved"
    REOPENED = "reopened", "Not fixed – reopened"
    CLOSED = "closed", "Closed"
    CONSULTATION_DUE = "consultation_due", "Consultation to chase"
    PROBLEM_RESOLVED = "problem_resolved", "Problem resolved"
    NOT_CLOSED = "not_closed", "Resolved, not closed yet"
    STILL_WAITING = "still_waiting", "Still waiting for your answer"
    MAIL_RECEIVED = "mail_received", "Your e-mail was received"
    MAIL_REFUSED = "mail_refused", "Your e-mail could not be taken"
    REOPEN_OFFERED = "reopen_offered", "Reply to a closed call"
    APPROVAL_NEEDED = "approval_needed", "A request needs your approval"
    APPROVED = "approved", "Request approved"
    DECLINED = "declined", "Request declined"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    NOT_WANTED = "not_wanted", "Not sent (no address or turned off)"
    DIGEST = "digest", "Waiting for the daily digest"
    IN_DIGEST = "in_digest", "Sent in a daily digest"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    event = models.CharField(max_length=30, choices=Event.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    email_status = models.CharField(
        max_length=12, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["email_status"], name="notification_email_status"),
        ]

    def __str__(self) -> str:
        return self.subject


class ReminderKind(models.TextChoices):
    CONSULTATION_DUE = "consultation_due", "Consultation to chase"
    PROBLEM_RESOLVED = "problem_resolved", "Problem resolved"
    NOT_CLOSED = "not_closed", "Resolved but not closed"
    WAITING_FOR_USER = "waiting_for_user", "Waiting for the user's answer"


class Reminder(models.Model):
    """A reminder that was sent: one row per kind and occasion (`key`), so each is
    sent at most once however often `send_reminders` runs."""

    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    key = models.CharField(max_length=80)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="reminder_sent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
