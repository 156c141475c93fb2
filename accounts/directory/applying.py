"""Carrying out a confirmed import, and leavers whose day has come.

All or nothing: the import runs in one transaction with the school's row locked, so
two imports into one school take turns, and it works the plan out again first. If
that plan is not the one the person confirmed (someone changed the people in
between), nothing is written and they are shown the new one.

Leaving never deletes anyone: the person's roles at the school end and, when they
hold none anywhere any more, their account is switched off (`is_active=False`),
which closes every way in: the sign-in form, password reset, an open session (at
its next request), single sign-on and e-mail to the desk. Their incidents,
call-log entries and name stay as they were.
"""

import logging
import re
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import School, StaffRecord
from accounts.roles import Role, end_roles_at, grant

from .planning import LEAVES, NEW, SKIPPED, UNCHANGED, Plan, Step, plan_import
from .reading import Reading

logger = logging.getLogger(__name__)


class PlanChanged(Exception):
    """The people changed since the dry run: `plan` is what an import would do now."""

    def __init__(self, plan: Plan):
        super().__init__("the staff directory changed since the file was checked")
        self.plan = plan


def staff_list_import(*, school: School, reading: Reading, fingerprint: str, by: Any) -> Plan:
    """Import the checked staff list into the school, exactly as its dry run showed."""
    with transaction.atomic():
        School.objects.select_for_update().get(pk=school.pk)
        plan = plan_import(school, reading)
        if plan.fingerprint != fingerprint or not plan.can_apply:
            raise PlanChanged(plan)
        for step in plan.steps:
            _carry_out(step, school, reading, plan.today)
    logger.info(
        "Staff list imported at %s by %s: %s",
        school.code,
        by.pk,
        {kind: len(plan.of(kind)) for kind in (NEW, "update", LEAVES, UNCHANGED, SKIPPED)},
    )
    return plan


def _username(email: str) -> str:
    """A free username from the e-mail address (what the person signs in with)."""
    base = re.sub(r"[^\w.@+-]", "", email.lower())[:140] or "person"
    people = get_user_model().objects
    candidate, number = base, 2
    while people.filter(username__iexact=candidate).exists():
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _carry_out(step: Step, school: School, reading: Reading, today: date) -> None:
    row = step.row
    if step.kind == SKIPPED:
        return
    user = step.user
    if step.kind == NEW:
        user = get_user_model()(
            username=_username(row.email),
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            job_title=row.staff_role,
        )
        # No password: they sign in with the school's account, or set one by reset.
        user.set_unusable_password()
        user.save()
        grant(user, Role.USER, school=school)
        StaffRecord.objects.create(
            school=school, person=user, staff_role=row.staff_role, leaves_on=row.leaves_on
        )
        return
    user.first_name, user.last_name, user.email = row.first_name, row.last_name, row.email
    fields = ["first_name", "last_name", "email"]
    if reading.has_role and row.staff_role:
        user.job_title = row.staff_role
        fields.append("job_title")
    if step.returns:
        user.is_active = True
        fields.append("is_active")
    user.save(update_fields=fields)
    record = step.record or StaffRecord(school=school, person=user)
    if reading.has_role and row.staff_role:
        record.staff_role = row.staff_role
    record.leaves_on = step.leaves_on
    if step.kind != LEAVES and (step.returns or step.joins):
        record.left_on = None
    record.save()
    if step.joins:
        grant(user, Role.USER, school=school)
    if step.kind == LEAVES:
        leave(record, today)


def leave(record: StaffRecord, today: date) -> bool:
    """The person has left the record's school: record it and end their roles there.
    Returns whether their account stays active (roles at other schools)."""
    record.left_on = today
    record.save(update_fields=["left_on", "updated_at"])
    return end_roles_at(record.person, record.school)


def leavers_due(today: date | None = None) -> int:
    """Carry out every leaving date that has come (run by `manage.py apply_leavers`
    from `scripts/reminders`). Returns how many people left."""
    today = today or timezone.localdate()
    done = 0
    due = StaffRecord.objects.filter(leaves_on__lte=today, left_on__isnull=True)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            record = (
                StaffRecord.objects.select_for_update()
                .select_related("person", "school")
                .filter(pk=pk, leaves_on__lte=today, left_on__isnull=True)
                .first()
            )
            if record is not None:
                leave(record, today)
                done += 1
    return done
