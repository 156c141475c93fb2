"""OWASP's device cookie: five wrong passwords typed for a teacher's username from the
staff room (same school address) lock that browser, not the teacher, whose browser
holds a signed cookie from an earlier sign-in. The cookie's own failures are limited,
and a forged cookie exempts nobody."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.core import signing
from django.test import Client
from django.utils import timezone

from accounts.device_cookie import COOKIE_NAME, SALT
from accounts.models import DeviceCookieFailure
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
SCHOOL = "203.0.113.7"
LOCKED = "Too many attempts"


def attempt(client, password, username="reporter"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=SCHOOL)


def fail(client, settings, times=None):
    for _ in range(times or settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong-password")


def signed_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def teacher_with_device_cookie(user) -> Client:
    """The teacher signed in earlier on this browser, then signed out."""
    browser = Client()
    assert attempt(browser, PASSWORD).status_code == 302
    assert signed_in(browser, user)
    browser.post("/accounts/logout/")
    assert not signed_in(browser, user)
    return browser


def test_a_sign_in_leaves_a_signed_httponly_lax_device_cookie(reporter, settings):
    settings.SESSION_COOKIE_SECURE = True
    browser = Client()
    attempt(browser, PASSWORD)

    cookie = browser.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 180 * 24 * 60 * 60
    assert signing.loads(cookie.value, salt=SALT)["u"] == "reporter"


def test_wrong_passwords_without_a_cookie_lock_that_browser(reporter, settings):
    colleague = Client()
    fail(colleague, settings)

    locked = attempt(colleague, PASSWORD)
    assert LOCKED in locked.content.decode()
    assert not signed_in(colleague, reporter)
    assert AccessAttempt.objects.get().ip_address == SCHOOL


def test_the_teacher_with_a_device_cookie_signs_in_from_the_same_address(reporter, settings):
    teacher = teacher_with_device_cookie(reporter)
    colleague = Client()
    fail(colleague, settings)
    assert LOCKED in attempt(colleague, PASSWORD).content.decode()

    answer = attempt(teacher, PASSWORD)
    assert answer.status_code == 302
    assert signed_in(teacher, reporter)
    # The lock on the staff room's browser stays: the colleague is still refused.
    assert AccessAttempt.objects.filter(username="reporter", ip_address=SCHOOL).exists()
    assert LOCKED in attempt(Client(), PASSWORD).content.decode()


def test_a_device_cookie_with_five_failures_of_its_own_is_locked_too(reporter, settings):
    stolen = teacher_with_device_cookie(reporter)
    fail(stolen, settings)
    assert DeviceCookieFailure.objects.get().failures == settings.AXES_FAILURE_LIMIT
    # The cookie's failures are its own, not the address's.
    assert not AccessAttempt.objects.exists()

    locked = attempt(stolen, PASSWORD)
    assert LOCKED in locked.content.decode()
    assert not signed_in(stolen, reporter)


def test_a_device_cookie_below_the_limit_still_signs_in_and_starts_afresh(reporter, settings):
    teacher = teacher_with_device_cookie(reporter)
    fail(teacher, settings, times=settings.AXES_FAILURE_LIMIT - 1)
    Client().post(LOGIN)  # nothing from elsewhere changes this browser's count
    fail(Client(), settings)

    assert attempt(teacher, PASSWORD).status_code == 302
    assert signed_in(teacher, reporter)
    assert not DeviceCookieFailure.objects.exists()


def test_a_forged_or_unsigned_cookie_gives_no_exemption(reporter, other_reporter, settings):
    fail(Client(), settings)
    forged = [
        signing.dumps({"u": "reporter", "d": "x"}, salt="another-salt"),
        signing.dumps({"u": "reporter", "d": "x"}, salt=SALT)[:-2] + "AA",
        '{"u": "reporter", "d": "x"}',
        "reporter",
    ]
    for value in forged:
        browser = Client()
        browser.cookies[COOKIE_NAME] = value
        locked = attempt(browser, PASSWORD)
        assert LOCKED in locked.content.decode(), value
        assert not signed_in(browser, reporter)


def test_a_device_cookie_for_another_username_gives_no_exemption(
    reporter, other_reporter, settings
):
    other = Client()
    attempt(other, PASSWORD, username="other")
    assert signed_in(other, other_reporter)
    other.post("/accounts/logout/")
    fail(Client(), settings)

    locked = attempt(other, PASSWORD)
    assert LOCKED in locked.content.decode()
    assert not signed_in(other, reporter)


def test_a_device_cookie_lock_ends_with_the_cool_off(reporter, settings):
    teacher = teacher_with_device_cookie(reporter)
    fail(teacher, settings)
    assert LOCKED in attempt(teacher, PASSWORD).content.decode()

    DeviceCookieFailure.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    assert attempt(teacher, PASSWORD).status_code == 302
    assert signed_in(teacher, reporter)
