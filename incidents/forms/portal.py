"""Forms of the user's side: filing an incident, finding the equipment, and what a user
sends afterwards. The sheet's questions live in `incidents.forms.sheet`.

Each form takes only its own fields: whatever else is posted (priority, owner,
assignee, status…) is ignored, because nothing reads it.
"""

import uuid
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from accounts import roles
from helpdesk import cache as shared
from incidents import selectors
from incidents.models import Equipment, Incident, Room, Site

from .base import BaseForm
from .choices import CHOICE_LISTS, TIMEOUT, _attributes, _option
from .choices import Select as ListSelect
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


class KnownChoices:
    """A model choice read from the records the form already holds (`known`, by pk)
    instead of a query per posted value: the same records as its queryset, the same
    message for anything else."""

    known: dict[int, Any] | None = None

    def to_python(self, value):
        if self.known is None:
            return super().to_python(value)  # type: ignore[misc]
        if value in self.empty_values:  # type: ignore[attr-defined]
            return None
        self.validate_no_null_characters(value)  # type: ignore[attr-defined]
        try:
            found = self.known.get(int(str(value)))
        except (TypeError, ValueError):
            found = None
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],  # type: ignore[attr-defined]
                code="invalid_choice",
                params={"value": value},
            )
        return found


class SiteField(KnownChoices, OneOfThese, SchoolSiteChoiceField):
    pass


class SheetRoomField(KnownChoices, RoomChoiceField):
    pass


class Select(ListSelect):
    """The rooms under one heading per site, written as Django's `<select>` template
    writes grouped choices, from `kept_options` (the form's kept markup) when it has it.
    (Named `Select`, as crispy-forms names a widget's CSS class after its class.)"""

    # The options' markup, asked for when the select is written (a sheet that is
    # filed is never shown again).
    kept_options: Callable[[], SafeString] | None = None

    def render(self, name, value, attrs=None, renderer=None):
        if self.kept_options is None:
            return super().render(name, value, attrs, renderer)
        selected = self.format_value(value)
        markup = str(self.kept_options())
        if len(selected) == 1:
            plain = f'<option value="{conditional_escape(selected[0])}">'
            markup = markup.replace(plain, plain[:-1] + " selected>", 1)
        final = self.build_attrs(self.attrs, attrs)
        return mark_safe(  # noqa: S308 - the kept options were escaped as written
            f'<select name="{conditional_escape(name)}"{_attributes(final)}>'
            + markup
            + "\n</select>"
        )


def grouped_options_markup(choices) -> str:
    """The `<option>`s and `<optgroup>`s of grouped choices, none selected, as
    Django's select template writes them."""
    parts = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            parts.append(f'\n  <optgroup label="{conditional_escape(value)}">')
            parts.extend(_option(v, text) for v, text in label)
            parts.append("\n  </optgroup>")
        else:
            parts.append(_option(value, label))
    return "".join(parts)


def places_for(user) -> tuple[list[Site], list[Room]]:
    """The person's active sites (with their school) and the active rooms of those
    sites (with site and school), as the sheet's site and room fields list them:
    two queries, or none while the shared cache keeps them under the choice lists'
    version (every save of a site, room, school, organisation or membership moves it)."""
    schools = sorted(roles.schools_where(user))

    def read() -> tuple[list[Site], list[Room]]:
        sites = Site.objects.using(DEFAULT_DB_ALIAS).filter(school_id__in=schools)
        rooms = Room.objects.using(DEFAULT_DB_ALIAS).filter(site__school_id__in=schools)
        return (
            list(sites.filter(is_active=True).select_related("school")),
            list(rooms.filter(is_active=True, site__is_active=True).select_related("site__school")),
        )

    if not schools:
        return [], []
    if not shared.is_shared():
        return read()
    return shared.cached(CHOICE_LISTS, f"sheet-places.{'-'.join(map(str, schools))}", read, TIMEOUT)


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
    room = SheetRoomField(label="Room", queryset=Room.objects.none(), required=False, widget=Select)
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
        equipment_field = cast(forms.ModelChoiceField, self.fields["equipment"])
        room_field = cast(SheetRoomField, self.fields["room"])
        site_field.queryset = (
            selectors.sites_for(user).filter(is_active=True).select_related("school")
        )
        room_field.queryset = (
            selectors.rooms_for(user)
            .filter(is_active=True, site__is_active=True)
            .select_related("site__school")
        )
        # The same records as those querysets, read once (or kept): offered, and
        # what a posted site or room is looked up in.
        sites, rooms = places_for(user)
        several = len({site.school_id for site in sites}) > 1
        site_field.with_school = several
        if len(sites) == 1:
            site_field.initial = sites[0].pk
        site_field.known = {site.pk: site for site in sites}
        site_field.choices = [
            ("", site_field.empty_label),
            *((site.pk, site_field.label_from_instance(site)) for site in sites),
        ]
        room_field.known = {room.pk: room for room in rooms}
        if site_id:
            rooms = [room for room in rooms if room.site_id == site_id]
        room_field.choices = rooms_grouped_by_site(rooms, with_school=several)
        widget = cast(Select, room_field.widget)
        choices = room_field.choices
        widget.kept_options = lambda: _kept_room_options(user, site_id, several, choices)
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


def _kept_room_options(user, site_id, several: bool, choices) -> SafeString:
    """The room select's options for the person's schools (one site's, when chosen),
    written once and kept with the lists they are made of."""
    schools = "-".join(map(str, sorted(roles.schools_where(user))))
    part = f"sheet-room-options.{schools}.{site_id or 0}.{int(several)}"
    if not shared.is_shared():
        return mark_safe(grouped_options_markup(choices))  # noqa: S308 - escaped as written
    return mark_safe(  # noqa: S308 - escaped as written
        shared.cached(CHOICE_LISTS, part, lambda: grouped_options_markup(choices), TIMEOUT)
    )


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
