"""Forms of the user's side: filing an incident, finding the equipment, and what a user
sends afterwards. The sheet's questions live in `incidents.forms.sheet`.

Each form takes only its own fields: whatever else is posted (priority, owner,
assignee, status…) is ignored, because nothing reads it.
"""

import uuid
from typing import cast

from django import forms
from django.conf import settings
from django.db.models import Q

from incidents import selectors
from incidents.models import Equipment, Incident, Room, Site

from .base import BaseForm
from .fields import (
    MultiLineField,
    PhotosField,
    RoomChoiceField,
    SchoolSiteChoiceField,
    SingleLineField,
    photos_help,
)

_summary_length = Incident._meta.get_field("summary").max_length


def rooms_grouped_by_site(rooms, *, with_school: bool = False) -> list:
    """Choices for a plain <select>: rooms under one heading per site, no script needed
    (the heading names the school too when the person belongs to several)."""
    groups: dict[str, list] = {}
    for room in rooms:
        heading = f"{room.site.school} · {room.site.name}" if with_school else room.site.name
        groups.setdefault(heading, []).append((room.pk, room.name))
    return [("", "Choose the room (optional)"), *groups.items()]


class OneOfThese:
    """A field marked required (its star, `required`) whose emptiness the form judges:
    the site can come from the equipment, and the equipment is either picked from
    the register or described, one of these."""

    def validate(self, value):
        if value in self.empty_values:
            return
        super().validate(value)


class SiteField(OneOfThese, SchoolSiteChoiceField):
    pass


class EquipmentDescriptionField(OneOfThese, SingleLineField):
    pass


class IncidentReportForm(BaseForm):
    """Where it is and what it is: the incident's part of the sheet.

    The equipment is picked from the register (a radio choice filled by the search,
    or an asset tag typed in `equipment_query` when scripts are off), or described
    in free text when it is not in the register.
    """

    submission_token = SingleLineField(widget=forms.HiddenInput, required=False, max_length=64)
    summary = SingleLineField(
        label="What is wrong, in a few words?",
        error_messages={"required": "Say in a few words what is wrong."},
        max_length=_summary_length,
        help_text="For example: the projector in room 12 shows no picture.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    site = SiteField(label="Site", queryset=Site.objects.none(), empty_label="Choose the site")
    room = RoomChoiceField(label="Room", queryset=Room.objects.none(), required=False)
    equipment_query = SingleLineField(
        label="Find the equipment",
        max_length=100,
        required=False,
        help_text="Type its asset tag (on the label), the room or its name.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    equipment = forms.ModelChoiceField(
        queryset=Equipment.objects.none(), required=False, widget=forms.HiddenInput
    )
    equipment_description = EquipmentDescriptionField(
        label="Not in the list? Describe it",
        max_length=Incident._meta.get_field("equipment_description").max_length,
        help_text="One of these: pick the equipment from the register above, or describe it "
        "here. For example: the black laser printer by the staff room door.",
    )
    photos = PhotosField(label="Photos")

    def __init__(self, *args, user, site_id=None, kept_photo_count: int = 0, **kwargs):
        """Only the places and things of the person's own schools are offered (and
        accepted): the site says which school, when the person belongs to several."""
        self.user = user
        self.kept_photo_count = kept_photo_count
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submission_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = photos_help()
        site_field = cast(SiteField, self.fields["site"])
        room_field = cast(forms.ModelChoiceField, self.fields["room"])
        equipment_field = cast(forms.ModelChoiceField, self.fields["equipment"])
        site_field.queryset = (
            selectors.sites_for(user).filter(is_active=True).select_related("school")
        )
        sites = list(site_field.queryset)
        several = len({site.school_id for site in sites}) > 1
        site_field.with_school = several
        if len(sites) == 1:
            site_field.initial = sites[0].pk
        rooms = (
            selectors.rooms_for(user)
            .filter(is_active=True, site__is_active=True)
            .select_related("site__school")
        )
        room_field.queryset = rooms
        if site_id:
            rooms = rooms.filter(site_id=site_id)
        room_field.choices = rooms_grouped_by_site(rooms, with_school=several)
        equipment_field.queryset = selectors.reportable_equipment_for(user).select_related(
            "site", "room"
        )

    def clean_submission_token(self):
        # A form posted without its token (or with junk) still files once, under a new one.
        try:
            return uuid.UUID(self.cleaned_data.get("submission_token") or "")
        except ValueError:
            return uuid.uuid4()

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        most = settings.UPLOAD_MAX_FILES
        if len(photos) + self.kept_photo_count > most:
            raise forms.ValidationError(
                f"Send at most {most} photos: {self.kept_photo_count} are kept from before, "
                f"and you chose {len(photos)} more. Untick some, or choose fewer."
            )
        return photos

    def clean_summary(self):
        return self.cleaned_data["summary"].strip()

    def clean(self):
        data = super().clean()
        equipment = data.get("equipment")
        query = (data.get("equipment_query") or "").strip()
        description = (data.get("equipment_description") or "").strip()
        if equipment is None and query:
            equipment = (
                selectors.reportable_equipment_for(self.user)
                .filter(asset_tag__iexact=query)
                .select_related("site", "room")
                .first()
            )
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


class EquipmentLookupForm(BaseForm):
    """The register search's parameters: junk becomes an empty search, never an error page."""

    equipment_query = SingleLineField(max_length=100, required=False)
    site = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    equipment = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def results(self, user, limit: int = 15) -> list:
        """Equipment of the person's own schools matching the words."""
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
        qs = (
            selectors.reportable_equipment_for(user)
            .filter(condition)
            .select_related("site", "room")
        )
        if self.cleaned_data["site"]:
            qs = qs.filter(site_id=self.cleaned_data["site"])
        return list(qs.order_by("asset_tag")[:limit])

    def selected(self, user):
        if not self.is_valid() or not self.cleaned_data["equipment"]:
            return None
        return (
            selectors.reportable_equipment_for(user)
            .filter(pk=self.cleaned_data["equipment"])
            .select_related("site", "room")
            .first()
        )


class HelpForm(BaseForm):
    """What the help panel looks at: the picked equipment and the words typed so far."""

    equipment = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    summary = SingleLineField(max_length=_summary_length, required=False)
    happened = MultiLineField(max_length=4000, required=False)

    def equipment_object(self, user):
        if not self.is_valid() or not self.cleaned_data["equipment"]:
            return None
        return (
            selectors.reportable_equipment_for(user)
            .filter(pk=self.cleaned_data["equipment"])
            .first()
        )

    def text(self) -> str:
        if not self.is_valid():
            return ""
        return f"{self.cleaned_data['summary']} {self.cleaned_data['happened']}".strip()


class AnswerForm(BaseForm):
    answer = MultiLineField(
        label="Your answer",
        max_length=5000,
        error_messages={"required": "Write your answer to the service desk's question."},
        rows=3,
    )


class WorkingAgainForm(BaseForm):
    note = MultiLineField(
        label="A short note (optional)",
        max_length=Incident._meta.get_field("working_again_note").max_length,
        required=False,
        help_text="For example: it came back on after the network was fixed this morning.",
        rows=2,
    )


class ReopenForm(BaseForm):
    reason = MultiLineField(
        label="What is still wrong?",
        max_length=5000,
        error_messages={"required": "Tell us what is still wrong."},
        rows=3,
    )


class UserMessageForm(BaseForm):
    text = MultiLineField(
        label="Your message",
        max_length=5000,
        error_messages={"required": "Write your message first."},
        rows=3,
    )


class AttachForm(BaseForm):
    """More photos for an open incident. Photos are never required of anyone, so the
    field carries no star; sending the form with none chosen still says so."""

    photos = PhotosField(label="Add photos")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = photos_help(optional=False)

    def clean_photos(self):
        if not self.cleaned_data["photos"]:
            raise forms.ValidationError("Choose at least one photo.", code="required")
        return self.cleaned_data["photos"]


class ArticleSearchForm(BaseForm):
    q = SingleLineField(label="Search the help articles", max_length=100, required=False)

    def words(self) -> list[str]:
        if not self.is_valid():
            return []
        return [w for w in self.cleaned_data["q"].split() if len(w) >= 2][:6]
