"""Forms of the technician's side: the diagnostics sheet, holds and resolutions,
consultations with support groups, problem management and the equipment register.

Forms only validate; the moves themselves are made by `incidents.workflow`.
"""

from typing import cast

from django import forms
from django.utils import timezone

from .models import (
    Category,
    Consultation,
    Equipment,
    EquipmentKind,
    HoldReason,
    Incident,
    Problem,
    ProblemStatus,
    ResolutionKind,
    Site,
    SupportContact,
    SupportGroup,
)

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)


def _text(rows: int = 3, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SupportContact) -> str:
        return obj.name + (f" – {obj.role}" if obj.role else "")


class IncidentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Incident) -> str:
        return f"{obj.reference} {obj.summary} ({obj.site})"


class VersionedForm(forms.Form):
    """Carries the version the person was looking at, so a stale page is a conflict."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )


# ---------------------------------------------------------------- the incident


class HoldForm(VersionedForm):
    reason = forms.ChoiceField(label="Why is it on hold?", choices=HoldReason.choices)
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=500,
        widget=_text(2),
        help_text="Shown to the user in the call log, e.g. when the part is expected.",
    )


class DiagnosticForm(forms.Form):
    """One line of the incident diagnostics sheet. Internal: the user never sees it."""

    performed_at = forms.DateTimeField(
        label="Date and time",
        widget=DateTimeLocalInput,
        required=False,
        help_text="Leave empty for now.",
    )
    action_taken = forms.CharField(label="Action taken", max_length=4000, widget=_text(3))
    result = forms.CharField(label="Result", required=False, max_length=4000, widget=_text(2))
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


class CauseForm(forms.Form):
    cause = forms.CharField(label="Cause found", required=False, max_length=4000, widget=_text(2))
    parts_used = forms.CharField(
        label="Parts used", required=False, max_length=2000, widget=_text(2)
    )
    workaround = forms.CharField(
        label="Workaround in place",
        required=False,
        max_length=4000,
        widget=_text(2),
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
    resolution = forms.CharField(
        label="What was done",
        max_length=4000,
        widget=_text(3),
        help_text="The user reads this when they are told it is resolved.",
    )

    def clean_resolution(self):
        value = self.cleaned_data["resolution"].strip()
        if not value:
            raise forms.ValidationError("Say what was done to resolve it.")
        return value


class ConsultForm(forms.Form):
    """Consult a support group: which one, who, why, when, their case reference, chase date."""

    group = forms.ModelChoiceField(
        label="Support group",
        queryset=SupportGroup.objects.filter(is_active=True),
        empty_label="Choose a group…",
    )
    contact = ContactChoiceField(
        label="Contact",
        queryset=SupportContact.objects.none(),
        required=False,
        empty_label="Nobody in particular",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Why are they consulted?", max_length=4000, widget=_text(3))
    contacted_at = forms.DateTimeField(
        label="When contacted",
        widget=DateTimeLocalInput,
        required=False,
        help_text="Leave empty for now.",
    )
    case_reference = forms.CharField(label="Their case reference", max_length=80, required=False)
    chase_on = forms.DateField(label="Chase on", widget=DateInput, required=False)

    def __init__(self, *args, group: SupportGroup | None = None, **kwargs):
        super().__init__(*args, **kwargs)
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


class EscalateForm(forms.Form):
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
    title = forms.CharField(label="Problem title", max_length=200, required=False)
    description = forms.CharField(
        label="Description", max_length=8000, required=False, widget=_text(3)
    )
    workaround = forms.CharField(
        label="Workaround in place",
        max_length=4000,
        required=False,
        widget=_text(3),
        help_text="Workarounds come first: they take the time pressure off the problem.",
    )
    no_workaround_reason = forms.CharField(
        label="Or: why there is no workaround", max_length=4000, required=False, widget=_text(2)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = Problem.objects.exclude(
            status__in=[ProblemStatus.RESOLVED, ProblemStatus.CLOSED]
        ).order_by("-created_at")
        self.fields["problem"].label_from_instance = lambda p: f"{p.reference} {p.title}"

    @classmethod
    def for_incident(cls, incident: Incident, **kwargs):
        initial = {
            "title": incident.summary,
            "description": getattr(getattr(incident, "sheet", None), "happened", "")
            or incident.summary,
            "workaround": incident.workaround,
        }
        return cls(initial=initial, **kwargs)

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


class ConsultationFilterForm(forms.Form):
    OPEN = "open"
    DUE = "due"
    ANSWERED = "answered"
    ALL = "all"

    show = forms.ChoiceField(
        label="Show",
        choices=[(OPEN, "Open"), (DUE, "Chase due"), (ANSWERED, "Answered"), (ALL, "All")],
        required=False,
    )
    group = forms.ModelChoiceField(
        label="Group", queryset=SupportGroup.objects.all(), required=False, empty_label="Any group"
    )


class ConsultationUpdateForm(forms.Form):
    answer = forms.CharField(label="Their answer", max_length=8000, required=False, widget=_text(3))
    case_reference = forms.CharField(label="New case reference", max_length=80, required=False)
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


# ---------------------------------------------------------------- problems


class ProblemFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="State",
        choices=[("", "Any state"), ("active", "Not resolved"), *ProblemStatus.choices],
        required=False,
    )
    known_error = forms.ChoiceField(
        label="Known error",
        choices=[("", "Either"), ("yes", "Known errors"), ("no", "Not known errors")],
        required=False,
    )
    q = forms.CharField(label="Search", max_length=100, required=False)


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["title", "description", "category", "equipment", "workaround"]
        widgets = {
            "description": _text(4),
            "workaround": _text(3),
            "no_workaround_reason": _text(2),
            "root_cause": _text(3),
        }
        help_texts = {
            "description": "What is seen, where and how often.",
            "equipment": "Asset tag, if one piece of equipment is at the heart of it.",
        }

    equipment = forms.CharField(label="Equipment (asset tag)", max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        if self.instance.pk and self.instance.equipment_id:
            self.initial["equipment"] = self.instance.equipment.asset_tag

    def clean_equipment(self):
        tag = self.cleaned_data.get("equipment", "").strip()
        if not tag:
            return None
        equipment = Equipment.objects.filter(asset_tag__iexact=tag).first()
        if equipment is None:
            raise forms.ValidationError(f"No equipment with asset tag {tag}.")
        return equipment

    def changes(self) -> dict:
        """The fields as workflow.problem_update takes them."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ProblemEditForm(ProblemForm):
    """What is found out. The state changes through the problem's moves, not here."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )

    class Meta(ProblemForm.Meta):
        fields = [*ProblemForm.Meta.fields, "no_workaround_reason", "root_cause"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)


class PublishForm(forms.Form):
    symptoms = forms.CharField(
        label="What people see (symptoms)",
        max_length=4000,
        required=False,
        widget=_text(2),
        help_text="Users find the article by these words when they file a sheet.",
    )


class ProblemResolveForm(forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )
    root_cause = forms.CharField(
        label="Root cause", max_length=8000, required=False, widget=_text(3)
    )
    resolution = forms.CharField(label="How it was resolved", max_length=8000, widget=_text(3))
    incidents = IncidentChoiceField(
        label="Resolve these incidents too",
        queryset=Incident.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each gets its own call-log entry and its user is told.",
    )

    def __init__(self, *args, problem: Problem, open_incidents, **kwargs):
        super().__init__(*args, **kwargs)
        cast(IncidentChoiceField, self.fields["incidents"]).queryset = open_incidents
        self.initial.setdefault("version", problem.version)
        self.initial.setdefault("root_cause", problem.root_cause)
        self.initial.setdefault("incidents", [incident.pk for incident in open_incidents])

    def clean_resolution(self):
        value = self.cleaned_data["resolution"].strip()
        if not value:
            raise forms.ValidationError("Say how the problem was resolved.")
        return value


# ---------------------------------------------------------------- visits and equipment


class VisitForm(forms.Form):
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


class EquipmentSearchForm(forms.Form):
    q = forms.CharField(label="Tag, name, make or model", max_length=100, required=False)
    room = forms.CharField(label="Room", max_length=120, required=False)
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Any kind"), *EquipmentKind.choices], required=False
    )
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="Any site",
    )
    supplier = forms.ModelChoiceField(
        label="Supplier",
        queryset=SupportGroup.objects.all(),
        required=False,
        empty_label="Any supplier",
    )


class EquipmentImportForm(forms.Form):
    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(label="CSV file", help_text="Comma-separated, with a header row.")
    check_only = forms.BooleanField(
        label="Only check the file, do not import", required=False, initial=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                "The file is larger than 5 MB: split it and import each part."
            )
        return upload
