"""The local OpenID Connect provider (tests/support/oidc_provider.mjs) and the steps
of signing in through it without a browser.

The provider is Node's `oidc-provider`, installed from package-lock.json by `make
install`. Where node or the package is missing the tests that need it are skipped,
unless HELPDESK_REQUIRE_OIDC is set (as `.ci/run` does): there they fail.
"""

import json
import os
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
PACKAGE = ROOT / "node_modules" / "oidc-provider" / "package.json"
TENANTS = ("tenant-north", "tenant-river")


def missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not PACKAGE.exists():
        return f"oidc-provider is not installed at {PACKAGE.parent}: run `make install` (needs npm)"
    return None


class OIDCProvider:
    def __init__(self):
        self.process = subprocess.Popen(
            ["node", str(SCRIPT)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "OIDC_TENANTS": ",".join(TENANTS)},
        )
        line = self.process.stdout.readline()
        if not line:
            self.process.kill()
            raise RuntimeError("the OpenID Connect provider did not start")
        self.url = json.loads(line)["url"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def tamper(self, kind: str) -> None:
        """Alter the next ID token the provider hands out (see oidc_provider.mjs)."""
        requests.post(f"{self.url}/__tamper", json={"id_token": kind}, timeout=10)


def start() -> OIDCProvider:
    reason = missing()
    if reason:
        if os.environ.get("HELPDESK_REQUIRE_OIDC"):
            pytest.fail(reason)
        pytest.skip(reason)
    return OIDCProvider()


def client_credentials(tenant: str) -> tuple[str, str]:
    """The client id and secret the provider knows for a tenant ("google" for Google)."""
    return f"helpdesk-{tenant}", f"secret-{tenant}"


FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def sign_in_at_provider(authorize_url: str, login: str) -> str:
    """Fill in the provider's login form; returns the URL it sends the browser back to."""
    session = requests.Session()
    page = session.get(authorize_url, timeout=10)
    page.raise_for_status()
    action = FORM_ACTION.search(page.text)
    assert action, f"no login form at {page.url}"
    url = urllib.parse.urljoin(page.url, action.group(1))
    response = session.post(
        url,
        data={"prompt": "login", "login": login, "password": "any"},
        allow_redirects=False,
        timeout=10,
    )
    while response.is_redirect:
        location = urllib.parse.urljoin(response.url, response.headers["Location"])
        if "/accounts/sso/" in location:
            return location
        response = session.get(location, allow_redirects=False, timeout=10)
    raise AssertionError(f"the provider did not send the browser back: {response.status_code}")


def local_path(url: str) -> str:
    """The path and query of a URL on the Django test client's host."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}"
