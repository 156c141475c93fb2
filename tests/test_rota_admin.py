"""The rota in the admin site: a support admin keeps the rota of their schools only,
and the admin refuses a technician who is not a technician at the school."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from incidents.models import RotaEntry, VisitChange, VisitChangeKind
from tests.factories import UserFactory
from tests.rota_helpers import in_days, open_every_day, other_school, weekly_from

pytestmark = pytest.mark.django_db
ENTRIES = reverse("admin:incidents_rotaentry_changelist")
ADD_ENTRY = reverse("admin:incidents_rotaentry_add")
ADD_CHANGE = reverse("admin:incidents_visitchange_add")


@pytest.fixture
def school(site):
    open_every_day(site)
    return site.school


def entry_post(technician, school, **extra):
    return {
        "technician": technician.pk,
        "school": school.pk,
        "weekday": 1,
        "every_weeks": 2,
        "starts_on": in_days(0).isoformat(),
        "ends_on": "",
        "arrives": "",
        "leaves": "",
        **extra,
    }


def test_the_support_admin_adds_a_regular_visit_and_a_change(
    client_for, admin_user, technician, school
):
    client = client_for(admin_user)

    response = client.post(ADD_ENTRY, entry_post(technician, school))

    assert response.status_code == 302
    entry = RotaEntry.objects.get()
    assert (entry.technician, entry.school, entry.weekday, entry.every_weeks) == (
        technician,
        school,
        1,
        2,
    )
    response = client.post(
        ADD_CHANGE,
        {
            "technician": technician.pk,
            "school": school.pk,
            "day": in_days(3).isoformat(),
            "kind": VisitChangeKind.EXTRA,
            "reason": "Network upgrade",
            "arrives": "",
            "leaves": "",
        },
    )
    assert response.status_code == 302
    change = VisitChange.objects.get()
    assert change.made_by == admin_user and change.reason == "Network upgrade"
    assert "Network upgrade" in client.get(reverse("admin:incidents_visitchange_changelist")).text


def test_the_admin_refuses_a_person_who_is_not_a_technician_there(
    client_for, admin_user, reporter, school
):
    response = client_for(admin_user).post(ADD_ENTRY, entry_post(reporter, school))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    hillside = other_school()
    hill_tech = UserFactory(username="hilltech", roles=[Role.TECHNICIAN], roles__school=hillside)
    response = client_for(admin_user).post(ADD_ENTRY, entry_post(hill_tech, school))
    assert "is not a technician at" in response.text
    assert not RotaEntry.objects.exists()


def test_a_schools_support_admin_sees_only_their_schools_rota(client_for, technician, school):
    hillside = other_school()
    hill_admin = UserFactory(username="hilladmin", roles=[Role.ADMIN], roles__school=hillside)
    ours = weekly_from(technician, school, 1)
    theirs = weekly_from(technician, hillside, 2)
    client = client_for(hill_admin)

    listing = client.get(ENTRIES).text
    assert reverse("admin:incidents_rotaentry_change", args=[theirs.pk]) in listing
    assert reverse("admin:incidents_rotaentry_change", args=[ours.pk]) not in listing
    other_page = client.get(reverse("admin:incidents_rotaentry_change", args=[ours.pk]))
    assert other_page.status_code in (302, 404)
    add_page = client.get(ADD_ENTRY).text
    assert "Hillside Secondary" in add_page and f">{school}<" not in add_page

    response = client.post(ADD_ENTRY, entry_post(technician, school))
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert RotaEntry.objects.count() == 2
