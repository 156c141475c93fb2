"""The demo's visiting technician has a rota at every school where they are a
technician, with a cancelled and an extra visit, and loading twice changes nothing."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import roles
from accounts.models import User
from incidents import rota
from incidents.models import RotaEntry, VisitChange, VisitChangeKind

pytestmark = pytest.mark.django_db


def load():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_demo_technician_has_a_rota_across_their_schools(settings):
    settings.DEBUG = True
    load()
    tech = User.objects.get(username="tech")
    schools = roles.schools_where(tech, roles.Role.TECHNICIAN)
    entries = RotaEntry.objects.filter(technician=tech)
    assert {entry.school_id for entry in entries} == set(sorted(schools)[:3])
    assert VisitChange.objects.filter(kind=VisitChangeKind.CANCELLED).count() == 1
    today = timezone.localdate()
    upcoming = rota.next_visits(today, technician=tech, limit=10)
    assert upcoming and all(visit.school_id in schools for visit in upcoming)
    cancelled = VisitChange.objects.get(kind=VisitChangeKind.CANCELLED)
    assert cancelled.day not in {
        v.day
        for v in rota.visits_between(
            cancelled.day, cancelled.day, technician=tech, school=cancelled.school
        )
    }
    moved_to = cancelled.day + timedelta(days=1)
    extra = VisitChange.objects.get(day=moved_to, school=cancelled.school)
    assert extra.kind == VisitChangeKind.EXTRA and "training" in extra.reason
    is_closed = rota.closed_days([cancelled.school_id])
    assert rota.is_scheduled(moved_to, school=cancelled.school) == (
        not is_closed(cancelled.school_id, moved_to)
    )

    counts = (RotaEntry.objects.count(), VisitChange.objects.count())
    load()
    assert (RotaEntry.objects.count(), VisitChange.objects.count()) == counts
