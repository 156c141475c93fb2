"""Forms of problem management and the equipment register."""

from typing import cast

from django import forms

from incidents.models import (
    Category,
    Incident,
    Problem,
)

from .base import BaseForm, BaseModelForm, VersionedForm
from .fields import EquipmentField, MultiLineField, SingleLineField

# ---------------------------------------------------------------- problems


class ProblemCreateForm(BaseModelForm):
    """A new problem: what is seen, where, and any workaround already in place."""

    title = SingleLineField(label="Title", max_length=Problem._meta.get_field("title").max_length)
    description = MultiLineField(
        label="Description", max_length=8000, rows=4, help_text="What is seen, where and how often."
    )
    equipment = EquipmentField(
        help_text="Asset tag, if one piece of equipment is at the heart of it."
    )
    workaround = MultiLineField(label="Workaround", max_length=4000, required=False, rows=3)

    class Meta:
        model = Problem
        fields = ["title", "description", "category", "equipment", "workaround"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        if self.instance.pk and self.instance.equipment_id:
            self.initial["equipment"] = self.instance.equipment.asset_tag

    def changes(self) -> dict:
        """The fields as workflow.problem_update takes them."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ProblemEditForm(VersionedForm, ProblemCreateForm):
    """What is found out, with the version seen. The state changes through the
    problem's moves, not here."""

    no_workaround_reason = MultiLineField(
        label="Why there is no workaround", max_length=4000, required=False, rows=2
    )
    root_cause = MultiLineField(label="Root cause", max_length=8000, required=False, rows=3)

    class Meta(ProblemCreateForm.Meta):
        fields = [*ProblemCreateForm.Meta.fields, "no_workaround_reason", "root_cause"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)


class PublishForm(BaseForm):
    symptoms = MultiLineField(
        label="What people see (symptoms)",
        max_length=4000,
        required=False,
        rows=2,
        help_text="Users find the article by these words when they file a sheet.",
    )


class IncidentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Incident) -> str:
        return f"{obj.reference} {obj.summary} ({obj.site})"


class ProblemResolveForm(VersionedForm):
    root_cause = MultiLineField(label="Root cause", max_length=8000, required=False, rows=3)
    resolution = MultiLineField(label="How it was resolved", max_length=8000, rows=3)
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


# ---------------------------------------------------------------- the equipment register
