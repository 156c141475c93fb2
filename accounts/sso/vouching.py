"""Who a school's identity provider may sign in, and as whom.

One rule, in one place: the ID token (its signature, issuer, audience and expiry
already checked by accounts.sso.provider) must carry the nonce this browser sent,
come from the school's Microsoft tenant or Google Workspace domain, and name an
e-mail address at one of the school's domains. Then the person is the one already
linked to that account; or an existing person with that address, linked only when
the provider says the address is verified; or a new person with the role User at
that school. Everything else is refused with a message and a security-log line.
"""

import logging
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from accounts.models import IdentityProvider, SchoolIdentity, User
from accounts.roles import Role, grant

security_log = logging.getLogger("helpdesk.security")


@dataclass
class Refusal(Exception):
    """A sign-in refused: `reason` for the log, `message` for the person."""

    reason: str
    message: str


NOT_THIS_SCHOOL = (
    "That account is not one of {school}'s: sign in with your school account, "
    "or ask your school's IT admin."
)


def identity_for(provider_id: str) -> SchoolIdentity | None:
    """The enabled school sign-in named in a URL (`<school code>-<provider>`)."""
    code, _, provider = provider_id.rpartition("-")
    return (
        SchoolIdentity.objects.select_related("school__organisation")
        .filter(school__code=code, provider=provider, enabled=True)
        .first()
    )


def _email_verified(claims: dict) -> bool:
    # Google says `email_verified`; Microsoft Entra says the domain's owner
    # verified the address with the optional claim `xms_edov`.
    return any(
        claims.get(name) in (True, "true", "1", 1) for name in ("email_verified", "xms_edov")
    )


def vouched_email(identity: SchoolIdentity, claims: dict, *, nonce: str | None) -> str:
    """The e-mail address the school's provider vouches for, or a Refusal."""
    school = identity.school
    if not nonce or claims.get("nonce") != nonce:
        raise Refusal(
            "nonce",
            "This sign-in answer was not for the sign-in started in this browser. "
            "Start again from the sign-in page.",
        )
    wrong_tenant = not identity.tenant_id or claims.get("tid") != identity.tenant_id
    if identity.provider == IdentityProvider.MICROSOFT and wrong_tenant:
        raise Refusal("tenant", NOT_THIS_SCHOOL.format(school=school))
    email = str(claims.get("email") or claims.get("preferred_username") or "").strip().lower()
    domain = email.rpartition("@")[2] if "@" in email else ""
    workspace = str(claims.get("hd") or "").lower()
    if (
        identity.provider == IdentityProvider.GOOGLE
        and workspace not in identity.vouching_domains()
    ):
        raise Refusal("domain", NOT_THIS_SCHOOL.format(school=school))
    allowed = set(school.domains())
    if identity.provider == IdentityProvider.GOOGLE:
        allowed |= set(identity.vouching_domains())
    if not domain or domain not in allowed:
        raise Refusal("domain", NOT_THIS_SCHOOL.format(school=school))
    return email


def _new_username(email: str) -> str:
    base = slugify(email.partition("@")[0])[:100] or "person"
    name = base
    while User.objects.filter(username=name).exists():
        name = f"{base}-{secrets.token_hex(2)}"
    return name


def _attach(sociallogin, person: User) -> None:
    # allauth's `connect` also e-mails "an account was connected": not wanted for a
    # person made a moment ago, nor for the school's own account.
    sociallogin.user = person
    sociallogin.account.user = person
    sociallogin.account.save()


INACTIVE = "This account is no longer active here. Ask your school's IT admin."


@transaction.atomic
def person_for(sociallogin, identity: SchoolIdentity, claims: dict, email: str) -> str:
    """Attach the person to the sign-in (linking or creating them); returns what was
    done ("known", "linked", "created") or raises a Refusal."""
    if sociallogin.is_existing:
        if not sociallogin.user.is_active:
            raise Refusal("inactive", INACTIVE)
        return "known"
    existing = list(User.objects.filter(email__iexact=email)[:2])
    if len(existing) > 1:
        raise Refusal(
            "ambiguous",
            "More than one person here has that e-mail address. Ask your school's IT admin.",
        )
    if existing:
        person = existing[0]
        if not _email_verified(claims):
            raise Refusal(
                "unverified",
                "Someone here already has that e-mail address, and your school's sign-in "
                "service has not confirmed it is yours, so the accounts were not joined. "
                "Ask your school's IT admin.",
            )
        if not person.is_active:
            raise Refusal("inactive", INACTIVE)
        _attach(sociallogin, person)
        return "linked"
    person = User(
        username=_new_username(email),
        email=email,
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or "")[:150],
    )
    person.set_unusable_password()
    person.save()
    grant(person, Role.USER, school=identity.school)
    _attach(sociallogin, person)
    return "created"


def log_refusal(request, *, reason: str, provider_id: str, detail: str = "") -> None:
    from accounts.client_address import client_ip

    security_log.warning(
        "school sign-in refused: reason=%s sign-in=%s address=%s %s",
        reason,
        provider_id,
        client_ip(request),
        detail,
    )
