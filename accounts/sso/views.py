"""The school sign-in's two addresses: start (POST from the sign-in page) and the
provider's answer (the callback). allauth's OAuth2 views do the protocol; the
adapter (accounts.sso.adapter) and accounts.sso.vouching decide who gets in."""

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_http_methods

from .provider import SchoolOAuth2Adapter


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """POST sends the browser to the school's provider; GET asks first (no GET
    starts a sign-in by itself)."""
    try:
        return OAuth2LoginView.adapter_view(SchoolOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@require_GET
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OAuth2CallbackView.adapter_view(SchoolOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
