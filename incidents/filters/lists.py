"""The support lists' filters (problems, the equipment register, consultations) and
the reporter's "my incidents".

Each view passes the scoped queryset of who is asking (`incidents.selectors`) and
the query string, always bound (an empty query string is valid), and decides what
an invalid form means for its page: an empty list with the message next to the
field, or — for "my incidents" — every incident of the person. Free text goes
through the same cleaning field as every form (`SingleLineField`), and the forms
derive from `BaseForm`, which refuses an uncleaned text field.
"""

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from incidents import selectors
from incidents.forms.base import BaseForm
from incidents.forms.fields import SingleLineField
from incidents.models import (
    PROBLEM_OPEN_STATUSES,
    Consultation,
    ConsultationStatus,
    Equipment,
    EquipmentKind,
    Incident,
    Problem,
    ProblemStatus,
    Site,
    Status,
    SupportGroup,
    parse_reference,
)


class TextFilter(django_filters.CharFilter):
    """Free text in a filter: cleaned of control characters and bounded (`max_length`)."""

    field_class = SingleLineField


# ---------------------------------------------------------------- problems

ACTIVE = "active"


class ProblemFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="State",
        choices=[(ACTIVE, "Not resolved"), *ProblemStatus.choices],
        empty_label="Any state",
        method="filter_status",
    )
    known_error = django_filters.ChoiceFilter(
        label="Known error",
        choices=[("yes", "Known errors"), ("no", "Not known errors")],
        empty_label="Either",
        method="filter_known_error",
    )
    q = TextFilter(label="Search", max_length=100, method="filter_search")

    class Meta:
        model = Problem
        fields: list[str] = []
        form = BaseForm

    def filter_status(self, qs, name, value):
        if value == ACTIVE:
            return qs.filter(status__in=PROBLEM_OPEN_STATUSES)
        return qs.filter(status=value)

    def filter_known_error(self, qs, name, value):
        return qs.filter(is_known_error=value == "yes")

    def filter_search(self, qs, name, value):
        """Title or description, or the problem's reference (PRB-000012 or 12)."""
        condition = Q(title__icontains=value) | Q(description__icontains=value)
        pk = parse_reference("PRB", value)
        if pk is not None:
            condition |= Q(pk=pk)
        return qs.filter(condition)


# ---------------------------------------------------------------- the equipment register


class EquipmentFilter(django_filters.FilterSet):
    q = TextFilter(label="Tag, name, make or model", max_length=100, method="filter_search")
    room = TextFilter(
        label="Room", max_length=120, field_name="room__name", lookup_expr="icontains"
    )
    kind = django_filters.ChoiceFilter(
        label="Kind", choices=EquipmentKind.choices, empty_label="Any kind"
    )
    site = django_filters.ModelChoiceFilter(
        label="Site", queryset=Site.objects.none(), to_field_name="code", empty_label="Any site"
    )
    supplier = django_filters.ModelChoiceFilter(
        label="Supplier", queryset=SupportGroup.objects.none(), empty_label="Any supplier"
    )

    class Meta:
        model = Equipment
        fields: list[str] = []
        form = BaseForm

    def __init__(self, *args, **kwargs):
        """The sites and suppliers of the schools the person serves."""
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None:
            self.filters["site"].queryset = selectors.staff_sites_for(user)
            self.filters["supplier"].queryset = selectors.support_groups_for(user)

    def filter_search(self, qs, name, value):
        return qs.filter(
            Q(asset_tag__icontains=value)
            | Q(name__icontains=value)
            | Q(make__icontains=value)
            | Q(model__icontains=value)
            | Q(serial_number__icontains=value)
        )


# ---------------------------------------------------------------- consultations


class ConsultationFilter(django_filters.FilterSet):
    """Open ones unless asked otherwise; "chase due" is the open ones to chase by today."""

    OPEN, DUE, ANSWERED, ALL = "open", "due", "answered", "all"

    show = django_filters.ChoiceFilter(
        label="Show",
        choices=[(OPEN, "Open"), (DUE, "Chase due"), (ANSWERED, "Answered"), (ALL, "All")],
        empty_label=None,
        method="filter_show",
    )
    group = django_filters.ModelChoiceFilter(
        label="Group", queryset=SupportGroup.objects.none(), empty_label="Any group"
    )

    class Meta:
        model = Consultation
        fields: list[str] = []
        form = BaseForm

    def __init__(self, *args, **kwargs):
        """The groups of the schools the person serves."""
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None:
            self.filters["group"].queryset = selectors.support_groups_for(user)

    @property
    def shown(self) -> str:
        """What is shown (call after `is_valid()`): the chosen value, else the open ones."""
        data = getattr(self.form, "cleaned_data", {})
        return data.get("show") or self.OPEN

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("show"):
            queryset = self.filter_show(queryset, "show", self.OPEN)
        return queryset

    def filter_show(self, qs, name, value):
        if value == self.OPEN:
            return qs.filter(status=ConsultationStatus.OPEN)
        if value == self.DUE:
            return qs.filter(status=ConsultationStatus.OPEN, chase_on__lte=timezone.localdate())
        if value == self.ANSWERED:
            return qs.filter(status=ConsultationStatus.ANSWERED)
        return qs


# ---------------------------------------------------------------- my incidents


class MyIncidentsFilter(django_filters.FilterSet):
    """Open, closed or all of the person's incidents. The page shows all for a value
    it does not know (a link from an old e-mail must still list something)."""

    state = django_filters.ChoiceFilter(
        choices=[("open", "Open"), ("closed", "Closed")], empty_label="All", method="filter_state"
    )

    class Meta:
        model = Incident
        fields: list[str] = []
        form = BaseForm

    @property
    def chosen_state(self) -> str:
        """The chosen state, "" for all (also when the value was not understood)."""
        return self.form.cleaned_data.get("state", "") if self.is_valid() else ""

    def filter_state(self, qs, name, value):
        if value == "open":
            return qs.exclude(status=Status.CLOSED)
        return qs.filter(status=Status.CLOSED)
