"""The login lockout is on a username from one real client address: behind our
proxy the address comes from X-Forwarded-For as our proxy wrote it, a client
cannot choose it, and a support admin can see and lift a lock in the admin."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
PROXY = "10.9.9.9"


def attempt(client, username, password, forwarded_for=None, remote=PROXY):
    headers = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


def lock_out(client, username, forwarded_for, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, username, "wrong-password", forwarded_for)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_behind_the_proxy_a_lock_from_one_client_does_not_lock_out_another(
    behind_proxy, reporter, settings
):
    attacker, person = Client(), Client()
    lock_out(attacker, "reporter", "203.0.113.7", settings)

    locked = attempt(attacker, "reporter", PASSWORD, "203.0.113.7")
    assert "Too many attempts" in locked.content.decode()
    assert "_auth_user_id" not in attacker.session

    signed_in = attempt(person, "reporter", PASSWORD, "198.51.100.20")
    assert signed_in.status_code == 302
    assert person.session["_auth_user_id"] == str(reporter.pk)
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_a_client_cannot_dodge_the_lock_by_writing_its_own_forwarded_for(
    behind_proxy, reporter, settings
):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        # Our proxy appends the real address after whatever the client sent.
        attempt(client, "reporter", "wrong-password", f"192.0.2.{n}, 203.0.113.7")

    locked = attempt(client, "reporter", PASSWORD, "192.0.2.99, 203.0.113.7")
    assert "Too many attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_without_a_trusted_proxy_the_forwarded_for_header_is_ignored(reporter, settings):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "reporter", "wrong-password", f"192.0.2.{n}", remote="203.0.113.7")

    locked = attempt(client, "reporter", PASSWORD, "192.0.2.200", remote="203.0.113.7")
    assert "Too many attempts" in locked.content.decode()
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_a_support_admin_sees_and_lifts_a_lock_in_the_admin(
    behind_proxy, client_for, admin_user, reporter, settings
):
    locked_client = Client()
    lock_out(locked_client, "reporter", "203.0.113.7", settings)
    lock = AccessAttempt.objects.get(username="reporter")

    admin = client_for(admin_user)
    listing = admin.get("/admin/axes/accessattempt/")
    assert "reporter" in listing.text and "203.0.113.7" in listing.text
    admin.post(f"/admin/axes/accessattempt/{lock.pk}/delete/", {"post": "yes"})

    assert not AccessAttempt.objects.exists()
    signed_in = attempt(locked_client, "reporter", PASSWORD, "203.0.113.7")
    assert signed_in.status_code == 302
    assert locked_client.session["_auth_user_id"] == str(reporter.pk)
