"""allauth's adapters for the school sign-in: the apps come from the schools'
settings (accounts.models.SchoolIdentity), the decisions from accounts.sso.vouching,
and every error page is our own, with its line in the security log."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.shortcuts import render

from accounts.models import IdentityProvider, SchoolIdentity

from . import vouching
from .secrets import client_secret

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def server_url(identity: SchoolIdentity) -> str:
    """Where the school's provider publishes its OpenID configuration."""
    if identity.provider == IdentityProvider.MICROSOFT:
        return f"{settings.SSO_MICROSOFT_AUTHORITY}/{identity.tenant_id}/v2.0"
    return settings.SSO_GOOGLE_ISSUER


def app_for(identity: SchoolIdentity) -> SocialApp:
    return SocialApp(
        provider="school",
        provider_id=identity.provider_id,
        name=f"{identity.school.name}: {identity.get_provider_display()}",
        client_id=identity.client_id,
        secret=client_secret(identity),
        settings={
            "server_url": server_url(identity),
            # The decisions read the signed ID token, never the userinfo answer.
            "fetch_userinfo": False,
            "oauth_pkce_enabled": True,
            "token_auth_method": "client_secret_post",
        },
    )


def refused(request, message: str, *, status: int = 403):
    return render(request, "registration/sso_refused.html", {"message": message}, status=status)


class SchoolSocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None) -> list[SocialApp]:
        identities = SchoolIdentity.objects.select_related("school").filter(enabled=True)
        if provider and provider != "school":
            identity = vouching.identity_for(provider)
            if identity is None:
                return []
            identities = identities.filter(pk=identity.pk)
        apps = [app_for(identity) for identity in identities]
        return [app for app in apps if not client_id or app.client_id == client_id]

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False  # people are made by vouching.person_for, never by a signup form

    def pre_social_login(self, request, sociallogin) -> None:
        provider_id = sociallogin.account.provider
        identity = vouching.identity_for(provider_id)
        claims = (sociallogin.account.extra_data or {}).get("id_token") or {}
        try:
            if identity is None:
                raise vouching.Refusal("unknown_sign_in", "This school sign-in is not set up.")
            email = vouching.vouched_email(
                identity, claims, nonce=(sociallogin.state or {}).get("nonce")
            )
            done = vouching.person_for(sociallogin, identity, claims, email)
        except vouching.Refusal as refusal:
            vouching.log_refusal(
                request,
                reason=refusal.reason,
                provider_id=provider_id,
                detail=f"email={claims.get('email', '')!r} tid={claims.get('tid', '')!r}",
            )
            raise ImmediateHttpResponse(refused(request, refusal.message)) from None
        vouching.security_log.info(
            "school sign-in: %s person=%s sign-in=%s", done, sociallogin.user.pk, provider_id
        )
        sociallogin.user.backend = MODEL_BACKEND

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        extra_context = extra_context or {}
        provider_id = getattr(getattr(provider, "app", None), "provider_id", "?")
        if "state" not in extra_context:  # allauth found no state for the state parameter
            reason, message = (
                "state",
                "This sign-in could not be matched to one started in this browser (it may "
                "have expired). Start again from the sign-in page.",
            )
        elif error == "cancelled":
            reason, message = "cancelled", "Sign-in was cancelled at your school's sign-in service."
        elif exception is None:
            reason, message = (
                "provider_error",
                "Your school's sign-in service did not sign you in. Start again, or ask "
                "your school's IT admin.",
            )
        elif "access token" in str(exception):
            reason, message = (
                "code",
                "Your school's sign-in service did not accept this sign-in (its code was "
                "already used or has expired). Start again from the sign-in page.",
            )
        else:
            reason, message = (
                "id_token",
                "The answer from your school's sign-in service could not be verified, so "
                "you are not signed in. Start again, or ask your school's IT admin.",
            )
        cause = exception.__cause__ if exception is not None else None
        vouching.log_refusal(
            request,
            reason=reason,
            provider_id=provider_id,
            detail=f"error={error} {type(cause).__name__ if cause else exception!s}"[:300],
        )
        raise ImmediateHttpResponse(refused(request, message, status=400))


class HelpdeskAccountAdapter(DefaultAccountAdapter):
    """Only the school sign-in goes through allauth's login; the password form is
    Django's (accounts.views.SignInView) with its own second-factor step."""

    def get_login_stages(self) -> list[str]:
        # The school's provider applies its own second factor to its accounts.
        return []

    def pre_login(self, request, user, **kwargs: Any):
        if not user.is_active:
            vouching.log_refusal(request, reason="inactive", provider_id="-")
            return refused(request, vouching.INACTIVE)
        return None

    def is_open_for_signup(self, request) -> bool:
        return False
