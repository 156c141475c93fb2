"""Forms of problem management and the equipment register."""

from typing import cast

from django import forms

from incidents import selectors
from incidents.models import (
    Category,
    Incident,
    Problem,
)

from .base import BaseForm, BaseModelForm, VersionedForm
from .fields import EquipmentField, MultiLineField, SchoolChoiceField, SingleLineField

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

    def __init__(self, *args, user, **kwargs):
        """Equipment of the schools the person serves; a new problem belongs to one
        of those schools, or is shared by the organisation."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        equipment = cast(EquipmentField, self.fields["equipment"])
        equipment.queryset = selectors.equipment_for(user).select_related("site")
        if self.instance.pk:
            if self.instance.school_id:
                equipment.queryset = equipment.queryset.filter(
                    site__school_id=self.instance.school_id
                )
            if self.instance.equipment_id:
                self.initial["equipment"] = self.instance.equipment.asset_tag
        else:
            schools = selectors.staff_schools_for(user)
            self.fields["school"] = SchoolChoiceField(
                label="School",
                queryset=schools,
                required=False,
                empty_label="Shared by every school of the organisation",
                help_text="The school it is seen at, or shared when several are affected.",
            )
            listed = list(schools)
            if len(listed) == 1:
                self.fields["school"].initial = listed[0].pk
            self.order_fields(["title", "school"])

    def clean(self):
        data = super().clean()
        school, equipment = data.get("school"), data.get("equipment")
        if school is not None and equipment is not None and equipment.site.school_id != school.pk:
            self.add_error("equipment", f"{equipment} is not at {school}.")
        if "school" in self.fields and school is None and equipment is not None:
            data["school"] = equipment.site.school
        return data

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
