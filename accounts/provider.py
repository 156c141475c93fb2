"""allauth finds its providers in each app's `provider` module: the school sign-in."""

from accounts.sso.provider import provider_classes

__all__ = ["provider_classes"]
