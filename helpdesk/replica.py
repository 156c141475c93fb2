"""Reports read from a PostgreSQL streaming replica; nothing ever writes there.

With ``DATABASE_REPLICA_URL`` set the settings add a ``replica`` database and the
dashboard, the service report, its CSV and the call-log export run inside
`reads_from_replica` (the `report_view` decorator). Inside it `ReplicaRouter`
sends reads to the replica; writes always go to ``default``, wherever the object
was read from, so a session saved, a notification queued, a lockout recorded or a
last login stamped during a report still lands on the primary. Without the setting
there is no ``replica`` database and every read stays on ``default``, as before.

A replica is a moment behind the primary (usually well under a second; longer
while it replays a big change). So that a desk person never sees a report
contradict what they just did (a call they closed still counted open), the person
who just changed something reads their reports from the primary for
``REPLICA_STICKY_SECONDS``: `PrimaryAfterWriteMiddleware` marks their browser with a
short-lived cookie on every POST (every change in the product is a POST). Everyone
else's reports come from the replica. The cookie only ever moves reads to the
primary, so a forged one costs nothing but a little load. A replica that does not
answer sends the reports to the primary too, rather than failing them.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY_COOKIE = "helpdesk_primary"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

log = logging.getLogger(__name__)
_reading_reports: ContextVar[bool] = ContextVar("helpdesk_reading_reports", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Within this block, reads go to the replica (when there is one)."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def report_db() -> str:
    """The database a report reads from right now: for a queryset evaluated after
    the view has returned (a streamed CSV), pass it to ``.using()``."""
    if _reading_reports.get() and replica_configured():
        return REPLICA
    return DEFAULT_DB_ALIAS


def wants_primary(request: HttpRequest) -> bool:
    """This person changed something a moment ago: read their reports from the
    primary, so what they just did is already in them."""
    return PRIMARY_COOKIE in request.COOKIES


def _replica_answers() -> bool:
    """Whether the replica can be read; a replica that is down or being rebuilt
    sends the reports to the primary rather than failing them."""
    if not replica_configured():
        return True  # nothing to ask: reports read the one database
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError:
        log.warning("The read replica does not answer: reports read from the primary")
        return False
    return True


def report_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a report view's reads on the replica.

    Goes under the access decorator, so who the person is and what they may see is
    read from the primary first (a role removed a moment ago is already gone).
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if wants_primary(request) or not _replica_answers():
            return view(request, *args, **kwargs)
        with reads_from_replica():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Reads inside `reads_from_replica` go to the replica; every write goes to the
    primary; the replica is never migrated (it follows the primary's schema)."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if _reading_reports.get() and replica_configured():
            return REPLICA
        # None: Django reads a related object from where its parent came from
        # (a row of a streamed export read on the replica), or else from default.
        return None

    def db_for_write(self, model: type, **hints: Any) -> str:
        # Never the instance's own database: a row read on the replica and then
        # saved must be written to the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: relating one to the other is fine.
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


class PrimaryAfterWriteMiddleware:
    """Marks the browser of a person who just changed something (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in UNSAFE_METHODS and response.status_code < 500:
            response.set_cookie(
                PRIMARY_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
