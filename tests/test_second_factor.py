"""The second factor for support staff signing in with a password: set up an
authenticator app at the first sign-in, then a code (or a recovery code) every time."""

import logging

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, default_organisation
from accounts.roles import Role
from tests.factories import OrganisationFactory, SchoolFactory, UserFactory

PASSWORD = "pass-word-123"


def _now_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))


@pytest.fixture
def required(db):
    organisation = default_organisation()
    Organisation.objects.filter(pk=organisation.pk).update(require_second_factor=True)
    return organisation


def _password(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_support_staff_set_up_the_app_then_get_recovery_codes(client, required, caplog):
    caplog.set_level(logging.INFO, logger="helpdesk.security")
    desk = UserFactory(username="desk", roles=[Role.DESK])
    response = _password(client, "desk")
    assert response["Location"] == reverse("second_factor")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("second_factor")).content.decode()
    assert "Set up your authenticator app" in page
    secret = client.session["second_factor_pending"]["secret"]
    assert secret in page
    wrong = client.post(reverse("second_factor"), {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    done = client.post(reverse("second_factor"), {"code": _now_code(secret)})
    assert client.session["_auth_user_id"] == str(desk.pk)
    assert "Your recovery codes" in done.content.decode()
    assert Authenticator.objects.filter(user=desk, type=Authenticator.Type.TOTP).exists()
    assert "second factor refused" in caplog.text and "second factor accepted" in caplog.text


def test_a_recovery_code_signs_in_once(client, required):
    UserFactory(username="tech", roles=[Role.TECHNICIAN])
    _password(client, "tech")
    secret = client.session["second_factor_pending"]["secret"]
    done = client.post(reverse("second_factor"), {"code": _now_code(secret)})
    code = done.context["codes"][0]
    client.post(reverse("logout"))
    _password(client, "tech")
    page = client.get(reverse("second_factor")).content.decode()
    assert "Enter your code" in page
    client.post(reverse("second_factor"), {"code": code})
    assert client.session["_auth_user_id"]
    client.post(reverse("logout"))
    _password(client, "tech")
    again = client.post(reverse("second_factor"), {"code": code})
    assert "That code is not right" in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_user_is_not_asked_for_a_code(client, required):
    UserFactory(username="teacher", roles=[Role.USER])
    response = _password(client, "teacher")
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"]


def test_without_the_organisation_asking_staff_sign_in_with_the_password(client, db):
    UserFactory(username="desk", roles=[Role.DESK])
    _password(client, "desk")
    assert client.session["_auth_user_id"]


def test_too_many_wrong_codes_start_the_sign_in_again(client, required):
    UserFactory(username="desk", roles=[Role.DESK])
    _password(client, "desk")
    for _ in range(5):
        response = client.post(reverse("second_factor"), {"code": "000000"})
    assert response["Location"] == reverse("login")
    assert "second_factor_pending" not in client.session
    assert client.get(reverse("second_factor"))["Location"] == reverse("login")


def _authenticator_for(person) -> None:
    TOTP.activate(person, generate_totp_secret())
    RecoveryCodes.activate(person)


def _kinds(person) -> set[str]:
    return set(Authenticator.objects.filter(user=person).values_list("type", flat=True))


def test_an_admin_resets_a_lost_authenticator_of_their_organisations_people(
    client, required, caplog
):
    caplog.set_level(logging.INFO, logger="helpdesk.security")
    desk = UserFactory(username="desk", first_name="Dee", last_name="Desk", roles=[Role.DESK])
    boss = UserFactory(username="boss", roles=[Role.DESK], is_superuser=True, is_staff=True)
    council = OrganisationFactory(name="Eastshire Council")
    east = SchoolFactory(organisation=council, name="Eastshire Academy", code="eas")
    elsewhere = UserFactory(username="east_tech", roles=[Role.TECHNICIAN], roles__school=east)
    for person in (desk, boss, elsewhere):
        _authenticator_for(person)
    admin = UserFactory(username="admin", roles=[Role.ADMIN])
    client.force_login(admin)

    people = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Reset the authenticator app (lost or replaced phone)" in people
    assert "east_tech" not in people
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_authenticator", "_selected_action": [desk.pk, boss.pk, elsewhere.pk]},
        follow=True,
    )
    assert "Authenticator app reset for Dee Desk" in response.content.decode()
    assert _kinds(desk) == set()
    # Another organisation's person, and a superuser, keep theirs.
    assert _kinds(elsewhere) == _kinds(boss) == {"totp", "recovery_codes"}
    assert f"second factor reset: person={desk.pk} by={admin.pk}" in caplog.text
    assert f"person={elsewhere.pk} by=" not in caplog.text

    # The desk's next password sign-in sets up a new app.
    client.post(reverse("logout"))
    _password(client, "desk")
    assert "Set up your authenticator app" in client.get(reverse("second_factor")).content.decode()
    assert "_auth_user_id" not in client.session


def test_resetting_someone_without_an_authenticator_says_so(client, required):
    teacher = UserFactory(username="teacher", roles=[Role.USER])
    client.force_login(UserFactory(username="admin", roles=[Role.ADMIN]))
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_authenticator", "_selected_action": [teacher.pk]},
        follow=True,
    )
    assert "None of the people chosen has an authenticator app." in response.content.decode()
