"""Forms of the visit rota: a technician's regular visit to a school, a change to one
visit (cancelled, or an extra or moved visit), and the desk's request for technician
support offering the next scheduled visits at the call's school.

The schools and technicians offered are the ones of the person keeping the rota
(given by the view, from `incidents.selectors`); a posted id outside them is refused
next to its field.
"""

from datetime import date
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from accounts import roles
from accounts.models import School
from incidents import rota
from incidents.models import RotaEntry, VisitChange, VisitChangeKind

from .base import BaseModelForm
from .desk import TechnicianForm
from .fields import DateInput, PersonChoiceField, SingleLineField, TimeInput


def rota_technicians(schools) -> Any:
    """The technicians who may be put on the rota of these schools: technicians at
    any of them, or across their organisation."""
    User = get_user_model()
    organisations = {school.organisation_id for school in schools}
    wanted = Q(pk__in=[])
    for organisation in sorted(organisations):
        wanted |= Q(pk__in=roles.people_with(roles.Role.TECHNICIAN, organisation=organisation))
    return User.objects.filter(wanted).order_by("first_name", "last_name", "username")


class RotaChoicesMixin:
    """Shared by both rota forms: the schools and technicians of the person keeping it
    (none when the form is built without them)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is None:
            schools = School.objects.none()
        school_list = list(schools)
        school_field = cast(forms.ModelChoiceField, self.fields["school"])
        school_field.queryset = schools
        school_field.empty_label = None if len(school_list) == 1 else "Choose a school…"
        person_field = cast(forms.ModelChoiceField, self.fields["technician"])
        person_field.queryset = rota_technicians(school_list)

    def clean(self):
        data = super().clean()
        technician, school = data.get("technician"), data.get("school")
        if technician and school and not roles.has_role(technician, roles.Role.TECHNICIAN, school):
            self.add_error(
                "technician", f"{technician.display_name} is not a technician at {school}."
            )
        arrives, leaves = data.get("arrives"), data.get("leaves")
        if arrives and leaves and leaves <= arrives:
            self.add_error("leaves", "The technician must leave after arriving.")
        return data


class RotaEntryForm(RotaChoicesMixin, BaseModelForm):
    """A technician's regular visit to a school."""

    technician = PersonChoiceField(label="Technician", queryset=RotaEntry.objects.none())
    every_weeks = forms.TypedChoiceField(
        label="How often",
        coerce=int,
        choices=[(1, "Every week"), (2, "Every 2 weeks (alternate weeks)")]
        + [(n, f"Every {n} weeks") for n in range(3, 9)],
        initial=1,
    )

    class Meta:
        model = RotaEntry
        fields = ["technician", "school", "weekday", "every_weeks", "starts_on", "ends_on"]
        fields += ["arrives", "leaves"]
        widgets = {
            "starts_on": DateInput,
            "ends_on": DateInput,
            "arrives": TimeInput,
            "leaves": TimeInput,
        }
        help_texts = {
            "starts_on": "Alternate weeks count from this date's week.",
            "ends_on": "Leave empty while the visits go on.",
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The rota cannot end before it starts.")
        return data


class VisitChangeForm(RotaChoicesMixin, BaseModelForm):
    """One visit cancelled, or an extra (or moved) visit on a day."""

    technician = PersonChoiceField(label="Technician", queryset=RotaEntry.objects.none())
    reason = SingleLineField(label="Reason", max_length=200)

    class Meta:
        model = VisitChange
        fields = ["kind", "technician", "school", "day", "reason", "arrives", "leaves"]
        labels = {"kind": "Change", "day": "Date"}
        widgets = {
            "kind": forms.RadioSelect,
            "day": DateInput,
            "arrives": TimeInput,
            "leaves": TimeInput,
        }

    def clean(self):
        data = super().clean()
        day: date | None = data.get("day")
        technician, school, kind = data.get("technician"), data.get("school"), data.get("kind")
        if technician and school and not roles.has_role(technician, roles.Role.TECHNICIAN, school):
            return data  # the model says so next to the technician
        if day and day < timezone.localdate():
            self.add_error("day", "That date has passed.")
            return data
        if self.errors or not (day and technician and school and kind):
            return data
        visiting = rota.is_scheduled(day, school=school, technician=technician)
        if kind == VisitChangeKind.CANCELLED and not visiting:
            self.add_error(
                "day", f"{technician.display_name} has no visit to {school} on {day:%A %d %B}."
            )
        elif kind == VisitChangeKind.EXTRA:
            if rota.closed_days([school.pk])(school.pk, day):
                self.add_error("day", f"{school} is closed on {day:%A %d %B}.")
            elif visiting:
                self.add_error(
                    "day",
                    f"{technician.display_name} already visits {school} on {day:%A %d %B}.",
                )
        return data


def visit_value(visit: rota.Visit) -> str:
    return f"{visit.technician_id}:{visit.day.isoformat()}"


def visit_label(visit: rota.Visit) -> str:
    parts = [f"{visit.day:%A %d %B}", visit.technician.display_name]
    if visit.hours:
        parts.append(visit.hours)
    if visit.extra:
        parts.append("extra visit")
    return " · ".join(parts)


def visit_choices(visits: list[rota.Visit] | tuple) -> list[tuple[str, str]]:
    """The scheduled visits as the form offers them: value and label."""
    return [(visit_value(visit), visit_label(visit)) for visit in visits]


class RotaTechnicianForm(TechnicianForm):
    """Request technician support: the next scheduled visits at the call's school come
    first; choosing one sets the technician and the date. Another date is still taken
    (the view tells the desk it is not on the rota)."""

    scheduled_visit = forms.ChoiceField(
        label="Next scheduled visit",
        required=False,
        help_text="Sets the technician and the date; or leave it and choose them below.",
    )
    field_order = ["scheduled_visit", "technician", "visit_date", "note"]

    def __init__(
        self,
        *args,
        visits: list[rota.Visit] | tuple = (),
        offered: list[tuple[str, str]] | None = None,
        **kwargs,
    ):
        """`visits` to check a choice against; `offered`, the visits' values and
        labels (`visit_choices`) when the form is only shown."""
        super().__init__(*args, **kwargs)
        self.visits = {visit_value(visit): visit for visit in visits}
        field = cast(forms.ChoiceField, self.fields["scheduled_visit"])
        if offered is None:
            offered = visit_choices(visits)
        if offered:
            field.choices = [("", "Choose below instead"), *offered]
        else:
            field.choices = [("", "No visits on the rota for this school")]

    def clean(self):
        data = super().clean()
        chosen = self.visits.get(data.get("scheduled_visit") or "")
        data["from_rota"] = chosen
        if chosen is not None:
            data["technician"] = chosen.technician
            data["visit_date"] = chosen.day
        return data
