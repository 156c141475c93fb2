"""The service desk's call log: the queue of incidents, its filters, search and sorting.

Everything the queue page, its htmx table and its CSV export show comes from
`QueueFilter(request.GET, queryset=queue_queryset(), request=request)`, so the
export is exactly the list on screen. Only declared filters read the query
string; a value a filter cannot read makes the form invalid (the view answers
400 with an empty list), never a server error.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, time
from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts import roles
from accounts.models import School
from accounts.roles import Role, people_with
from incidents import prepared, targets
from incidents.forms.choices import light_choices
from incidents.models import (
    OPEN_STATUSES,
    STAFF_STATUS_LABELS,
    CallKind,
    CallLogEntry,
    Category,
    Equipment,
    Incident,
    Priority,
    Room,
    Site,
    Status,
)
from incidents.prepared import any_of
from incidents.priority_set import priority_set_expression
from incidents.search import search_incidents

OPEN, ALL = "open", "all"
STATE_CHOICES = [(OPEN, "All open"), *STAFF_STATUS_LABELS.items(), (ALL, "All")]

BREACHED, AT_RISK, ATTENTION = targets.BREACHED, targets.AT_RISK, "attention"
TARGET_CHOICES = [
    (ATTENTION, "Breached or at risk"),
    (BREACHED, "Breached"),
    (AT_RISK, "At risk"),
]

# sort parameter → columns. Always ends on the primary key, so pages never overlap.
SORTS = {
    "ref": ("id",),
    "summary": ("summary",),
    "reporter": ("reporter__first_name", "reporter__last_name"),
    "site": ("site__name",),
    "category": ("category__name",),
    "priority": ("priority",),
    "state": ("status",),
    "owner": ("owner__first_name", "owner__last_name"),
    "assignee": ("assignee__first_name", "assignee__last_name"),
    "age": ("-created_at",),  # youngest first: ascending age
    "due": ("resolution_due_at",),
    "updated": ("updated_at",),
}
SORT_CHOICES = [(key, key) for key in SORTS] + [(f"-{key}", f"-{key}") for key in SORTS]
DEFAULT_SORT = "age"


def _ordering(sort: str) -> list[str]:
    """`priority` / `-priority` → the columns to order by, ending on the primary key."""
    columns = SORTS[sort.removeprefix("-")]
    if sort.startswith("-"):
        columns = tuple(c[1:] if c.startswith("-") else f"-{c}" for c in columns)
    if columns[0].removeprefix("-") == "id":
        return list(columns)
    return [*columns, "-id"]


# ---------------------------------------------------------------- the target clock


def target_conditions(now=None) -> tuple[Q, Q]:
    """(breached, at risk) as SQL conditions: see `incidents.targets.state`."""
    return targets.breached_q(now), targets.at_risk_q(now)


def queue_queryset(incidents: QuerySet[Incident] | None = None) -> QuerySet[Incident]:
    """The incidents (`incidents`, the scoped list of who is asking; every incident when
    left out) with what a queue row shows joined in one query: the people, the place,
    and whether a priority has been set. The target state is worked out in Python for
    the rows shown (`targets.target_state`, the rule the filters use in SQL), and the
    latest call-log entries are read for a page at once (`add_latest_entries`): both
    as SQL cost more to put together and to run than the rows themselves."""
    base = Incident.objects.all() if incidents is None else incidents
    return base.select_related(
        "reporter",
        "school",
        "site",
        "room",
        "category",
        "equipment",
        "owner",
        "assignee",
        "request_type",
    ).annotate(priority_set=priority_set_expression())


def add_latest_entries(incidents: list[Any]) -> None:
    """Set `latest_text`, `latest_at` and `latest_public` (None without an entry) on
    each incident from its latest call-log entry, in one query for them all."""

    def build(ids: list[int]) -> QuerySet:
        return (
            CallLogEntry.objects.filter(
                any_of(CallLogEntry, "incident_id", ids, CallLogEntry.objects.db)
            )
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("incident_id")],
                    order_by=[F("at").desc(), F("id").desc()],
                )
            )
            .filter(rank=1)
            .values_list("incident_id", "text", "at", "is_public")
        )

    latest = prepared.rows(("latest-entries",), build, ids=[incident.pk for incident in incidents])
    by_incident = {incident_id: rest for incident_id, *rest in latest}
    for incident in incidents:
        incident.latest_text, incident.latest_at, incident.latest_public = by_incident.get(
            incident.pk, (None, None, None)
        )


# ---------------------------------------------------------------- the filter set


def desk_people(schools):
    """The service desk of these schools (ids)."""
    return people_with(Role.DESK, schools=schools)


def technicians(schools):
    """The technicians covering these schools (ids)."""
    return people_with(Role.TECHNICIAN, schools=schools)


class RoomChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.site.name} · {obj.name}"


class RoomFilter(django_filters.ModelChoiceFilter):
    field_class = RoomChoiceField


class TickFilter(django_filters.Filter):
    """A checkbox: ticked applies the method, unticked leaves the list alone."""

    field_class = forms.BooleanField


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _end_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


class QueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        max_length=200,
        help_text="Reference, summary, the sheet's answers or the call log.",
    )
    state = django_filters.MultipleChoiceFilter(
        label="State",
        choices=STATE_CHOICES,
        method="filter_state",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    priority = django_filters.ChoiceFilter(choices=Priority.choices, empty_label="Any priority")
    kind = django_filters.ChoiceFilter(
        label="Kind", choices=CallKind.choices, empty_label="Incidents and requests"
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), empty_label="Any category"
    )
    school = django_filters.ModelChoiceFilter(
        queryset=School.objects.none(), empty_label="Any school"
    )
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.none(), empty_label="Any site")
    room = RoomFilter(queryset=Room.objects.none(), empty_label="Any room")
    equipment = django_filters.CharFilter(
        label="Equipment",
        method="filter_equipment",
        max_length=120,
        help_text="Asset tag or name.",
    )
    reporter = django_filters.CharFilter(
        label="Reported by",
        method="filter_reporter",
        max_length=120,
        help_text="Name or username.",
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.none(), label="Owner", empty_label="Any owner"
    )
    assignee = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.none(), label="Technician", empty_label="Any technician"
    )
    created_after = django_filters.DateFilter(
        label="Reported from",
        method="filter_created_after",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    created_before = django_filters.DateFilter(
        label="Reported until",
        method="filter_created_before",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    mine = TickFilter(label="Mine", method="filter_mine")
    unowned = TickFilter(label="Nobody owns it", method="filter_unowned")
    target = django_filters.ChoiceFilter(
        label="Targets", choices=TARGET_CHOICES, method="filter_target", empty_label="Any"
    )
    sort = django_filters.ChoiceFilter(
        label="Sort", choices=SORT_CHOICES, method="filter_sort", widget=forms.HiddenInput
    )

    class Meta:
        model = Incident
        fields: list[str] = []

    def __init__(self, *args, now=None, **kwargs):
        """Choices from the schools the person serves; the school filter only when
        they serve more than one."""
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        user = getattr(self.request, "user", None)
        schools = sorted(roles.staff_schools(user)) if user is not None else []
        self.schools = schools
        self.several_schools = len(schools) > 1
        # The choice lists' querysets (for a trust's desk, each a filter over a hundred
        # schools) are built where they are used: to check a chosen value, and to
        # write the filter form's fields when their markup is not kept
        # (`fill_choice_lists`).
        self._lists: dict[str, Callable[[], QuerySet]] = {
            "school": lambda: School.objects.filter(pk__in=schools),
            "site": lambda: Site.objects.filter(school_id__in=schools),
            "room": lambda: Room.objects.filter(site__school_id__in=schools).select_related("site"),
            "owner": lambda: desk_people(schools),
            "assignee": lambda: technicians(schools),
        }
        if not self.several_schools:
            del self.filters["school"]
            del self._lists["school"]
        for name, build in self._lists.items():
            if self.data.get(name) not in (None, ""):
                self.filters[name].queryset = build()

    @contextmanager
    def measured_at(self, now: datetime) -> Iterator[None]:
        """The targets filter measures against `now` inside (for `prepared.rows`,
        which compiles a statement with a stand-in moment)."""
        asked_at, self.now = self.now, now
        try:
            yield
        finally:
            self.now = asked_at

    def fill_choice_lists(self) -> None:
        """Every choice list of the form, before its fields are written."""
        for name, build in self._lists.items():
            self.form.fields[name].queryset = build()

    @property
    def form(self):
        """The filter form, its choice lists read once and rendered cheaply."""
        if not hasattr(self, "_form"):
            light_choices(super().form)
        return self._form

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*_ordering(DEFAULT_SORT))
        return queryset

    def queryset_without(self, *names: str, queryset: QuerySet | None = None) -> QuerySet:
        """The list under every filter but `names` (call after `is_valid()`): for
        the counts per state, which ignore the chosen state."""
        qs = Incident.objects.all() if queryset is None else queryset
        for name, value in self.form.cleaned_data.items():
            if name not in names:
                qs = self.filters[name].filter(qs, value)
        return qs

    # --- the methods

    def filter_search(self, qs, name, value):
        return search_incidents(qs, value)

    def filter_state(self, qs, name, value):
        if ALL in value:
            return qs
        states = set()
        for choice in value:
            states.update(OPEN_STATUSES if choice == OPEN else [choice])
        if states == set(OPEN_STATUSES):
            # Said as "not closed", the way the open calls' partial index is defined.
            return qs.exclude(status=Status.CLOSED)
        return qs.filter(status__in=sorted(states))

    def filter_equipment(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        matching = Equipment.objects.filter(Q(asset_tag__iexact=value) | Q(name__icontains=value))
        return qs.filter(equipment__in=matching.values("pk"))

    def filter_reporter(self, qs, name, value):
        words = value.split()[:4]
        if not words:
            return qs
        people = get_user_model().objects.all()
        if len(words) == 1:
            people = people.filter(
                Q(username__iexact=words[0])
                | Q(first_name__icontains=words[0])
                | Q(last_name__icontains=words[0])
                | Q(email__iexact=words[0])
            )
        else:
            for word in words:
                people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        return qs.filter(reporter__in=people.values("pk"))

    def filter_created_after(self, qs, name, value):
        return qs.filter(created_at__gte=_start_of(value))

    def filter_created_before(self, qs, name, value):
        return qs.filter(created_at__lte=_end_of(value))

    def filter_mine(self, qs, name, value):
        if not value or self.request is None:
            return qs
        me = self.request.user
        return qs.filter(Q(owner=me) | Q(assignee=me))

    def filter_unowned(self, qs, name, value):
        return qs.filter(owner__isnull=True) if value else qs

    def filter_target(self, qs, name, value):
        breached, at_risk = target_conditions(self.now)
        wanted = {BREACHED: breached, AT_RISK: at_risk}.get(value, breached | at_risk)
        return qs.filter(wanted)

    def filter_sort(self, qs, name, value):
        return qs.order_by(*_ordering(value))
