"""Schools with their sign-ins set up against the local provider (tests/support/oidc.py)."""

from django.urls import reverse

from accounts.models import SchoolIdentity
from accounts.sso.secrets import encrypt_secret
from tests.factories import OrganisationFactory, SchoolFactory
from tests.support import oidc


def two_schools():
    trust = OrganisationFactory(name="Northfield Trust")
    north = SchoolFactory(
        organisation=trust, name="Northfield Primary", code="nps", email_domains="northfield.sch.uk"
    )
    river = SchoolFactory(
        organisation=trust, name="Riverside Secondary", code="rss", email_domains="riverside.sch.uk"
    )
    return north, river


def school_sign_in(school, *, tenant: str, provider: str = "microsoft", domains: str = ""):
    client_id, secret = oidc.client_credentials("google" if provider == "google" else tenant)
    return SchoolIdentity.objects.create(
        school=school,
        provider=provider,
        tenant_id=tenant if provider == "microsoft" else "",
        workspace_domains=domains,
        client_id=client_id,
        secret_encrypted=encrypt_secret(secret),
    )


def start(client, identity) -> str:
    """Press the school's button; returns where the browser is sent (the provider)."""
    response = client.post(reverse("sso_login", args=[identity.provider_id]))
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def sign_in(client, identity, login: str):
    """The whole round trip; returns our answer to the provider's redirect."""
    back = oidc.sign_in_at_provider(start(client, identity), login)
    return client.get(oidc.local_path(back))
