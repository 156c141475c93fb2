"""School time: when a site is open, so targets that count school hours skip the rest.

A site's calendar lists its opening hours per weekday and the days it is closed
(school holidays such as half-term, INSET days, closures such as snow days); bank
holidays come from the `holidays` package for the calendar's part of the UK. A site
without a calendar keeps the default: Monday to Friday 08:00–17:00, closed on
England's bank holidays (see `incidents.targets.school_time`).
"""

from django.db import models
from django.db.models import F, Q

from .catalog import Site


class BankHolidayRegion(models.TextChoices):
    ENGLAND = "ENG", "England"
    WALES = "WLS", "Wales"
    SCOTLAND = "SCT", "Scotland"
    NORTHERN_IRELAND = "NIR", "Northern Ireland"
    NONE = "", "None (open on bank holidays)"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class SchoolCalendar(models.Model):
    """One site's school time."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="calendar")
    bank_holidays = models.CharField(
        "bank holidays of",
        max_length=3,
        choices=BankHolidayRegion.choices,
        default=BankHolidayRegion.ENGLAND,
        blank=True,
        help_text="The site is closed on this part of the UK's bank holidays.",
    )

    class Meta:
        ordering = ["site__name"]

    def __str__(self) -> str:
        return f"Calendar of {self.site}"


class OpeningHours(models.Model):
    """When the site is open on one weekday; a weekday without a row is closed."""

    calendar = models.ForeignKey(
        SchoolCalendar, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["calendar", "weekday"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "weekday"], name="opening_hours_one_per_weekday"
            ),
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="opening_hours_close_after_opening",
                violation_error_message="The site must close after it opens.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ClosureKind(models.TextChoices):
    HOLIDAY = "holiday", "School holiday (outside term)"
    INSET = "inset", "INSET day"
    CLOSURE = "closure", "Closure (snow day, emergency)"


class Closure(models.Model):
    """Days the site is closed, from the first to the last day inclusive."""

    calendar = models.ForeignKey(SchoolCalendar, on_delete=models.CASCADE, related_name="closures")
    kind = models.CharField(max_length=10, choices=ClosureKind.choices)
    name = models.CharField(max_length=120, help_text="e.g. October half-term.")
    first_day = models.DateField()
    last_day = models.DateField()

    class Meta:
        ordering = ["calendar", "first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="closure_ends_after_it_starts",
                violation_error_message="The last day cannot be before the first.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.first_day:%d %b %Y}–{self.last_day:%d %b %Y})"
