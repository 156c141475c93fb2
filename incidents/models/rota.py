"""The technicians' visit rota: who visits which school on which weekday, every week or
every few weeks from a start date, and the exceptions (a visit cancelled on a date, an
extra or moved visit on another date). Which visits happen is worked out by
`incidents.rota`, which also leaves out the days the school is closed.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from accounts.models import School

from .calendar import Weekday


def _technician_at_school(record) -> None:
    """A rota record's technician must be a technician at its school."""
    from accounts import roles

    if (
        record.technician_id
        and record.school_id
        and not roles.has_role(record.technician, roles.Role.TECHNICIAN, record.school_id)
    ):
        raise ValidationError(
            {"technician": f"{record.technician} is not a technician at {record.school}."}
        )


class RotaEntry(models.Model):
    """A technician's regular visit to a school: a weekday, every N weeks from a date."""

    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rota_entries"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="rota_entries")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    every_weeks = models.PositiveSmallIntegerField(
        "every",
        default=1,
        help_text="1 for every week, 2 for alternate weeks, and so on (up to 8).",
    )
    starts_on = models.DateField(
        "from", help_text="The first visit is on this weekday in this date's week or later."
    )
    ends_on = models.DateField("until", null=True, blank=True, help_text="Empty: no end.")
    arrives = models.TimeField(null=True, blank=True)
    leaves = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["school__name", "weekday", "technician__first_name", "pk"]
        verbose_name = "rota entry"
        verbose_name_plural = "rota entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(every_weeks__gte=1) & Q(every_weeks__lte=8),
                name="rota_every_one_to_eight_weeks",
                violation_error_message="Visit every 1 to 8 weeks.",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6),
                name="rota_weekday_in_range",
                violation_error_message="Choose a day of the week.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="rota_ends_after_it_starts",
                violation_error_message="The rota cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(arrives__isnull=True)
                | Q(leaves__isnull=True)
                | Q(leaves__gt=F("arrives")),
                name="rota_leaves_after_arriving",
                violation_error_message="The technician must leave after arriving.",
            ),
        ]
        indexes = [models.Index(fields=["school", "technician"], name="rota_school_technician")]

    def __str__(self) -> str:
        every = "every" if self.every_weeks == 1 else f"every {self.every_weeks} weeks on"
        return f"{self.technician} · {self.school} · {every} {self.get_weekday_display()}"

    def clean(self) -> None:
        _technician_at_school(self)

    @property
    def pattern(self) -> str:
        """How often, in words: "Every Tuesday", "Every 2 weeks on Thursday"."""
        day = self.get_weekday_display()
        if self.every_weeks == 1:
            return f"Every {day}"
        return f"Every {self.every_weeks} weeks on {day}"


class VisitChangeKind(models.TextChoices):
    CANCELLED = "cancelled", "Visit cancelled"
    EXTRA = "extra", "Extra or moved visit"


class VisitChange(models.Model):
    """An exception to the rota on one date: the technician's visit to the school that
    day is cancelled, or an extra visit is made (a moved visit is one of each)."""

    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visit_changes"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="visit_changes")
    day = models.DateField()
    kind = models.CharField(max_length=10, choices=VisitChangeKind.choices)
    reason = models.CharField(max_length=200, help_text="e.g. Training day, moved from Tuesday.")
    arrives = models.TimeField(null=True, blank=True)
    leaves = models.TimeField(null=True, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "school__name", "pk"]
        verbose_name = "visit change"
        constraints = [
            models.UniqueConstraint(
                fields=["technician", "school", "day"], name="visit_change_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(arrives__isnull=True)
                | Q(leaves__isnull=True)
                | Q(leaves__gt=F("arrives")),
                name="visit_change_leaves_after_arriving",
                violation_error_message="The technician must leave after arriving.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.technician} · {self.school} · {self.day:%d %b %Y}"

    def clean(self) -> None:
        _technician_at_school(self)
