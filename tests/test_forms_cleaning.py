"""Every form in the package cleans and bounds its free text: control characters (NUL
first) and bidi controls never reach the database, and every text field has a limit the
person is told about. The forms are found by walking the package, so a new form is
checked without being listed here; so are the forms of the lists' filter sets."""

import importlib
import inspect
import pkgutil

import django_filters
import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured

import incidents.forms
from accounts.models import School
from incidents.filters import lists as list_filters
from incidents.forms.base import BaseForm, CleanTextMixin, VersionedForm
from incidents.forms.fields import TextField, clean_multi_line, clean_single_line, is_free_text
from incidents.models import Incident, Problem

pytestmark = pytest.mark.django_db

NASTY = "a\x00b\x07c\x1bd\x7fe\u0085f\u2028g\u2029h\u202ei\u2066j\u200fk"


def all_form_classes() -> list[type]:
    found = {}
    for module_info in pkgutil.iter_modules(incidents.forms.__path__):
        module = importlib.import_module(f"incidents.forms.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            abstract = cls.__module__ == "incidents.forms.base" and cls is not VersionedForm
            if (
                issubclass(cls, forms.BaseForm)
                and cls.__module__.startswith("incidents.forms")
                and not abstract
            ):
                found[cls.__qualname__] = cls
    # The lists' filters read their query string through forms of the same base.
    for _, filterset in inspect.getmembers(list_filters, inspect.isclass):
        if issubclass(filterset, django_filters.FilterSet) and filterset.base_filters:
            form_class = filterset().form.__class__
            found[form_class.__name__] = form_class
    return [found[name] for name in sorted(found)]


FORMS = all_form_classes()


# What a few forms need to be built; every other form is built with no arguments.
def _request_type():
    """A request type asking one question of each kind (built once per test)."""
    from incidents.models import RequestType
    from tests.factories import request_type

    found = RequestType.objects.filter(name="Every kind of question").first()
    return found or request_type(
        name="Every kind of question",
        questions=[
            ("Short", "short", "", True),
            ("Long", "long", "", True),
            ("Yes or no", "yes_no", "", True),
            ("Choice", "choice", "One\nTwo", True),
        ],
    )


SCHOOL = School(pk=1, organisation_id=1)
CONSTRUCTION = {
    "RequestForm": lambda: {"request_type": _request_type(), "user": AnonymousUser()},
    "AttachMailForm": lambda: {"desk": AnonymousUser()},
    "ProblemResolveForm": lambda: {
        "problem": Problem(version=1),
        "open_incidents": Incident.objects.none(),
    },
    "CloseForm": lambda: {"incident": Incident(pk=1, school=SCHOOL, version=1)},
    **{
        name: lambda: {"school": SCHOOL}
        for name in (
            "AcceptForm",
            "DetailsForm",
            "ConsultForm",
            "EscalateForm",
            "HandOverForm",
            "LinkArticleForm",
            "LinkProblemForm",
            "TechnicianForm",
            "RotaTechnicianForm",
        )
    },
    **{
        name: lambda: {"user": AnonymousUser()}
        for name in (
            "BulkForm",
            "ServiceReportForm",
            "SiteFilterForm",
            "IncidentReportForm",
            "LogCallForm",
            "ProblemCreateForm",
            "ProblemEditForm",
        )
    },
}


def build(cls, data=None):
    kwargs = CONSTRUCTION.get(cls.__name__, dict)()
    return cls(data, **kwargs) if data is not None else cls(**kwargs)


def text_fields(form) -> dict[str, forms.Field]:
    return {name: field for name, field in form.fields.items() if is_free_text(field)}


def test_the_walk_finds_the_forms_of_every_module():
    names = {cls.__name__ for cls in FORMS}
    for expected in (
        "IncidentReportForm",
        "SheetForm",
        "LogCallForm",
        "HoldForm",
        "ProblemEditForm",
        "ServiceReportForm",
        "ProblemFilterForm",
        "MyIncidentsFilterForm",
    ):
        assert expected in names
    assert len(FORMS) >= 40


@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: cls.__name__)
def test_every_form_cleans_its_text(cls):
    assert issubclass(cls, CleanTextMixin), (
        f"{cls.__name__} does not derive from the package's base forms"
    )
    form = build(cls)
    for name, field in text_fields(form).items():
        assert isinstance(field, TextField), f"{cls.__name__}.{name}"
        assert field.max_length and field.max_length <= 10_000, (
            f"{cls.__name__}.{name} has no sensible limit"
        )
        if not field.widget.is_hidden:
            assert f"Up to {field.max_length:,} characters." in field.help_text, (
                f"{cls.__name__}.{name}"
            )


@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: cls.__name__)
def test_a_nul_byte_in_any_field_never_reaches_the_cleaned_data(cls):
    form = build(cls)
    data = {form.add_prefix(name): NASTY for name in text_fields(form)}
    bound = build(cls, data)
    bound.is_valid()  # some fields refuse the value (no such asset tag…): that is a message, not a crash
    for name in text_fields(bound):
        value = bound.cleaned_data.get(name)
        if isinstance(value, str):
            assert "\x00" not in value and "\u202e" not in value and "\x1b" not in value, (
                f"{cls.__name__}.{name}"
            )


def test_a_form_with_a_plain_char_field_is_refused_when_built():
    class Careless(BaseForm):
        comment = forms.CharField(max_length=100)

    with pytest.raises(ImproperlyConfigured, match=r"Careless\.comment"):
        Careless()


def test_single_line_text_loses_every_line_break_and_control():
    assert (
        clean_single_line("Printer\r\nbroken\u2028again\u0085now\ttoo\x00")
        == "Printer broken again now too"
    )
    assert clean_single_line("\u202eevil\u202c \u2066name\u2069 \u200e\u200f") == "evil name "


def test_multi_line_text_keeps_newlines_and_tabs():
    assert (
        clean_multi_line("one\r\ntwo\rthree\u2028four\tcol\x00\x08") == "one\ntwo\nthree\nfour\tcol"
    )
    assert clean_multi_line("a\u202eb\u2067c") == "abc"


def test_one_versioned_form_and_its_version_is_required():
    versioned = [cls for cls in FORMS if "version" in getattr(cls, "base_fields", {})]
    assert all(issubclass(cls, VersionedForm) for cls in versioned), versioned
    form = VersionedForm({})
    assert not form.is_valid()
    assert "version" in form.errors
    assert "This page is out of date" in " ".join(form.non_field_errors())
    assert VersionedForm({"version": "3"}).is_valid()
