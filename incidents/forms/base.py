"""Base classes every form in the package derives from.

`CleanTextMixin` refuses to build a form with a free-text field that is not one of
the cleaning fields of `incidents.forms.fields`, so a new form cannot forget to
strip control characters or to bound its text. `VersionedForm` carries the version
the person was looking at, so a stale page is a conflict, never a silent overwrite.
"""

from django import forms
from django.core.exceptions import ImproperlyConfigured

from .fields import TextField, is_free_text

MAX_VERSION = 2**31 - 1


class CleanTextMixin:
    """Checks, when the form is built, that every free-text field cleans and bounds its text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if is_free_text(field) and not isinstance(field, TextField):
                raise ImproperlyConfigured(
                    f"{type(self).__name__}.{name} takes free text: declare it with "
                    "SingleLineField or MultiLineField so it is cleaned and bounded."
                )


class BaseForm(CleanTextMixin, forms.Form):
    """A form whose text is cleaned of control characters and bounded."""


class BaseModelForm(CleanTextMixin, forms.ModelForm):
    """The same for a model form: declare its text fields explicitly."""


class VersionedForm(BaseForm):
    """Carries the version the person was looking at; a post without it is refused."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=MAX_VERSION,
        error_messages={
            "required": "This page is out of date: reload it and try again.",
            "invalid": "This page is out of date: reload it and try again.",
        },
    )

    def clean(self):
        data = super().clean()
        if self.has_error("version"):
            # The field is hidden: say it where the person will read it too.
            self.add_error(None, self.errors["version"][0])
        return data
