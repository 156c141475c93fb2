"""Fields shared by every form: free text that is always cleaned and bounded, and the
pickers (people, rooms, equipment, incidents, photos) more than one form needs.

Free text is cleaned once, here: control characters (NUL and the rest) and bidi
controls are removed before anything else looks at the value, and every text field
has a length limit the person is told about and that is enforced with a message
next to the field.
"""

import re

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from incidents import uploads
from incidents.models import Equipment, Incident, parse_reference

# Bidi embeddings, overrides and isolates, and the left-to-right / right-to-left marks:
# pasted into a summary they make text read differently from what it says.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
# What ends a line, besides LF: a single-line value loses all of them.
LINE_BREAKS = re.compile("\r\n|[\r\n\u2028\u2029\u0085\v\f]")
# C0 and C1 controls and DEL (NUL included); tab and LF are kept in multi-line text.
_CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)])
_DROP_MULTI_LINE = str.maketrans(
    "", "", _CONTROLS.replace("\t", "").replace("\n", "") + BIDI_CONTROLS
)
_DROP_SINGLE_LINE = str.maketrans("", "", _CONTROLS + BIDI_CONTROLS)


def clean_multi_line(text: str) -> str:
    """Paragraphs: line breaks of any kind become LF, tabs stay, other controls go."""
    return LINE_BREAKS.sub("\n", text).translate(_DROP_MULTI_LINE)


def clean_single_line(text: str) -> str:
    """One line (a summary, a name, a subject): any line break or tab becomes a space."""
    return LINE_BREAKS.sub(" ", text).replace("\t", " ").translate(_DROP_SINGLE_LINE)


def length_help(limit: int) -> str:
    return f"Up to {limit:,} characters."


class TextField(forms.CharField):
    """Free text: cleaned of control and bidi characters, and always bounded.

    The limit is required, shown under the field (unless it is hidden) and, when
    exceeded, reported next to the field with what was typed kept in it.
    """

    multi_line = False

    def __init__(self, *, max_length: int | None, **kwargs):
        if max_length is None:
            raise TypeError(f"{type(self).__name__} needs a max_length: every text has a limit")
        super().__init__(max_length=max_length, **kwargs)

    @property
    def help_text(self) -> str:
        """The field's own help, then its limit (a form may replace the help after creation)."""
        if self.widget.is_hidden:
            return self._help_text
        return " ".join(filter(None, [str(self._help_text), length_help(self.max_length or 0)]))

    @help_text.setter
    def help_text(self, value) -> None:
        self._help_text = value

    def to_python(self, value):
        if isinstance(value, str):
            value = clean_multi_line(value) if self.multi_line else clean_single_line(value)
        return super().to_python(value)


class SingleLineField(TextField):
    """A summary, a name, a reference, a search: one line of text."""


class MultiLineField(TextField):
    """A paragraph or more: newlines and tabs are kept."""

    multi_line = True

    def __init__(self, *, rows: int = 3, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)


def is_free_text(field: forms.Field) -> bool:
    """Whether a field takes text as typed (and so must be a TextField)."""
    return isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField)


# ---------------------------------------------------------------- widgets


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


# ---------------------------------------------------------------- pickers


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        extra = f" – {obj.job_title}" if obj.job_title else ""
        return f"{obj.display_name} ({obj.username}){extra}"


class SchoolChoiceField(forms.ModelChoiceField):
    """A school, by its name."""

    def label_from_instance(self, obj):
        return obj.name


class SchoolSiteChoiceField(forms.ModelChoiceField):
    """Sites named with their school when the person belongs to several schools."""

    with_school = False

    def label_from_instance(self, obj):
        return f"{obj.school} · {obj.name}" if self.with_school else obj.name


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.site.name} · {obj.name}"


class EquipmentField(SingleLineField):
    """An asset tag typed in (the register can be long): → the Equipment, or None.

    Only equipment in `queryset` (the school's, set by the form) is found."""

    def __init__(self, **kwargs):
        self.queryset = Equipment.objects.none()
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Equipment (asset tag)")
        super().__init__(**kwargs)

    def clean(self, value):
        tag = super().clean(value).strip()
        if not tag:
            return None
        equipment = self.queryset.filter(asset_tag__iexact=tag).first()
        if equipment is None:
            raise forms.ValidationError(f"No equipment has the asset tag {tag}.")
        return equipment


class IncidentReferenceField(SingleLineField):
    """INC-000123 (or 123) → that incident, or a message next to the field.

    Only incidents in `queryset` (what the person may name, set by the form) are found."""

    def __init__(self, **kwargs):
        self.queryset = Incident.objects.none()
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        pk = parse_reference("INC", text)
        incident = self.queryset.filter(pk=pk).first() if pk else None
        if incident is None:
            raise forms.ValidationError(f"There is no incident {text}.")
        return incident


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
