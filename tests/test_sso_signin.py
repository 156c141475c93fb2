"""Signing in with the school's own account, through a real OpenID Connect provider
started on 127.0.0.1 (tests/support/oidc_provider.mjs), with two Microsoft-style
tenants and a Google-style issuer."""

import logging

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Membership
from accounts.roles import Role
from tests.factories import UserFactory
from tests.sso_helpers import school_sign_in, sign_in, two_schools

User = get_user_model()


@pytest.fixture
def schools(sso):
    north, river = two_schools()
    return {
        "north": north,
        "river": river,
        "north_ms": school_sign_in(north, tenant="tenant-north"),
        "river_ms": school_sign_in(river, tenant="tenant-river"),
    }


def _signed_in_user(client):
    return User.objects.filter(pk=client.session.get("_auth_user_id")).first()


def test_first_sign_in_creates_a_user_at_the_school_whose_tenant_vouched(client, schools, caplog):
    caplog.set_level(logging.INFO, logger="helpdesk.security")
    response = sign_in(client, schools["north_ms"], "amira.khan@northfield.sch.uk")
    assert response.status_code == 302
    person = User.objects.get(email="amira.khan@northfield.sch.uk")
    assert _signed_in_user(client) == person
    assert (person.first_name, person.last_name) == ("Amira", "Khan")
    assert not person.has_usable_password()
    assert list(Membership.objects.filter(person=person).values_list("school__code", "role")) == [
        ("nps", Role.USER)
    ]
    assert SocialAccount.objects.get(user=person).provider == "nps-microsoft"
    landing = client.get(response["Location"], follow=True)
    assert landing.redirect_chain[-1][0] == reverse("incidents:my_incidents")
    assert "school sign-in: created" in caplog.text


def test_the_second_tenant_lands_in_its_own_school(client, schools):
    sign_in(client, schools["river_ms"], "ruth.okafor@riverside.sch.uk")
    person = _signed_in_user(client)
    assert person.email == "ruth.okafor@riverside.sch.uk"
    assert list(person.memberships.values_list("school__code", flat=True)) == ["rss"]


def test_signing_in_again_is_the_same_person(client, schools):
    sign_in(client, schools["north_ms"], "amira.khan@northfield.sch.uk")
    first = _signed_in_user(client)
    client.post(reverse("logout"))
    sign_in(client, schools["north_ms"], "amira.khan@northfield.sch.uk")
    assert _signed_in_user(client) == first
    assert User.objects.filter(email="amira.khan@northfield.sch.uk").count() == 1


def test_an_existing_person_with_a_verified_address_is_linked(client, schools):
    teacher = UserFactory(username="teacher", email="Amira.Khan@northfield.sch.uk", roles=[])
    sign_in(client, schools["north_ms"], "amira.khan@northfield.sch.uk")
    assert _signed_in_user(client) == teacher
    assert SocialAccount.objects.get().user == teacher
    assert User.objects.count() == 1


def test_google_workspace_domain_signs_in(client, sso):
    north, _ = two_schools()
    google = school_sign_in(north, tenant="google", provider="google", domains="northfield.sch.uk")
    sign_in(client, google, "helen.wood@northfield.sch.uk")
    person = _signed_in_user(client)
    assert person.email == "helen.wood@northfield.sch.uk"
    assert list(person.memberships.values_list("school__code", "role")) == [("nps", Role.USER)]


def test_the_sign_in_page_shows_only_the_named_schools_buttons(client, schools):
    by_address = client.get(reverse("login"), {"school": "amira@northfield.sch.uk"})
    page = by_address.content.decode()
    assert "Northfield Primary" in page and "Sign in with Microsoft" in page
    assert reverse("sso_login", args=["nps-microsoft"]) in page
    assert "Riverside Secondary" not in page
    by_code = client.get(reverse("login"), {"school": "RSS"}).content.decode()
    assert reverse("sso_login", args=["rss-microsoft"]) in by_code
    assert "nps-microsoft" not in by_code
    plain = client.get(reverse("login")).content.decode()
    assert "Sign in with Microsoft" not in plain and "Riverside" not in plain


def test_an_address_no_school_lists_gets_a_message_and_keeps_what_was_typed(client, schools):
    page = client.get(reverse("login"), {"school": "someone@elsewhere.example"}).content.decode()
    assert "No school here signs in with that address or code" in page
    assert 'value="someone@elsewhere.example"' in page
    assert "Sign in with Microsoft" not in page


def test_school_accounts_only_refuses_the_password_form(client, schools):
    north = schools["north"]
    north.school_accounts_only = True
    north.save()
    UserFactory(username="teacher", roles=[Role.USER], roles__school=north)
    response = client.post(reverse("login"), {"username": "teacher", "password": "pass-word-123"})
    assert "_auth_user_id" not in client.session
    assert "People of Northfield Primary sign in with their school account" in (
        response.content.decode()
    )
    UserFactory(username="rteacher", roles=[Role.USER], roles__school=schools["river"])
    client.post(reverse("login"), {"username": "rteacher", "password": "pass-word-123"})
    assert client.session["_auth_user_id"]


def test_signing_out_ends_the_session_and_says_so(client, schools):
    sign_in(client, schools["north_ms"], "amira.khan@northfield.sch.uk")
    response = client.post(reverse("logout"), follow=True)
    assert "_auth_user_id" not in client.session
    assert "You are signed out of the helpdesk." in response.content.decode()
    assert client.get(reverse("incidents:my_incidents")).status_code == 302


def test_a_person_who_left_cannot_sign_in_with_the_school_account(client, schools, caplog):
    sign_in(client, schools["north_ms"], "amira.khan@northfield.sch.uk")
    person = _signed_in_user(client)
    client.post(reverse("logout"))
    person.is_active = False
    person.save()
    response = sign_in(client, schools["north_ms"], "amira.khan@northfield.sch.uk")
    assert "_auth_user_id" not in client.session
    assert "no longer active" in response.content.decode()
    assert "reason=inactive" in caplog.text
    UserFactory(username="left", email="paul.grant@northfield.sch.uk", roles=[], is_active=False)
    response = sign_in(client, schools["north_ms"], "paul.grant@northfield.sch.uk")
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.filter(user__username="left").exists()
