"""Forms of the service desk: triage, ownership, technician requests, messages,
closure, problems, bulk actions and calls logged on a user's behalf.

Forms only validate; the moves are made by `incidents.workflow`. A form that
changes the incident carries the `version` the person was looking at, so a
stale page is a conflict rather than a silent overwrite. Appending to the record
(messages, notes, knowledge links, problems) overwrites nothing and carries none.
"""

import uuid
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts import roles
from accounts.roles import Role, people_with
from incidents import selectors
from incidents.models import (
    Category,
    Channel,
    ClosureCode,
    Impact,
    Incident,
    KnowledgeArticle,
    Priority,
    Room,
    Site,
    Urgency,
    parse_reference,
)

from .base import BaseForm, VersionedForm
from .choices import light_choices
from .fields import (
    DateInput,
    EquipmentField,
    IncidentReferenceField,
    MultiLineField,
    PersonChoiceField,
    RoomChoiceField,
    SingleLineField,
)
from .sheet import QUESTIONS, USER, SheetQuestionsMixin

# Shorter than this, an answer about what was expected or what happened is too thin to act on.
THIN_ANSWER = 15
MAX_SELECTION = 200
_summary_length = Incident._meta.get_field("summary").max_length


class PlaceForm(BaseForm):
    """Site, room and equipment, kept consistent with each other and inside the
    school: only `school`'s places and equipment are offered and accepted."""

    site = forms.ModelChoiceField(queryset=Site.objects.none())
    room = RoomChoiceField(queryset=Room.objects.none(), required=False, empty_label="No room")
    equipment = EquipmentField()

    def __init__(self, *args, school: Any = None, **kwargs):
        super().__init__(*args, **kwargs)
        if school is not None:
            self.limit_places(Site.objects.filter(school=school))

    def limit_places(self, sites) -> None:
        """Offer (and accept) only these sites, their rooms and their equipment."""
        cast(forms.ModelChoiceField, self.fields["site"]).queryset = sites.filter(is_active=True)
        cast(forms.ModelChoiceField, self.fields["room"]).queryset = Room.objects.filter(
            site__in=sites, is_active=True
        ).select_related("site")
        cast(EquipmentField, self.fields["equipment"]).queryset = selectors.equipment_in(sites)

    def clean(self):
        data = super().clean()
        site, room, equipment = data.get("site"), data.get("room"), data.get("equipment")
        if site and room and room.site_id != site.pk:
            self.add_error("room", f"{room.name} is not at {site}.")
        if site and equipment and equipment.site_id != site.pk:
            self.add_error("equipment", f"{equipment} is registered at another site.")
        return data


def place_initial(incident: Incident) -> dict:
    return {
        "site": incident.site_id,
        "room": incident.room_id,
        "equipment": incident.equipment.asset_tag if incident.equipment_id else "",
        "category": incident.category_id,
        "impact": incident.impact,
        "urgency": incident.urgency,
        "channel": incident.channel,
        "summary": incident.summary,
        "version": incident.version,
    }


# ---------------------------------------------------------------- triage


class ReturnForm(VersionedForm):
    question = MultiLineField(
        label="Your question for the user",
        max_length=2000,
        rows=4,
        help_text="They are told at once and answer on the incident's page.",
    )


class AcceptForm(VersionedForm, PlaceForm):
    """Accept the sheet and log it: classify it, set impact and urgency (→ priority)."""

    category = forms.ModelChoiceField(queryset=Category.objects.filter(is_active=True))
    impact = forms.TypedChoiceField(choices=Impact.choices, coerce=int)
    urgency = forms.TypedChoiceField(choices=Urgency.choices, coerce=int)
    channel = forms.ChoiceField(label="How it was reported", choices=Channel.choices)
    field_order = ["category", "impact", "urgency", "site", "room", "equipment", "channel"]


class DetailsForm(AcceptForm):
    summary = SingleLineField(label="Summary", max_length=_summary_length)
    field_order = ["summary", *AcceptForm.field_order]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].required = False
        self.fields["category"].empty_label = "Not classified"


class KnowledgeSearchForm(BaseForm):
    kb = SingleLineField(label="Search the knowledge base", max_length=200, required=False)


class LinkArticleForm(BaseForm):
    article = forms.ModelChoiceField(
        queryset=KnowledgeArticle.objects.none(), widget=forms.HiddenInput
    )
    fix_applied = forms.BooleanField(label="Its fix was applied", required=False)

    def __init__(self, *args, school: Any, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["article"]).queryset = selectors.articles_at(
            school
        )


class HandOverForm(VersionedForm):
    to = PersonChoiceField(
        label="Hand over to", queryset=get_user_model().objects.none(), empty_label=None
    )

    def __init__(self, *args, school: Any, **kwargs):
        """The service desk serving the call's school."""
        super().__init__(*args, **kwargs)
        cast(PersonChoiceField, self.fields["to"]).queryset = people_with(Role.DESK, school)


class TechnicianForm(VersionedForm):
    technician = PersonChoiceField(
        label="Technician",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="The technician pool",
    )
    note = MultiLineField(label="Note for the technician", max_length=2000, required=False, rows=3)
    visit_date = forms.DateField(
        label="For the scheduled visit on",
        required=False,
        widget=DateInput,
        help_text="Leave empty if it should not wait for a visit.",
    )

    def __init__(self, *args, school: Any, **kwargs):
        """The technicians covering the call's school."""
        super().__init__(*args, **kwargs)
        cast(PersonChoiceField, self.fields["technician"]).queryset = people_with(
            Role.TECHNICIAN, school
        )

    def clean_visit_date(self):
        value = self.cleaned_data.get("visit_date")
        if value and value < timezone.localdate():
            raise forms.ValidationError("That date has passed.")
        return value


# ---------------------------------------------------------------- communication


class DeskMessageForm(BaseForm):
    text = MultiLineField(
        label="Message to the user",
        max_length=5000,
        rows=3,
        help_text="The user sees it in the call log and is told.",
    )


class NoteForm(BaseForm):
    text = MultiLineField(
        label="Internal note",
        max_length=5000,
        rows=3,
        help_text="Support staff only: never shown to the user.",
    )


# ---------------------------------------------------------------- closure and problems


class CloseForm(VersionedForm):
    code = forms.ChoiceField(label="Closure code", choices=ClosureCode.choices)
    resolution = MultiLineField(
        label="Resolution",
        max_length=4000,
        required=False,
        rows=3,
        help_text="The user is told this when the call is closed.",
    )
    duplicate_of = IncidentReferenceField(
        label="Duplicate of",
        required=False,
        help_text="For a duplicate: the incident it duplicates, e.g. INC-000123.",
    )

    # A sheet never logged is logged as it is closed: the call log needs both.
    category = forms.ModelChoiceField(
        label="Category (it is logged as it is closed)",
        queryset=Category.objects.filter(is_active=True),
        required=False,
    )
    channel = forms.ChoiceField(
        label="How it was reported", choices=[("", "---------"), *Channel.choices], required=False
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident = incident
        # A duplicate of a call at the same school.
        cast(
            IncidentReferenceField, self.fields["duplicate_of"]
        ).queryset = Incident.objects.filter(school_id=incident.school_id)
        if incident.logged_at is not None:
            del self.fields["category"], self.fields["channel"]
        else:
            self.initial.setdefault("channel", incident.channel)
            self.initial.setdefault("category", incident.category_id)

    def clean(self):
        data = super().clean()
        if "category" in self.fields:
            if data.get("category") is None and "category" not in self.errors:
                self.add_error("category", "Choose the category it is logged under.")
            if not data.get("channel") and "channel" not in self.errors:
                self.add_error("channel", "Say how it was reported.")
        original = data.get("duplicate_of")
        if data.get("code") == ClosureCode.DUPLICATE:
            if original is None and "duplicate_of" not in self.errors:
                self.add_error("duplicate_of", "Say which incident this one duplicates.")
            elif original is not None and self.incident and original.pk == self.incident.pk:
                self.add_error("duplicate_of", "An incident cannot duplicate itself.")
        return data


class LinkProblemForm(BaseForm):
    """Link to an existing problem, or open a new one from the incident."""

    problem = SingleLineField(
        label="Existing problem", max_length=20, required=False, help_text="e.g. PRB-000012"
    )
    title = SingleLineField(label="Or open a new problem", max_length=200, required=False)
    description = MultiLineField(
        label="What is known so far", max_length=4000, required=False, rows=3
    )
    no_workaround_reason = MultiLineField(
        label="Why there is no workaround (when the incident has none)",
        max_length=4000,
        required=False,
        rows=2,
    )

    def __init__(self, *args, school: Any, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_problem(self):
        text = self.cleaned_data["problem"].strip()
        if not text:
            return None
        pk = parse_reference("PRB", text)
        # A problem of the call's school, or shared by its organisation.
        problem = selectors.problems_at(self.school).filter(pk=pk).first() if pk else None
        if problem is None:
            raise forms.ValidationError(f"There is no problem {text}.")
        if not problem.is_open:
            raise forms.ValidationError(
                f"{problem.reference} is {problem.get_status_display().lower()}."
            )
        return problem

    def clean(self):
        data = super().clean()
        if "problem" in self.errors:
            return data
        has_problem, has_title = (
            data.get("problem") is not None,
            bool(data.get("title", "").strip()),
        )
        if has_problem == has_title:
            raise forms.ValidationError(
                "Give either an existing problem's reference or a title for a new problem."
            )
        return data


# ---------------------------------------------------------------- the queue's bulk actions


class IdListField(forms.Field):
    """The ticked rows: a list of incident numbers, at most MAX_SELECTION."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            ids = sorted({int(item) for item in value})
        except (TypeError, ValueError):
            raise forms.ValidationError("The selection was not understood.") from None
        if any(pk < 1 or pk > 2**62 for pk in ids):
            raise forms.ValidationError("The selection was not understood.")
        if len(ids) > MAX_SELECTION:
            raise forms.ValidationError(f"Select at most {MAX_SELECTION} incidents at once.")
        return ids

    def validate(self, value):
        if not value:
            raise forms.ValidationError("Tick the incidents first.")


class BulkForm(BaseForm):
    ASSIGN, PRIORITY, TAKE, DUPLICATE, PRINT = "assign", "priority", "take", "duplicate", "print"
    ACTIONS = [
        (TAKE, "Take ownership"),
        (ASSIGN, "Request a technician"),
        (PRIORITY, "Set priority"),
        (DUPLICATE, "Close as duplicates of"),
        (PRINT, "Print"),
    ]

    ids = IdListField()
    action = forms.ChoiceField(label="With the ticked incidents", choices=ACTIONS)
    technician = PersonChoiceField(
        label="Technician",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="The technician pool",
    )
    priority = forms.TypedChoiceField(
        label="Priority", choices=[("", "Priority…"), *Priority.choices], coerce=int, required=False
    )
    duplicate_of = IncidentReferenceField(label="Duplicate of", required=False)

    def __init__(self, *args, user: Any, **kwargs):
        """Technicians of the schools the person serves as desk; duplicates of calls
        they see as staff (the workflow checks each call's own school)."""
        super().__init__(*args, **kwargs)
        desk_schools = roles.schools_where(user, Role.DESK)
        cast(PersonChoiceField, self.fields["technician"]).queryset = selectors.people_with_role_at(
            Role.TECHNICIAN, desk_schools
        )
        cast(
            IncidentReferenceField, self.fields["duplicate_of"]
        ).queryset = selectors.staff_incidents_for(user)
        for name in ("action", "technician", "priority"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["duplicate_of"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": "INC-000123"}
        )
        light_choices(self)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == self.PRIORITY and not data.get("priority"):
            self.add_error("priority", "Choose the priority.")
        if (
            action == self.DUPLICATE
            and not data.get("duplicate_of")
            and not self.has_error("duplicate_of")
        ):
            self.add_error("duplicate_of", "Say which incident they duplicate.")
        return data


# ---------------------------------------------------------------- a call logged for a user


class LogCallForm(SheetQuestionsMixin, PlaceForm):
    """A call that came by phone, e-mail or in person, written down by the desk.

    It asks the sheet's questions in the words the user's own form uses, plus the
    desk's (who gave the answers).
    """

    questions = QUESTIONS

    reporter = PersonChoiceField(
        label="Who is it for?",
        queryset=get_user_model().objects.none(),
        empty_label="Choose the person…",
    )
    channel = forms.ChoiceField(
        label="How it was reported",
        choices=[(c.value, c.label) for c in Channel if c != Channel.WEB],
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
    )
    summary = SingleLineField(label="What is wrong, in a few words", max_length=_summary_length)
    equipment_description = SingleLineField(
        label="Equipment not in the register",
        max_length=Incident._meta.get_field("equipment_description").max_length,
        required=False,
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    field_order = [
        "reporter",
        "channel",
        "answered_by",
        "summary",
        "site",
        "room",
        "equipment",
        "equipment_description",
    ]

    def __init__(self, *args, user: Any, **kwargs):
        """The places and people of the schools the person serves as desk; the caller
        must belong to the school of the site chosen."""
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submission_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        desk_schools = roles.schools_where(user, Role.DESK)
        self.limit_places(Site.objects.filter(school_id__in=desk_schools))
        cast(PersonChoiceField, self.fields["reporter"]).queryset = selectors.people_at_schools(
            desk_schools
        )

    def clean(self):
        data = super().clean()
        reporter, site = data.get("reporter"), data.get("site")
        if (
            reporter is not None
            and site is not None
            and site.school_id not in roles.schools_where(reporter)
        ):
            self.add_error("reporter", f"{reporter} does not belong to the school of {site}.")
        return data

    def user_sheet_fields(self) -> list:
        """The user's questions (the desk's own are laid out with the caller's details)."""
        return [self[q.name] for q in self.questions if q.answered_by == USER]

    def sheet(self) -> dict:
        sheet = super().sheet()
        reporter = self.cleaned_data["reporter"]
        sheet["answered_by"] = sheet["answered_by"] or reporter.display_name
        return sheet
