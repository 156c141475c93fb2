"""The incident sheet: the user's answers to the guide's questions, kept as written."""

from django.db import models

from .incident import Incident


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
