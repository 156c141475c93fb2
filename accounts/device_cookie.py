"""OWASP's device cookie: a lock others caused does not stop a person's own browser.

After a successful sign-in the browser gets a signed cookie naming the username and
a random device id. A later attempt for that username presenting a valid cookie is
judged by that cookie's own failures, not by the username + address lock that a
colleague behind the same school address may have caused. After AXES_FAILURE_LIMIT
wrong passwords of its own the cookie stops exempting and that browser is locked
too, so a stolen cookie cannot be used to guess passwords. A browser without a
valid cookie (missing, forged, expired, for another username) is locked by
username + address as before.
"""

import secrets
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.signals import user_locked_out
from django.conf import settings
from django.core import signing
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.models import DeviceCookieFailure

COOKIE_NAME = "helpdesk_device"
SALT = "accounts.device_cookie"
MAX_AGE = 180 * 24 * 60 * 60  # seconds


@dataclass(frozen=True)
class Device:
    username: str
    device: str


def set_device_cookie(response: HttpResponse, username: str) -> None:
    """Called on a successful sign-in: a fresh device id, so old failures do not follow."""
    value = signing.dumps({"u": username, "d": secrets.token_urlsafe(24)}, salt=SALT)
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def device_for(request: HttpRequest | None, credentials: dict | None) -> Device | None:
    """The valid device cookie this request presents for the username being tried."""
    if request is None:
        return None
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # forged, altered or expired
        return None
    if not isinstance(data, dict):
        return None
    username, device = data.get("u"), data.get("d")
    if not isinstance(username, str) or not isinstance(device, str):
        return None
    if username != get_client_username(request, credentials):
        return None
    return Device(username=username, device=device)


def _forget_cooled_off(device: Device) -> None:
    """Failures older than the cool-off (AXES_COOLOFF_TIME) count no more, as for axes' locks."""
    cool_off = get_cool_off()
    if cool_off is not None:
        since = timezone.now() - cool_off
        DeviceCookieFailure.objects.filter(device=device.device, updated_at__lt=since).delete()


def failures(device: Device) -> int:
    _forget_cooled_off(device)
    row = DeviceCookieFailure.objects.filter(device=device.device).first()
    return row.failures if row else 0


def record_failure(device: Device) -> int:
    _forget_cooled_off(device)
    row, created = DeviceCookieFailure.objects.get_or_create(
        device=device.device, defaults={"failures": 1}
    )
    if not created:
        DeviceCookieFailure.objects.filter(pk=row.pk).update(
            failures=F("failures") + 1, updated_at=timezone.now()
        )
        row.refresh_from_db()
    return row.failures


class DeviceCookieAxesHandler(AxesDatabaseHandler):
    """axes' database handler, with attempts from a valid device cookie judged by the cookie."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        device = device_for(request, credentials)
        if device is None:
            return super().is_locked(request, credentials)
        return failures(device) >= get_failure_limit(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        device = device_for(request, credentials)
        if device is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        if getattr(request, "axes_locked_out", False):
            return None  # refused before the password was even tried
        if record_failure(device) >= get_failure_limit(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send("axes", request=request, username=device.username, ip_address=None)
        return None

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """A sign-in with a device cookie leaves the lock others caused on this address."""
        if device_for(request, credentials) is not None:
            return 0
        return super().reset_user_attempts(request, credentials)

    def user_logged_in(self, sender, request, user, **kwargs):
        device = device_for(request, {"username": user.get_username()})
        if device is not None:
            DeviceCookieFailure.objects.filter(device=device.device).delete()
        return super().user_logged_in(sender, request, user, **kwargs)
