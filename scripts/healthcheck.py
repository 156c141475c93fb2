"""Container health check: GET http://127.0.0.1:8000/healthz and expect "ok".

The request carries the first of ALLOWED_HOSTS as its Host (anything else is a
400) and X-Forwarded-Proto: https (honoured when BEHIND_TLS_PROXY is true, so
SECURE_SSL_REDIRECT does not answer with a redirect). Redirects are not followed.
Exit status 0 means healthy.
"""

import os
import sys
import urllib.error
import urllib.request

URL = "http://127.0.0.1:8000/healthz"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def main() -> int:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0].lstrip(".") if hosts and hosts[0] != "*" else "localhost"
    request = urllib.request.Request(URL, headers={"Host": host, "X-Forwarded-Proto": "https"})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            body = response.read(64).strip()
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    if body != b"ok":
        print(f"unhealthy: unexpected answer {body!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
