"""Signing in: lockout by username and address, the same answer for every failure,
each role's landing page, and the admin site for support admins only."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def attempt(client, username, password, ip):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_lockout_is_by_username_and_address_never_address_alone(
    client, reporter, other_reporter, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "reporter", "wrong-password", "10.0.0.1")

    locked = attempt(client, "reporter", PASSWORD, "10.0.0.1")
    assert "Too many attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    # A colleague at the same school (same public address) still signs in.
    colleague = attempt(client, "other", PASSWORD, "10.0.0.1")
    assert colleague.status_code == 302
    assert client.session["_auth_user_id"] == str(other_reporter.pk)
    client.logout()

    # The same person from another address still signs in.
    elsewhere = attempt(client, "reporter", PASSWORD, "10.0.0.2")
    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"] == str(reporter.pk)


def test_unknown_account_and_wrong_password_get_the_same_answer(client, reporter):
    unknown = attempt(client, "nobody-here", "whatever-1", "10.0.0.3").content.decode()
    wrong = attempt(client, "reporter", "whatever-1", "10.0.0.3").content.decode()
    message = "That username and password do not match"
    assert message in unknown
    assert message in wrong


@pytest.mark.parametrize(
    ("person", "home"),
    [
        ("reporter", "incidents:my_incidents"),
        ("desk", "incidents:desk_queue"),
        ("technician", "incidents:tech_home"),
        ("admin_user", "incidents:desk_queue"),
    ],
)
def test_each_role_lands_on_its_own_home_page(request, client, person, home):
    user = request.getfixturevalue(person)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(home)
    assert user.display_name in response.content.decode()


def test_sign_in_page_is_for_everyone_and_pages_need_sign_in(client):
    page = client.get(LOGIN)
    assert 'name="username"' in page.content.decode()
    assert client.get(reverse("incidents:my_incidents")).url.startswith(LOGIN)


def _admin_urls():
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        yield f"admin:{info[0]}_{info[1]}_changelist"
        if (
            model_admin.has_add_permission.__func__
            is type(model_admin).__mro__[-2].has_add_permission
        ):
            yield f"admin:{info[0]}_{info[1]}_add"


ADMIN_URLS = sorted(set(_admin_urls()))


@pytest.mark.parametrize("name", ADMIN_URLS)
def test_every_admin_page_loads_for_the_support_admin(client_for, admin_user, incident, name):
    response = client_for(admin_user).get(reverse(name))
    assert response.status_code == 200, name
    assert "Helpdesk administration" in response.content.decode()


@pytest.mark.parametrize("person", ["reporter", "desk", "technician"])
def test_the_admin_site_is_refused_to_everyone_else(request, client_for, person):
    response = client_for(request.getfixturevalue(person)).get(
        reverse("admin:incidents_incident_changelist")
    )
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_the_incident_admin_change_page_shows_its_sheet_and_call_log(
    client_for, admin_user, incident
):
    page = client_for(admin_user).get(
        reverse("admin:incidents_incident_change", args=[incident.pk])
    )
    body = page.content.decode()
    assert "The power light was on but a blank page came out." in body
    assert "Incident sheet filed" in body
