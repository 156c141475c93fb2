"""The address a request really came from, trusting only our own proxies.

Behind TRUSTED_PROXY_COUNT reverse proxies, each appends the address it received
the request from to X-Forwarded-For, so the client is the entry that many places
from the right. Anything further left was written by the client and proves
nothing; without trusted proxies the header is ignored altogether.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """For the login lockout (`AXES_CLIENT_IP_CALLABLE`) and the reset rate limit."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote  # not through all our proxies: the direct peer is the source
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
