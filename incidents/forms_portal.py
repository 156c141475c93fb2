"""Forms of the user's side: the incident sheet, and what a user sends afterwards.

Each form takes only its own fields: whatever else is posted (priority, owner,
assignee, status…) is ignored, because nothing reads it.
"""

import uuid

from django import forms
from django.conf import settings
from django.db.models import Q
from django.template.defaultfilters import filesizeformat

from . import uploads
from .models import Equipment, HadBefore, Incident, IncidentSheet, Room, Site, TriedToRepeat

SHEET_FIELDS = [
    "tried_to_repeat",
    "expected",
    "happened",
    "checked",
    "last_worked",
    "had_before",
    "had_before_details",
    "further_info",
    "available_to_discuss",
    "availability",
]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.Field):
    """Any number of photos (up to the limit), checked and cleaned by `incidents.uploads`."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": uploads.ACCEPT_ATTRIBUTE, "multiple": True})

    def to_python(self, data):
        if not data:
            return []
        return list(data) if isinstance(data, list | tuple) else [data]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def clean(self, value):
        files = self.to_python(value)
        self.validate(files)
        return uploads.clean_photos(files)


def photos_help(*, optional: bool = True) -> str:
    limits = (
        f"JPEG, PNG, WebP or GIF, up to {settings.UPLOAD_MAX_FILES} pictures of "
        f"{filesizeformat(settings.UPLOAD_MAX_BYTES)} each. "
        "Location data is removed from photos before they are kept."
    )
    if optional:
        return "Optional. A photo of the error screen or the equipment helps. " + limits
    return limits


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def rooms_grouped_by_site(rooms) -> list:
    """Choices for a plain <select>: rooms under one heading per site, no script needed."""
    groups: dict[str, list] = {}
    for room in rooms:
        groups.setdefault(room.site.name, []).append((room.pk, room.name))
    return [("", "Choose the room (optional)"), *groups.items()]


class ReportForm(forms.Form):
    """Where it is and what it is: the incident's part of the sheet.

    The equipment is picked from the register (a radio choice filled by the search,
    or an asset tag typed in `equipment_query` when scripts are off), or described
    in free text when it is not in the register.
    """

    submission_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    summary = forms.CharField(
        label="What is wrong, in a few words?",
        error_messages={"required": "Say in a few words what is wrong."},
        max_length=Incident._meta.get_field("summary").max_length,
        help_text="For example: the projector in room 12 shows no picture.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.filter(is_active=True),
        required=False,
        empty_label="Choose the site",
    )
    room = RoomChoiceField(
        label="Room",
        queryset=Room.objects.filter(is_active=True, site__is_active=True).select_related("site"),
        required=False,
    )
    equipment_query = forms.CharField(
        label="Find the equipment",
        max_length=100,
        required=False,
        help_text="Type its asset tag (on the label), the room or its name.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    equipment = forms.ModelChoiceField(
        queryset=Equipment.objects.filter(is_active=True).select_related("site", "room"),
        required=False,
        widget=forms.HiddenInput,
    )
    equipment_description = forms.CharField(
        label="Not in the list? Describe it",
        max_length=Incident._meta.get_field("equipment_description").max_length,
        required=False,
        help_text="For example: the black laser printer by the staff room door.",
    )
    photos = PhotosField(label="Photos")

    def __init__(self, *args, site_id=None, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submission_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = photos_help()
        sites = list(self.fields["site"].queryset)
        if len(sites) == 1:
            self.fields["site"].initial = sites[0].pk
        rooms = self.fields["room"].queryset
        if site_id:
            rooms = rooms.filter(site_id=site_id)
        self.fields["room"].choices = rooms_grouped_by_site(rooms)

    def clean_submission_token(self):
        # A form posted without its token (or with junk) still files once, under a new one.
        try:
            return uuid.UUID(self.cleaned_data.get("submission_token") or "")
        except ValueError:
            return uuid.uuid4()

    def clean_summary(self):
        return self.cleaned_data["summary"].strip()

    def clean(self):
        data = super().clean()
        equipment = data.get("equipment")
        query = (data.get("equipment_query") or "").strip()
        description = (data.get("equipment_description") or "").strip()
        if equipment is None and query:
            equipment = Equipment.objects.filter(is_active=True, asset_tag__iexact=query).first()
        if equipment is None and not description and "equipment_description" not in self.errors:
            if query:
                self.add_error(
                    "equipment_query",
                    f"Nothing in the register has the asset tag \u201c{query}\u201d. "
                    "Pick it from the search results, or describe it below.",
                )
            else:
                self.add_error(
                    "equipment_description",
                    "Choose the equipment from the register, or describe it here if it is not there.",
                )
        data["equipment"] = equipment
        site, room = data.get("site"), data.get("room")
        if site is None and equipment is not None:
            site = equipment.site
        if site is None and room is not None:
            site = room.site
        if site is None and "site" not in self.errors:
            self.add_error("site", "Say which site it is at.")
        if site is not None and room is not None and room.site_id != site.pk:
            self.add_error("room", f"That room is not at {site}: choose a room there.")
        if site is not None and equipment is not None and equipment.site_id != site.pk:
            self.add_error(
                "equipment_query",
                f"{equipment} is at {equipment.site}, not {site}: check the site or the equipment.",
            )
        if (
            room is None
            and equipment is not None
            and equipment.site_id == getattr(site, "pk", None)
        ):
            room = equipment.room
        data["site"], data["room"] = site, room
        data["equipment_description"] = description if equipment is None else ""
        return data


REQUIRED_MESSAGES = {
    "tried_to_repeat": "Say whether you tried to make it happen again.",
    "expected": "Say what you expected to happen.",
    "happened": "Say what exactly happened: this is what the technician needs most.",
}


class SheetForm(forms.ModelForm):
    """The guide's questions, in its own plain words, with its examples as help."""

    class Meta:
        model = IncidentSheet
        fields = SHEET_FIELDS
        labels = {
            "tried_to_repeat": "Did you try to make it happen again?",
            "expected": "What did you expect to happen?",
            "happened": "What exactly happened?",
            "checked": "What did you check?",
            "last_worked": "To your knowledge, when did it last work?",
            "had_before": "Has it had the same problem before?",
            "had_before_details": "When, if you know",
            "further_info": "Anything further that might help?",
            "available_to_discuss": "I can talk it through with a technician",
            "availability": "When are you available?",
        }
        help_texts = {
            "tried_to_repeat": "Try once more what you were doing when it went wrong.",
            "expected": "For example: the printer to print a document.",
            "happened": "For example: the printer's power light was on, but a blank page printed. "
            "Write any error message word for word.",
            "checked": "For example: that there was paper in the printer, that it was switched on.",
            "last_worked": "For example: yesterday afternoon, or Monday period 2.",
            "had_before": "If you picked the equipment above, its recent incidents are shown there.",
            "further_info": "Anything else that might help to resolve it.",
            "available_to_discuss": "Careful answers above usually make a conversation unnecessary.",
            "availability": "For example: period 3 on Tuesday, or after 3:30 pm.",
        }
        widgets = {
            "tried_to_repeat": forms.RadioSelect,
            "expected": forms.Textarea(attrs={"rows": 2}),
            "happened": forms.Textarea(attrs={"rows": 3}),
            "checked": forms.Textarea(attrs={"rows": 2}),
            "had_before": forms.RadioSelect,
            "further_info": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tried_to_repeat"].choices = TriedToRepeat.choices
        self.fields["had_before"].choices = HadBefore.choices
        self.fields["had_before"].required = False
        for name, message in REQUIRED_MESSAGES.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message

    def clean_had_before(self):
        return self.cleaned_data.get("had_before") or HadBefore.UNKNOWN

    def clean(self):
        data = super().clean()
        for name in ("expected", "happened", "checked", "further_info"):
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        if data.get("available_to_discuss") and not (data.get("availability") or "").strip():
            self.add_error("availability", "Say when you are available, or untick the box above.")
        return data

    def sheet(self) -> dict:
        return {name: self.cleaned_data[name] for name in SHEET_FIELDS}


class EquipmentSearchForm(forms.Form):
    """The register search's parameters: junk becomes an empty search, never an error page."""

    equipment_query = forms.CharField(max_length=100, required=False)
    site = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    equipment = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def results(self, limit: int = 15) -> list:
        if not self.is_valid():
            return []
        query = self.cleaned_data["equipment_query"].strip()
        if len(query) < 2:
            return []
        condition = Q()
        for word in query.split()[:4]:
            condition &= (
                Q(asset_tag__icontains=word)
                | Q(name__icontains=word)
                | Q(room__name__icontains=word)
                | Q(make__icontains=word)
                | Q(model__icontains=word)
            )
        qs = Equipment.objects.filter(condition, is_active=True).select_related("site", "room")
        if self.cleaned_data["site"]:
            qs = qs.filter(site_id=self.cleaned_data["site"])
        return list(qs.order_by("asset_tag")[:limit])

    def selected(self):
        if not self.is_valid() or not self.cleaned_data["equipment"]:
            return None
        return (
            Equipment.objects.filter(is_active=True, pk=self.cleaned_data["equipment"])
            .select_related("site", "room")
            .first()
        )


class HelpForm(forms.Form):
    """What the help panel looks at: the picked equipment and the words typed so far."""

    equipment = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    summary = forms.CharField(max_length=200, required=False)
    happened = forms.CharField(max_length=2000, required=False)

    def equipment_object(self):
        if not self.is_valid() or not self.cleaned_data["equipment"]:
            return None
        return Equipment.objects.filter(is_active=True, pk=self.cleaned_data["equipment"]).first()

    def text(self) -> str:
        if not self.is_valid():
            return ""
        return f"{self.cleaned_data['summary']} {self.cleaned_data['happened']}".strip()


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer",
        max_length=5000,
        error_messages={"required": "Write your answer to the service desk's question."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WorkingAgainForm(forms.Form):
    note = forms.CharField(
        label="A short note (optional)",
        max_length=Incident._meta.get_field("working_again_note").max_length,
        required=False,
        help_text="For example: it came back on after the network was fixed this morning.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="What is still wrong?",
        max_length=5000,
        error_messages={"required": "Tell us what is still wrong."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MessageForm(forms.Form):
    text = forms.CharField(
        label="Your message",
        max_length=5000,
        error_messages={"required": "Write your message first."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AttachForm(forms.Form):
    photos = PhotosField(
        label="Add photos", required=True, error_messages={"required": "Choose at least one photo."}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = photos_help(optional=False)


class IncidentFilterForm(forms.Form):
    """My incidents: open, closed or all. An unknown value shows all."""

    state = forms.ChoiceField(
        choices=[("", "All"), ("open", "Open"), ("closed", "Closed")], required=False
    )

    def chosen(self) -> str:
        return self.cleaned_data.get("state", "") if self.is_valid() else ""


class ArticleSearchForm(forms.Form):
    q = forms.CharField(label="Search the help articles", max_length=100, required=False)

    def words(self) -> list[str]:
        if not self.is_valid():
            return []
        return [w for w in self.cleaned_data["q"].split() if len(w) >= 2][:6]
