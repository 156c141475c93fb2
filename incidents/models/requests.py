"""Service requests: the catalogue the support admin keeps (request types, each with
its own questions, target and approval), and the answers a request was filed with.

A request is a call like an incident (`Incident.kind`): the same desk, queue and call
log handle it, but it is counted apart in every report and never becomes a problem.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .catalog import TargetHours
from .ownership import SharedOrSchoolOwned


class CallKind(models.TextChoices):
    """What a call is: something broken (an incident) or something asked for."""

    INCIDENT = "incident", "Incident"
    REQUEST = "request", "Request"


class Approval(models.TextChoices):
    """Where a request stands with its approver (empty: no approval needed)."""

    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class RequestType(SharedOrSchoolOwned):
    """One kind of thing people may ask the service desk for."""

    name = models.CharField(max_length=120)
    description = models.TextField(
        blank=True, help_text="What it covers and what to expect, in the words teachers read."
    )
    response_minutes = models.PositiveIntegerField(
        "respond within (minutes)", help_text="Counted from when the request may be worked on."
    )
    resolution_minutes = models.PositiveIntegerField("fulfil within (minutes)")
    hours = models.CharField(
        "counts",
        max_length=10,
        choices=TargetHours.choices,
        default=TargetHours.SCHOOL,
        help_text="School hours skip evenings, weekends, holidays and closure days.",
    )
    needs_approval = models.BooleanField(
        default=False, help_text="Nothing is done until the named approver says yes."
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approvable_request_types",
        help_text="Who approves it (needed when approval is).",
    )
    is_active = models.BooleanField(
        "offered", default=True, help_text="Untick to take it out of the catalogue."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=Q(school__isnull=True),
                name="request_type_name_unique_per_organisation",
                violation_error_message="The organisation already offers a request of that name.",
            ),
            models.UniqueConstraint(
                fields=["school", "name"],
                condition=Q(school__isnull=False),
                name="request_type_name_unique_per_school",
                violation_error_message="The school already offers a request of that name.",
            ),
            models.CheckConstraint(
                condition=Q(needs_approval=False) | Q(approver__isnull=False),
                name="request_type_approver_when_needed",
                violation_error_message="Name the person who approves it.",
            ),
            models.CheckConstraint(
                condition=Q(resolution_minutes__gte=models.F("response_minutes")),
                name="request_type_resolution_after_response",
                violation_error_message="Fulfilling it cannot come before responding to it.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def target_text(self) -> str:
        """The target as people read it: "3 d (school hours)"."""
        from incidents.targets.duration import format_target

        return format_target(self.resolution_minutes, self.hours == TargetHours.SCHOOL)


class QuestionKind(models.TextChoices):
    SHORT = "short", "Short text"
    LONG = "long", "Long text"
    YES_NO = "yes_no", "Yes or no"
    CHOICE = "choice", "Choice from options"


class RequestQuestion(models.Model):
    """One question of a request type's form."""

    request_type = models.ForeignKey(
        RequestType, on_delete=models.CASCADE, related_name="questions"
    )
    label = models.CharField(max_length=200)
    help_text = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices, default=QuestionKind.SHORT)
    options = models.TextField(
        blank=True, help_text="For a choice: one option a line (at least two)."
    )
    required = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.kind == QuestionKind.CHOICE and len(self.option_list) < 2:
            raise ValidationError({"options": "A choice needs at least two options, one a line."})


class RequestAnswer(models.Model):
    """An answer as the person wrote it, with the question's words at the time: a later
    change to the catalogue does not change what was asked."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="request_answers"
    )
    question = models.ForeignKey(
        RequestQuestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=200)
    value = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"
