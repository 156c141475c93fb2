"""Hostile school sign-ins against the real local provider: each is refused with a
clear message, nobody is created or linked, and the security log has a line."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import UserFactory
from tests.sso_helpers import school_sign_in, sign_in, start, two_schools
from tests.support import oidc

User = get_user_model()


@pytest.fixture
def north(sso):
    school, _ = two_schools()
    return school_sign_in(school, tenant="tenant-north")


@pytest.fixture
def refused(client, caplog):
    """Checks a refusal: the page's words, nothing made or joined, the log line."""
    counts = {"before": None}

    def count():
        return User.objects.count(), SocialAccount.objects.count()

    def check(response, *, words: str, reason: str):
        assert response.status_code in (400, 403)
        assert words in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert count() == counts["before"]
        assert f"school sign-in refused: reason={reason}" in caplog.text

    check.count_now = lambda: counts.update(before=count())
    check.count_now()
    return check


def _back_from_provider(identity, login="amira.khan@northfield.sch.uk", *, client):
    return oidc.sign_in_at_provider(start(client, identity), login)


def test_a_wrong_state_is_refused(client, north, refused):
    back = _back_from_provider(north, client=client)
    forged = back.replace("state=", "state=forged")
    response = client.get(oidc.local_path(forged))
    refused(response, words="could not be matched to one started in this browser", reason="state")


def test_a_wrong_nonce_is_refused(client, north, sso, refused):
    sso.tamper("wrong-nonce")
    response = sign_in(client, north, "amira.khan@northfield.sch.uk")
    refused(response, words="was not for the sign-in started in this browser", reason="nonce")


def test_a_replayed_authorisation_code_is_refused(client, north, caplog):
    first_browser = Client()
    back = _back_from_provider(north, client=first_browser)
    first_browser.get(oidc.local_path(back))
    assert first_browser.session["_auth_user_id"]
    # Another browser starts its own sign-in and presents the code already used.
    authorize = start(client, north)
    state = dict(p.split("=", 1) for p in authorize.split("?", 1)[1].split("&"))["state"]
    code = dict(p.split("=", 1) for p in back.split("?", 1)[1].split("&"))["code"]
    people, accounts = User.objects.count(), SocialAccount.objects.count()
    response = client.get(
        f"/accounts/sso/{north.provider_id}/login/callback/?code={code}&state={state}"
    )
    assert "its code was already used or has expired" in response.content.decode()
    assert "school sign-in refused: reason=code" in caplog.text
    assert "_auth_user_id" not in client.session
    assert (User.objects.count(), SocialAccount.objects.count()) == (people, accounts)


def test_an_expired_id_token_is_refused(client, north, sso, refused, caplog):
    sso.tamper("expired")
    response = sign_in(client, north, "amira.khan@northfield.sch.uk")
    refused(response, words="could not be verified", reason="id_token")
    assert "ExpiredSignatureError" in caplog.text


def test_a_wrongly_signed_id_token_is_refused(client, north, sso, refused, caplog):
    sso.tamper("bad-signature")
    response = sign_in(client, north, "amira.khan@northfield.sch.uk")
    refused(response, words="could not be verified", reason="id_token")
    assert "InvalidSignatureError" in caplog.text


def test_a_tenant_no_school_lists_is_refused(client, north, sso, refused):
    sso.tamper("wrong-tenant")
    response = sign_in(client, north, "amira.khan@northfield.sch.uk")
    refused(response, words="is not one of Northfield Primary", reason="tenant")


def test_an_address_outside_the_schools_domains_is_refused(client, north, refused):
    response = sign_in(client, north, "someone@elsewhere.example")
    refused(response, words="is not one of Northfield Primary", reason="domain")


def test_a_google_domain_no_school_lists_is_refused(client, sso, refused):
    school, _ = two_schools()
    google = school_sign_in(school, tenant="google", provider="google", domains="northfield.sch.uk")
    response = sign_in(client, google, "someone@gmail.example")
    refused(response, words="is not one of Northfield Primary", reason="domain")


def test_an_unverified_address_matching_an_existing_person_is_not_linked(client, north, refused):
    UserFactory(username="teacher", email="unverified.amira@northfield.sch.uk", roles=[])
    refused.count_now()
    response = sign_in(client, north, "unverified.amira@northfield.sch.uk")
    refused(response, words="has not confirmed it is yours", reason="unverified")
