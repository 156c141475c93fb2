"""Client secrets of the schools' sign-ins: read from an environment variable named
in the admin, or kept encrypted at rest with a key derived from SECRET_KEY."""

import base64
import hashlib
import os

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = hashlib.sha256(f"helpdesk.sso.secret:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def client_secret(identity) -> str:
    """The secret of a school's sign-in; empty when none is set or it cannot be read
    (SECRET_KEY changed since it was saved)."""
    if identity.secret_env:
        return os.environ.get(identity.secret_env, "")
    if not identity.secret_encrypted:
        return ""
    try:
        return _fernet().decrypt(identity.secret_encrypted.encode()).decode()
    except InvalidToken:
        return ""
