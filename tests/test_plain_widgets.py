"""The inputs and text areas `plain_field` writes in Python are the very markup
Django's widget templates give (ids, values, escaping, bare and dropped attributes)."""

import datetime

import pytest
from django import forms

from incidents.templatetags.plain_fields import _widget_html


class Everything(forms.Form):
    text = forms.CharField(max_length=20, help_text="Help")
    optional = forms.CharField(required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    empty_notes = forms.CharField(widget=forms.Textarea, required=False)
    count = forms.IntegerField(min_value=0)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    agree = forms.BooleanField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    mail = forms.EmailField(widget=forms.EmailInput(attrs={"autofocus": True, "spellcheck": False}))


CASES = [
    {},
    {
        "initial": {
            "text": 'a "quoted" <b>&',
            "notes": "line one\n<script>x</script>",
            "count": 3,
            "when": datetime.date(2026, 1, 2),
            "agree": True,
            "version": 7,
            "mail": "a@b.example",
        }
    },
    {"data": {"text": "x" * 30, "notes": "", "count": "-1", "when": "nope", "agree": "on"}},
]


@pytest.mark.parametrize("kwargs", CASES)
@pytest.mark.parametrize("prefix", [None, "close"])
def test_plain_widgets_match_djangos(kwargs, prefix):
    form = Everything(prefix=prefix, **kwargs)
    if form.is_bound:
        form.is_valid()
    for field in form:
        for attrs in (None, {"class": "textinput form-control is-invalid"}):
            assert _widget_html(field, attrs) == field.as_widget(attrs=attrs), field.name
