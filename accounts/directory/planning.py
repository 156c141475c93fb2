"""What importing a staff list would do at one school, worked out without writing.

The same plan is shown as the dry run and carried out on confirmation
(`accounts.directory.applying`), so what the person confirmed is what happens; its
fingerprint tells when the people changed in between.

People are matched by e-mail address, whatever its case. An address used by an
account outside the school's organisation (or by an installation administrator) is
refused and left alone: the import never moves a person between organisations, nor
says more about them than that the address cannot be used.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Membership, School, StaffRecord
from accounts.roles import Role

from .reading import Person, Reading, RowError

NEW, UPDATE, LEAVES, UNCHANGED, SKIPPED = "new", "update", "leaves", "unchanged", "skipped"


@dataclass
class Step:
    """One row's outcome: a new person, changes, a leaver, nothing, or skipped."""

    row: Person
    kind: str
    user: Any = None
    record: StaffRecord | None = None
    changes: list[str] = field(default_factory=list)
    joins: bool = False  # gets the User role at the school
    returns: bool = False  # an account switched off when they left is switched on again
    keeps_account: bool = False  # a leaver who still holds roles elsewhere
    open_calls: int = 0  # a leaver's open calls at the school, as owner or technician
    leaves_on: date | None = None  # the leaving date to record


@dataclass
class Plan:
    school: School
    reading: Reading
    steps: list[Step]
    errors: list[RowError]
    not_in_file: list[StaffRecord]
    today: date

    def of(self, kind: str) -> list[Step]:
        return [step for step in self.steps if step.kind == kind]

    @property
    def can_apply(self) -> bool:
        return not self.errors and any(step.kind != SKIPPED for step in self.steps)

    @property
    def fingerprint(self) -> str:
        parts = [
            (s.kind, s.row.number, s.user.pk if s.user else None, s.changes, s.joins, s.returns)
            for s in self.steps
        ]
        return hashlib.sha256(repr((parts, self.errors)).encode()).hexdigest()


def _day(value: date | None) -> str:
    return date_format(value, "j F Y") if value else "none"


def school_domains(school: School) -> set[str]:
    return {line.strip().lstrip("@").lower() for line in school.email_domains.splitlines()} - {""}


class _Known:
    """What the database says about the people the file names: three queries."""

    def __init__(self, school: School, emails: set[str]):
        people = get_user_model().objects.annotate(email_key=Lower("email"))
        self.by_email: dict[str, list[Any]] = {}
        for user in people.filter(email_key__in=emails):
            self.by_email.setdefault(user.email_key, []).append(user)
        ids = [user.pk for users in self.by_email.values() for user in users]
        self.organisations: dict[int, set[int]] = {}
        self.roles_here: dict[int, set[str]] = {}
        self.at_school: set[int] = set()  # holds a role given at this very school
        self.roles_elsewhere: dict[int, int] = {}  # roles that stay when they leave the school
        for person, organisation, school_id, role in Membership.objects.filter(
            person__in=ids
        ).values_list("person_id", "organisation_id", "school_id", "role"):
            self.organisations.setdefault(person, set()).add(organisation)
            # A role at the school, or at every school of its organisation.
            if school_id == school.pk or (
                school_id is None and organisation == school.organisation_id
            ):
                self.roles_here.setdefault(person, set()).add(role)
            if school_id == school.pk:
                self.at_school.add(person)
            else:
                self.roles_elsewhere[person] = self.roles_elsewhere.get(person, 0) + 1
        self.records: dict[int, StaffRecord] = {}
        self.left_here: set[int] = set()  # left a school of this organisation by the directory
        for record in StaffRecord.objects.filter(person__in=ids).select_related("school"):
            self.organisations.setdefault(record.person_id, set()).add(
                record.school.organisation_id
            )
            if record.school_id == school.pk:
                self.records[record.person_id] = record
            if record.left_on and record.school.organisation_id == school.organisation_id:
                self.left_here.add(record.person_id)


def _match(known: _Known, school: School, row: Person) -> tuple[Any, str]:
    """The account this row is about (None: a new person), or a reason to refuse it."""
    candidates = known.by_email.get(row.email.lower(), [])
    ours, nobodys, outside = [], [], []
    for user in candidates:
        organisations = known.organisations.get(user.pk, set())
        if user.is_superuser:
            outside.append(user)
        elif school.organisation_id in organisations:
            ours.append(user)
        elif organisations:
            outside.append(user)
        else:
            nobodys.append(user)
    if len(ours) == 1:
        return ours[0], ""
    if len(ours) > 1 or (not ours and len(nobodys) > 1):
        return None, "More than one account has this e-mail address: ask the ICT manager."
    if outside:
        return None, (
            "This e-mail address belongs to an account this school cannot change: "
            "ask the ICT manager."
        )
    return (nobodys[0] if nobodys else None), ""


def plan_import(school: School, reading: Reading, today: date | None = None) -> Plan:
    """The plan for these people at this school (nothing is written)."""
    today = today or timezone.localdate()
    known = _Known(school, {row.email.lower() for row in reading.people})
    domains = school_domains(school)
    steps: list[Step] = []
    errors = list(reading.errors)
    for row in reading.people:
        if domains and row.email.rsplit("@", 1)[-1].lower() not in domains:
            listed = ", ".join(sorted(domains))
            errors.append(
                RowError(row.number, row.email, f"The e-mail address is not at {listed}.")
            )
            continue
        user, refusal = _match(known, school, row)
        if refusal:
            errors.append(RowError(row.number, row.email, refusal))
            continue
        step = _step(known, reading, row, user, today)
        if isinstance(step, RowError):
            errors.append(step)
        else:
            steps.append(step)
    _count_open_calls(school, [step for step in steps if step.kind == LEAVES])
    matched = [step.user.pk for step in steps if step.user is not None]
    not_in_file = list(
        StaffRecord.objects.filter(school=school, left_on__isnull=True)
        .exclude(person__in=matched)
        .select_related("person")
    )
    errors.sort(key=lambda error: error.number)
    return Plan(school, reading, steps, errors, not_in_file, today)


def _count_open_calls(school: School, leavers: list[Step]) -> None:
    """How many open calls at the school each leaver still owns or works on: they stay
    theirs (and keep their name) until the desk hands them over."""
    if not leavers:
        return
    from incidents.models import Incident
    from incidents.models.states import OPEN_STATUSES

    ids = [step.user.pk for step in leavers]
    calls = Incident.objects.filter(school=school, status__in=OPEN_STATUSES).filter(
        Q(owner__in=ids) | Q(assignee__in=ids)
    )
    counts: dict[int, int] = {}
    for owner, assignee in calls.values_list("owner_id", "assignee_id"):
        for person in {owner, assignee} & set(ids):
            counts[person] = counts.get(person, 0) + 1
    for step in leavers:
        step.open_calls = counts.get(step.user.pk, 0)


def _step(known: _Known, reading: Reading, row: Person, user: Any, today: date) -> Step | RowError:
    leaving_now = row.leaves_on is not None and row.leaves_on <= today
    if user is None:
        if leaving_now:
            return Step(row, SKIPPED, leaves_on=row.leaves_on)
        return Step(row, NEW, leaves_on=row.leaves_on)
    record = known.records.get(user.pk)
    step = Step(row, UPDATE, user=user, record=record)
    for label, old, new in (
        ("First name", user.first_name, row.first_name),
        ("Surname", user.last_name, row.last_name),
        ("E-mail", user.email, row.email),
    ):
        if old != new:
            step.changes.append(f"{label}: {old or '–'} → {new or '–'}")
    old_role = record.staff_role if record else user.job_title
    if reading.has_role and row.staff_role and row.staff_role != old_role:
        step.changes.append(f"Staff role: {old_role or '–'} → {row.staff_role}")
    old_leaving = record.leaves_on if record else None
    step.leaves_on = row.leaves_on if reading.has_leaving_date else old_leaving
    if step.leaves_on != old_leaving:
        step.changes.append(f"Leaving date: {_day(old_leaving)} → {_day(step.leaves_on)}")
    roles_here = known.roles_here.get(user.pk, set())
    if leaving_now:
        if user.pk in known.at_school or (record is None or record.left_on is None):
            step.kind = LEAVES
            step.keeps_account = bool(known.roles_elsewhere.get(user.pk))
            return step
    else:
        if not user.is_active:
            if user.pk not in known.left_here:
                return RowError(
                    row.number,
                    row.email,
                    "This person's account is switched off in the admin site: switch it "
                    "on there first, or take the row out.",
                )
            step.returns = True
        step.joins = Role.USER not in roles_here
    if not (step.changes or step.joins or step.returns):
        step.kind = UNCHANGED
    return step
