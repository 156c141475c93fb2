"""Consultations: an incident taken to a support group."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .catalog import SupportContact, SupportGroup
from .incident import Incident


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
