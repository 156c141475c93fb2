"""The report pages against a real primary and its streaming replica.

Run by tests/test_reports_replica.py as ``python -m tests.support.replica_probe`` in a
process of its own, with ``DATABASE_URL`` set to a throwaway primary and
``DATABASE_REPLICA_URL`` to its replica (tests/support/pg_replica.py): the test
suite's own database stays as it is. It builds the schema on the primary, goes
through the product as two desk people, and prints what it saw as one JSON object
on stdout; the test judges it.
"""

import csv
import io
import json
import re
import sys
from typing import Any

import django

TABLE = re.compile(r'(?:FROM|JOIN|INTO|UPDATE) "([a-z_]+)"')
PAGES = {
    "dashboard": "/reports/",
    "service report": "/reports/service/",
    "service report CSV": "/reports/service.csv",
    "call log CSV": "/desk/export.csv",
}


def _figure(name: str, response, body: bytes) -> Any:
    """What the page says about the calls filed this month: their number."""
    if name == "dashboard":
        return response.context["figures"].open_total
    if name == "service report":
        return response.context["report"].reported
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    if name == "service report CSV":
        return next(int(row[3]) for row in rows if row[:2] == ["Calls", "Reported"])
    return len(rows) - 1  # the call log: one row per call, under the heading


def _tables(queries: list[dict]) -> list[str]:
    return sorted({table for query in queries for table in TABLE.findall(query["sql"])})


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _wait_paused(cursor) -> None:
    import time

    deadline = time.monotonic() + 60
    while True:
        cursor.execute("SELECT pg_get_wal_replay_pause_state()")
        if cursor.fetchone()[0] == "paused" or time.monotonic() > deadline:
            return
        time.sleep(0.05)


def main() -> dict[str, Any]:
    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()

    from axes.models import AccessAttempt
    from django.apps import apps
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.db import DatabaseError, connections, router
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from helpdesk.replica import PRIMARY_COOKIE, REPLICA, reads_from_replica
    from incidents import notifications
    from incidents.models import Event, Incident, Notification, Status
    from tests.conftest import PASSWORD
    from tests.desk_helpers import fresh, post, resolved
    from tests.factories import SiteFactory, UserFactory, file_incident
    from tests.support.pg_replica import wait_for_replay

    call_command("migrate", verbosity=0, interactive=False)
    primary, replica = connections["default"], connections[REPLICA]
    seen: dict[str, Any] = {"aliases": sorted(connections.settings)}

    def caught_up() -> None:
        with primary.cursor() as p, replica.cursor() as r:
            wait_for_replay(p, r)

    # The cast, on the primary.
    desk_a = UserFactory(username="dee", roles=[Role.DESK])
    desk_b = UserFactory(username="bea", roles=[Role.DESK])
    reporter = UserFactory(username="rita", roles=[Role.USER])
    technician = UserFactory(username="tom", roles=[Role.TECHNICIAN])
    site = SiteFactory(name="Main building", code="MAIN")
    for n in range(3):
        file_incident(reporter, site=site, summary=f"Projector {n} flickers")
    to_close = resolved(file_incident(reporter, site=site), desk_a, technician)
    caught_up()

    # Everyone signs in through the form, under the report context as if on a
    # report page: a wrong password first (an axes row), then the real ones (a
    # session, a last login, the attempts cleared).
    clients = {"a": Client(), "b": Client()}
    with reads_from_replica():
        intruder = Client().post(
            "/accounts/login/", {"username": "dee", "password": "wrong-password"}
        )
        seen["wrong_password_status"] = intruder.status_code
        seen["axes_rows_after_wrong_password"] = AccessAttempt.objects.using("default").count()
        for key, person in (("a", desk_a), ("b", desk_b)):
            signed_in = clients[key].post(
                "/accounts/login/", {"username": person.username, "password": PASSWORD}
            )
            seen[f"sign_in_{key}"] = signed_in.status_code
        seen["sticky_max_age"] = clients["a"].cookies[PRIMARY_COOKIE]["max-age"]
        # Writes of rows read on the replica: a notification to a person read there,
        # a last login stamped on them.
        on_replica = User.objects.get(pk=desk_b.pk)
        seen["person_read_from"] = on_replica._state.db
        bea_notified_before = Notification.objects.filter(recipient=desk_b).count()
        notes = notifications.notify(
            event=Event.FILED,
            incident=Incident.objects.get(pk=to_close.pk),
            recipients=[on_replica],
            actor=reporter,
            template="filed_desk",
            context={"reporter": reporter, "summary": "x", "site": site, "room": None},
        )
        seen["notifications_written"] = len(notes)
        on_replica.last_login = None
        on_replica.save(update_fields=["last_login"])
        seen["writes_routed"] = sorted(
            {router.db_for_write(model) for model in apps.get_models()}
            | {router.db_for_write(User, instance=on_replica)}
        )
    seen["primary_rows"] = {
        "sessions": Session.objects.using("default").count(),
        "axes attempts": AccessAttempt.objects.using("default").count(),
        "new notifications": (
            Notification.objects.using("default").filter(recipient=desk_b).count()
            - bea_notified_before
        ),
        "dee signed in": User.objects.using("default").get(pk=desk_a.pk).last_login is not None,
        "bea's last login cleared": (
            User.objects.using("default").get(pk=desk_b.pk).last_login is None
        ),
    }
    caught_up()

    # Bea's sign-in was a while ago: her browser no longer has the mark.
    clients["b"].cookies.pop(PRIMARY_COOKIE)
    seen["pages"] = {}
    today = timezone.localdate()
    this_month = {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}
    for name, url in PAGES.items():
        with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(replica) as on_r:
            response = clients["b"].get(url, this_month if "service" in name else {})
            body = _body(response)
        seen["pages"][name] = {
            "status": response.status_code,
            "replica_queries": len(on_r.captured_queries),
            "replica_tables": _tables(on_r.captured_queries),
            "primary_queries": len(on_primary.captured_queries),
            "primary_tables": _tables(on_primary.captured_queries),
            "calls": _figure(name, response, body),
        }

    try:
        User.objects.using(REPLICA).create(username="replica-write-attempt")
        seen["replica_write"] = "accepted"
    except DatabaseError as error:
        seen["replica_write"] = str(error).splitlines()[0]

    # The replica stops replaying; Dee closes a call; her report has it at once,
    # Bea's (from the replica) not until the replica has caught up.
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
        _wait_paused(cursor)
    closed = post(clients["a"], to_close, "close", "close", code="fixed", resolution="New lamp.")
    seen["close_status"] = closed.status_code
    seen["closed_on_primary"] = fresh(to_close).status == Status.CLOSED

    def open_calls(client) -> int:
        return client.get("/reports/").context["figures"].open_total

    seen["open_calls_paused"] = {"dee": open_calls(clients["a"]), "bea": open_calls(clients["b"])}
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    caught_up()
    seen["open_calls_caught_up"] = {"bea": open_calls(clients["b"])}
    seen["sticky_seconds"] = settings.REPLICA_STICKY_SECONDS
    return seen


def replica_down() -> dict[str, Any]:
    """With the replica stopped: Bea's dashboard, read from the primary instead."""
    django.setup()
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    from django.db import connections
    from django.test import Client

    from accounts.models import User
    from helpdesk.replica import REPLICA

    client = Client()
    client.force_login(User.objects.get(username="bea"))
    with CaptureQueriesContext(connections["default"]) as on_primary:
        response = client.get("/reports/")
    return {
        "status": response.status_code,
        "open_calls": response.context["figures"].open_total,
        "primary_tables": _tables(on_primary.captured_queries),
        "replica_queries": len(connections[REPLICA].queries_log),
    }


if __name__ == "__main__":
    result = replica_down() if sys.argv[1:] == ["--replica-down"] else main()
    sys.stdout.write(json.dumps(result, sort_keys=True) + "\n")
