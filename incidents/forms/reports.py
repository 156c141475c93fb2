"""The report's parameters: a period and, optionally, one school or one site (of
the schools the person serves as service desk).

Read from the query string (the report is a GET page that can be bookmarked and
exported with the same parameters); anything unreadable is a message next to
the field, never an error page.
"""

from datetime import date, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms

from accounts import roles
from accounts.models import School
from incidents.models import Site
from incidents.reporting import MAX_PERIOD_DAYS, Period

from .base import BaseForm
from .choices import light_choices
from .fields import DateInput

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


class ScopeMixin:
    """The schools a report covers: those the person serves as service desk, or
    one of them; a site of another school is no choice (a message next to the field)."""

    fields: dict
    cleaned_data: dict

    def limit_to(self, user) -> None:
        self.desk_schools = frozenset(roles.schools_where(user, roles.Role.DESK))
        self.fields["school"].queryset = School.objects.filter(pk__in=self.desk_schools)
        self.fields["site"].queryset = Site.objects.filter(
            school_id__in=self.desk_schools
        ).order_by("name")
        self.several_schools = len(self.desk_schools) > 1
        if not self.several_schools:
            self.fields["school"].widget = forms.HiddenInput()
        # A trust's desk lists every site of a hundred schools: read once, written in Python.
        light_choices(self)

    def clean_scope(self) -> None:
        school, site = self.cleaned_data.get("school"), self.cleaned_data.get("site")
        if school is not None and site is not None and site.school_id != school.pk:
            self.add_error("site", f"{site} is not a site of {school}.")  # type: ignore[attr-defined]

    @property
    def scope(self) -> dict:
        """Period's and the dashboard's `schools` and `school` from the cleaned data."""
        school = self.cleaned_data.get("school")
        schools = frozenset({school.pk}) if school is not None else self.desk_schools
        return {"schools": schools, "school": school}


class SiteFilterForm(ScopeMixin, BaseForm):
    """One school, one site or all of them: the dashboard's parameters."""

    school = forms.ModelChoiceField(
        queryset=School.objects.none(), required=False, empty_label="All my schools"
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="All sites"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(user)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.form_class = "no-print"
        self.helper.layout = Layout(
            Row(
                Column("school", css_class="col-sm-6 col-lg-4"),
                Column("site", css_class="col-sm-6 col-lg-4"),
                Column(
                    Submit("", "Show"),
                    css_class="col-auto d-flex align-items-end mb-3",
                ),
            )
        )

    @property
    def chosen_site(self) -> Site | None:
        return self.cleaned_data.get("site") if self.is_valid() else None

    def clean(self):
        cleaned = super().clean()
        self.clean_scope()
        return cleaned

    @property
    def chosen_schools(self) -> frozenset[int]:
        """The schools shown: the one chosen, or all the person serves."""
        return self.scope["schools"] if self.is_valid() else self.desk_schools


class ServiceReportForm(ScopeMixin, BaseForm):
    start = forms.DateField(label="From", widget=DateInput)
    end = forms.DateField(label="To", widget=DateInput, help_text="Both days included.")
    school = forms.ModelChoiceField(
        queryset=School.objects.none(), required=False, empty_label="All my schools"
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="All sites"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(user)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.form_class = "no-print"
        self.helper.layout = Layout(
            Row(
                Column("start", css_class="col-sm-6 col-lg-2"),
                Column("end", css_class="col-sm-6 col-lg-2"),
                Column("school", css_class="col-sm-6 col-lg-3"),
                Column("site", css_class="col-sm-6 col-lg-3"),
                Column(
                    Submit("", "Show report"),
                    css_class="col-auto d-flex align-items-start pt-sm-4 mb-3",
                ),
            )
        )

    @classmethod
    def from_query(cls, query, today: date, *, user) -> "ServiceReportForm":
        """Bind to the query string; a missing or empty date means last month's."""
        default = Period.last_month(today)
        data = query.copy()
        if not data.get("start") and not data.get("end"):
            data["start"], data["end"] = default.start.isoformat(), default.end.isoformat()
        elif not data.get("start"):
            data["start"] = default.start.isoformat()
        elif not data.get("end"):
            data["end"] = today.isoformat()
        return cls(data, user=user)

    def clean_start(self):
        return self._in_range(self.cleaned_data["start"])

    def clean_end(self):
        return self._in_range(self.cleaned_data["end"])

    def _in_range(self, day: date) -> date:
        if not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(
                f"Choose a day between {EARLIEST:%d/%m/%Y} and {LATEST:%d/%m/%Y}."
            )
        return day

    def clean(self):
        cleaned = super().clean()
        self.clean_scope()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end of the period must not be before its start.")
            elif end - start >= timedelta(days=MAX_PERIOD_DAYS):
                self.add_error(
                    "end",
                    f"A report covers at most {MAX_PERIOD_DAYS} days: choose a shorter period.",
                )
        return cleaned

    def period(self) -> Period:
        data = self.cleaned_data
        return Period(start=data["start"], end=data["end"], site=data.get("site"), **self.scope)
