"""Problem management and the knowledge base the desk checks before calling a technician."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .calllog import AppendOnlyError
from .catalog import Category, Equipment, EquipmentKind
from .incident import format_reference
from .ownership import SharedOrSchoolOwned
from .states import PROBLEM_OPEN_STATUSES, ProblemStatus


class Problem(SharedOrSchoolOwned):
    """The unknown cause behind one or more incidents, or spotted before any came in."""

    title = models.CharField(max_length=200)
    description = models.TextField()
    status = models.CharField(
        max_length=15, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    proactive = models.BooleanField(
        default=False, help_text="Detected before any incident was reported."
    )
    root_cause = models.TextField(blank=True)
    workaround = models.TextField(blank=True)
    no_workaround_reason = models.TextField("why there is no workaround", blank=True)
    is_known_error = models.BooleanField("known error", default=False)
    resolution = models.TextField(blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="problems"
    )
    equipment = models.ForeignKey(
        Equipment, on_delete=models.SET_NULL, null=True, blank=True, related_name="problems"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("incidents:problem_detail", args=[self.reference])

    @property
    def reference(self) -> str:
        return format_reference("PRB", self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in PROBLEM_OPEN_STATUSES


class ProblemLogEntry(models.Model):
    """One line of a problem's history. Append-only, like the call log."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="log")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    from_status = models.CharField(max_length=15, choices=ProblemStatus.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=ProblemStatus.choices, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "problem history entry"
        verbose_name_plural = "problem history"

    def __str__(self) -> str:
        return f"{self.event} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Problem history entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Problem history entries are never deleted.")

    @property
    def rendered(self) -> str:
        """What the entry says, in words, from its event's template."""
        from incidents.history import render_entry

        return render_entry(self, folder="problem_events")


class ArticleKind(models.TextChoices):
    RESOLUTION = "resolution", "Resolution"
    KNOWN_ERROR = "known_error", "Known error"
    HOW_TO = "how_to", "How-to"


class KnowledgeArticle(SharedOrSchoolOwned):
    """A resolution or known error that lets the desk, or the user, fix it without a visit."""

    title = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=15, choices=ArticleKind.choices, default=ArticleKind.RESOLUTION
    )
    symptoms = models.TextField(help_text="What the user sees.")
    body = models.TextField("what to do", help_text="The fix or the workaround, step by step.")
    keywords = models.CharField(
        max_length=300, blank=True, help_text="Extra words people search with."
    )
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    equipment_kind = models.CharField(max_length=20, choices=EquipmentKind.choices, blank=True)
    problem = models.OneToOneField(
        Problem, on_delete=models.SET_NULL, null=True, blank=True, related_name="article"
    )
    is_published = models.BooleanField(
        default=True, help_text="Shown to users when they file a sheet."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("incidents:article_detail", args=[self.pk])
