"""A second factor for support staff signing in with a password: a code from an
authenticator app (TOTP), or one of the recovery codes, stored by allauth.mfa.

After the right password a person who needs it is not signed in yet: the session
holds who they are for SECOND_FACTOR_MINUTES, and `second_factor_view` asks for a
code (or, the first time, has them set up the app and shows recovery codes). Wrong
codes are counted; after SECOND_FACTOR_TRIES the password must be typed again.
The password lockout (axes, the device cookie) is unchanged in front of it.
"""

import base64
import logging
import time
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, validate_totp_code
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods

from accounts import roles

PENDING = "second_factor_pending"
SECOND_FACTOR_MINUTES = 10
SECOND_FACTOR_TRIES = 5
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
security_log = logging.getLogger("helpdesk.security")


def required_for(user: Any) -> bool:
    """The organisation requires it of desk, technician and admin roles."""
    from accounts.models import Organisation

    staff_roles = (*roles.STAFF_ROLES, roles.Role.SCHOOL_ADMIN)
    organisations = roles.organisations_where(user, *staff_roles)
    return Organisation.objects.filter(pk__in=organisations, require_second_factor=True).exists()


def needed(user: Any) -> bool:
    """Whether a password sign-in must also give a code: required, or set up anyway."""
    return required_for(user) or _totp(user) is not None


def _totp(user: Any) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


def begin(request: HttpRequest, user: Any, next_url: str) -> HttpResponse:
    """The password was right: remember who, and ask for the second factor."""
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "next": next_url,
        "since": time.time(),
        "tries": 0,
        "secret": None if _totp(user) else generate_totp_secret(),
    }
    return redirect("second_factor")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _pending(request: HttpRequest) -> dict | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["since"] > SECOND_FACTOR_MINUTES * 60:
        request.session.pop(PENDING, None)
        return None
    return pending


def _qr_data_url(url: str) -> str:
    buffer = BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _code_ok(user: Any, pending: dict, code: str) -> bool:
    code = code.replace(" ", "").strip()
    if pending["secret"]:
        return validate_totp_code(pending["secret"], code)
    totp = _totp(user)
    if totp is not None and TOTP(totp).validate_code(code):
        return True
    recovery = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.RECOVERY_CODES
    ).first()
    return recovery is not None and RecoveryCodes(recovery).validate_code(code)


@require_http_methods(["GET", "POST"])
def second_factor_view(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return redirect("login")
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING, None)
        return redirect("login")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _code_ok(user, pending, form.cleaned_data["code"]):
            return _finish(request, user, pending)
        pending["tries"] += 1
        request.session[PENDING] = pending
        security_log.warning("second factor refused: person=%s tries=%s", user.pk, pending["tries"])
        if pending["tries"] >= SECOND_FACTOR_TRIES:
            request.session.pop(PENDING, None)
            messages.error(request, "Too many wrong codes: sign in with your password again.")
            return redirect("login")
        form.add_error(
            "code", "That code is not right. Check the app's current code and try again."
        )
    context: dict[str, Any] = {"form": form, "setting_up": bool(pending["secret"])}
    if pending["secret"]:
        url = f"otpauth://totp/{settings.MFA_TOTP_ISSUER}:{user.username}?" + urlencode(
            {"secret": pending["secret"], "issuer": settings.MFA_TOTP_ISSUER}
        )
        context |= {"secret": pending["secret"], "qr": _qr_data_url(url)}
    return render(request, "registration/second_factor.html", context)


def _finish(request: HttpRequest, user: Any, pending: dict) -> HttpResponse:
    codes: list[str] = []
    if pending["secret"]:
        TOTP.activate(user, pending["secret"])
        codes = RecoveryCodes.activate(user).get_unused_codes()
    request.session.pop(PENDING, None)
    login(request, user, backend=MODEL_BACKEND)
    security_log.info("second factor accepted: person=%s", user.pk)
    next_url = pending["next"]
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = "/"
    if codes:
        return render(
            request, "registration/recovery_codes.html", {"codes": codes, "next": next_url}
        )
    return redirect(next_url)
