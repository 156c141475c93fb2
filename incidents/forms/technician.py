"""Forms of the technician's side: holds, the diagnostics sheet, the cause, resolutions,
consultations with support groups and escalation into problem management.

Forms only validate; the moves themselves are made by `incidents.workflow`.
"""

from typing import Any, cast

from django import forms
from django.utils import timezone

from incidents import selectors
from incidents.models import (
    PROBLEM_OPEN_STATUSES,
    Consultation,
    HoldReason,
    Incident,
    Problem,
    ResolutionKind,
    Site,
    SupportContact,
    SupportGroup,
)

from .base import BaseForm, VersionedForm
from .fields import DateInput, DateTimeLocalInput, MultiLineField, SingleLineField

# ---------------------------------------------------------------- the incident


class HoldForm(VersionedForm):
    reason = forms.ChoiceField(label="Why is it on hold?", choices=HoldReason.choices)
    note = MultiLineField(
        label="Note",
        required=False,
        max_length=500,
        rows=2,
        help_text="Shown to the user in the call log, e.g. when the part is expected.",
    )


class DiagnosticForm(BaseForm):
    """One line of the incident diagnostics sheet. Internal: the user never sees it."""

    performed_at = forms.DateTimeField(
        label="Date and time",
        widget=DateTimeLocalInput,
        required=False,
        help_text="Leave empty for now.",
    )
    action_taken = MultiLineField(label="Action taken", max_length=4000, rows=3)
    result = MultiLineField(label="Result", required=False, max_length=4000, rows=2)
    minutes_spent = forms.IntegerField(
        label="Time spent (minutes)", min_value=0, max_value=24 * 60, initial=0, required=False
    )

    def clean_performed_at(self):
        value = self.cleaned_data.get("performed_at")
        if value and value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("That time is in the future.")
        return value

    def clean_minutes_spent(self):
        return self.cleaned_data.get("minutes_spent") or 0


class CauseForm(BaseForm):
    cause = MultiLineField(label="Cause found", required=False, max_length=4000, rows=2)
    parts_used = MultiLineField(label="Parts used", required=False, max_length=2000, rows=2)
    workaround = MultiLineField(
        label="Workaround in place",
        required=False,
        max_length=4000,
        rows=2,
        help_text="What gets people working again while the real fix waits.",
    )

    @classmethod
    def for_incident(cls, incident: Incident, **kwargs):
        initial = {
            "cause": incident.cause,
            "parts_used": incident.parts_used,
            "workaround": incident.workaround,
        }
        return cls(initial=initial, **kwargs)


class ResolveForm(VersionedForm):
    kind = forms.ChoiceField(
        label="Resolved with",
        choices=ResolutionKind.choices,
        initial=ResolutionKind.FIX,
        widget=forms.RadioSelect,
    )
    resolution = MultiLineField(
        label="What was done",
        max_length=4000,
        rows=3,
        help_text="The user reads this when they are told it is resolved.",
    )

    def clean_resolution(self):
        value = self.cleaned_data["resolution"].strip()
        if not value:
            raise forms.ValidationError("Say what was done to resolve it.")
        return value


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SupportContact) -> str:
        return obj.name + (f" – {obj.role}" if obj.role else "")


class ConsultForm(BaseForm):
    """Consult a support group: which one, who, why, when, their case reference, chase date."""

    group = forms.ModelChoiceField(
        label="Support group",
        queryset=SupportGroup.objects.none(),
        empty_label="Choose a group…",
    )
    contact = ContactChoiceField(
        label="Contact",
        queryset=SupportContact.objects.none(),
        required=False,
        empty_label="Nobody in particular",
        widget=forms.RadioSelect,
    )
    reason = MultiLineField(label="Why are they consulted?", max_length=4000, rows=3)
    contacted_at = forms.DateTimeField(
        label="When contacted",
        widget=DateTimeLocalInput,
        required=False,
        help_text="Leave empty for now.",
    )
    case_reference = SingleLineField(label="Their case reference", max_length=80, required=False)
    chase_on = forms.DateField(label="Chase on", widget=DateInput, required=False)

    def __init__(self, *args, school: Any, group: SupportGroup | None = None, **kwargs) -> None:
        """Only the groups that support the call's school: its own and the shared ones."""
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["group"]).queryset = selectors.support_groups_at(
            school
        ).filter(is_active=True)
        if group is None and self.is_bound:
            group = self._posted_group()
        self.chosen_group = group
        if group is not None:
            self.fields["group"].initial = group.pk
            cast(ContactChoiceField, self.fields["contact"]).queryset = group.contacts.all()

    def _posted_group(self) -> SupportGroup | None:
        try:
            return self.fields["group"].clean(self.data.get(self.add_prefix("group")))
        except forms.ValidationError:
            return None

    def clean(self):
        data = super().clean()
        chase_on = data.get("chase_on")
        if chase_on and chase_on < timezone.localdate():
            self.add_error("chase_on", "The chase date is in the past.")
        return data


class EscalateForm(BaseForm):
    """Escalate into problem management. Workarounds come first: one, or why there is none."""

    NEW = "new"
    EXISTING = "existing"

    into = forms.ChoiceField(
        label="Into",
        choices=[(NEW, "A new problem"), (EXISTING, "An existing problem")],
        initial=NEW,
        widget=forms.RadioSelect,
    )
    problem = forms.ModelChoiceField(
        label="Existing problem",
        queryset=Problem.objects.none(),
        required=False,
        empty_label="Choose a problem…",
    )
    title = SingleLineField(label="Problem title", max_length=200, required=False)
    description = MultiLineField(label="Description", max_length=8000, required=False, rows=3)
    workaround = MultiLineField(
        label="Workaround in place",
        max_length=4000,
        required=False,
        rows=3,
        help_text="Workarounds come first: they take the time pressure off the problem.",
    )
    no_workaround_reason = MultiLineField(
        label="Or: why there is no workaround", max_length=4000, required=False, rows=2
    )

    def __init__(self, *args, school: Any, **kwargs):
        """Only the open problems of the call's school and the shared ones."""
        super().__init__(*args, **kwargs)
        problem = cast(forms.ModelChoiceField, self.fields["problem"])
        problem.queryset = (
            selectors.problems_at(school)
            .filter(status__in=PROBLEM_OPEN_STATUSES)
            .order_by("-created_at")
        )
        problem.label_from_instance = lambda obj: f"{obj.reference} {obj.title}"  # type: ignore[method-assign]

    @classmethod
    def for_incident(cls, incident: Incident, **kwargs):
        initial = {
            "title": incident.summary,
            "description": getattr(getattr(incident, "sheet", None), "happened", "")
            or incident.summary,
            "workaround": incident.workaround,
        }
        return cls(initial=initial, school=incident.school, **kwargs)

    def clean(self):
        data = super().clean()
        if (
            not data.get("workaround", "").strip()
            and not data.get("no_workaround_reason", "").strip()
        ):
            self.add_error(
                "workaround",
                "Record the workaround in place, or say below why there is none: "
                "workarounds come first.",
            )
        if data.get("into") == self.EXISTING:
            if data.get("problem") is None:
                self.add_error("problem", "Choose the problem to escalate into.")
        elif not data.get("title", "").strip():
            self.add_error("title", "Give the new problem a title.")
        return data


# ---------------------------------------------------------------- consultations


class ConsultationUpdateForm(BaseForm):
    answer = MultiLineField(label="Their answer", max_length=8000, required=False, rows=3)
    case_reference = SingleLineField(label="New case reference", max_length=80, required=False)
    chase_on = forms.DateField(label="Chase again on", widget=DateInput, required=False)
    close = forms.BooleanField(label="Close the consultation", required=False)

    def __init__(self, *args, consultation: Consultation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation

    def clean(self):
        data = super().clean()
        if not (
            data.get("answer", "").strip()
            or data.get("case_reference", "").strip()
            or data.get("chase_on")
            or data.get("close")
        ):
            raise forms.ValidationError(
                "Record their answer, a case reference, a chase date, or close it."
            )
        if (
            self.consultation is not None
            and data.get("case_reference", "").strip() == self.consultation.case_reference
        ):
            data["case_reference"] = ""
        return data


# ---------------------------------------------------------------- visits


class VisitForm(BaseForm):
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label="All sites",
    )
    date = forms.DateField(label="Date", widget=DateInput, required=False)
    undated = forms.BooleanField(label="Also calls with no visit date", required=False)
    mine = forms.BooleanField(label="Only mine and the pool", required=False)
