"""Answers every response needs, and refusals for requests no page can read.

`ResponseHeadersMiddleware` goes first in MIDDLEWARE, so even static files and
refusals carry its headers. `MalformedRequestMiddleware` refuses, with a 400 and a
plain sentence, what would otherwise fail deep inside a page: forms sent in
another character set than UTF-8, and NUL bytes in the admin's query strings
(PostgreSQL cannot compare text with a NUL in it).
"""

from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.cache import patch_cache_control

# No page uses any of these; a page that is tricked into asking gets nothing.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
    )
)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ResponseHeadersMiddleware:
    """A Permissions-Policy on every response; nothing a signed-in person sees is
    kept by a browser or a proxy (staff-room computers are shared)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if "Cache-Control" in response:
                del response["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response


class MalformedRequestMiddleware:
    """A 400 with a plain reason for requests that no view could read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = self.problem(request)
        if reason:
            return HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    def problem(self, request) -> str:
        form_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        charset = request.content_params.get("charset", "utf-8").lower()
        # Django reads forms as UTF-8 only; an unknown charset would fail even later.
        if form_type in FORM_TYPES and charset != "utf-8":
            return "Forms must be sent as UTF-8. Reload the page and try again."
        if request.path.startswith(reverse("admin:index")) and "\x00" in "".join(
            key + "".join(values) for key, values in request.GET.lists()
        ):
            return "The address contains a character that is not allowed (NUL)."
        return ""
