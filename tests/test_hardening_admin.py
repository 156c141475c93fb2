"""In the admin, only a superuser may make someone a superuser or staff."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import UserFactory


def _change(client, person, **fields):
    data = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "is_active": "on",
        "job_title": "",
        "phone": "",
        "notify_by_email": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "08:00:00",
        **fields,
    }
    return client.post(reverse("admin:accounts_user_change", args=[person.pk]), data)


@pytest.mark.parametrize("grant", [{"is_superuser": "on"}, {"is_staff": "on"}])
def test_a_support_admin_cannot_grant_superuser_or_staff(client_for, admin_user, reporter, grant):
    response = _change(client_for(admin_user), reporter, **grant, first_name="Rita-Renamed")

    assert response.status_code == 302
    reporter.refresh_from_db()
    assert reporter.first_name == "Rita-Renamed"  # the rest of the change was saved
    assert not reporter.is_superuser and not reporter.is_staff


def test_a_support_admin_cannot_make_themselves_superuser(client_for, admin_user):
    _change(client_for(admin_user), admin_user, is_superuser="on", is_staff="on")

    admin_user.refresh_from_db()
    assert not admin_user.is_superuser


def test_the_support_admin_sees_the_powers_but_cannot_change_them(client_for, admin_user, reporter):
    page = client_for(admin_user).get(reverse("admin:accounts_user_change", args=[reporter.pk]))

    assert 'name="is_superuser"' not in page.text and 'name="is_staff"' not in page.text
    assert "Superuser status" in page.text


def test_a_superuser_can_grant_staff_and_superuser(client_for, reporter):
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)

    response = _change(client_for(boss), reporter, is_superuser="on", is_staff="on")

    assert response.status_code == 302
    person = get_user_model().objects.get(pk=reporter.pk)
    assert person.is_superuser and person.is_staff
