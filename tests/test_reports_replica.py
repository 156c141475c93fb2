"""Reports on a real streaming replica: their reads go there, no write ever does.

A throwaway primary and its `pg_basebackup -R` replica (tests/support/pg_replica.py)
serve a separate process (tests/support/replica_probe.py) with ``DATABASE_URL`` and
``DATABASE_REPLICA_URL`` set, which goes through the product as two desk people;
these tests judge what it saw, and what the replica's own statement log says it was
sent. Skipped where PostgreSQL's server binaries are missing, unless
``HELPDESK_REQUIRE_REPLICA`` is set (as `.ci/run` does).
"""

import fcntl
import json
import os
import re
import subprocess
import sys

import pytest
from django.db import connections

from helpdesk.replica import REPLICA, ReplicaRouter, reads_from_replica, report_db
from tests.support import pg_replica

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|TRUNCATE|CREATE|ALTER|DROP|GRANT)\b", re.I)
# What a report page may still read from the primary: who the person is and what
# they may see (their session, account and memberships).
WHO_IS_ASKING = {
    "django_session",
    "accounts_user",
    "accounts_membership",
    "accounts_school",
    "accounts_organisation",
}


def _probe(pair: pg_replica.ReplicaPair, *args: str) -> dict:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": pair.primary_url,
        "DATABASE_REPLICA_URL": pair.replica_url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.replica_probe", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.splitlines()[-1])


def _run() -> dict:
    with pg_replica.ReplicaPair() as pair:
        result = _probe(pair)
        result["replica_statements"] = pair.replica_statements()
        pair.stop_replica()
        result["replica_down"] = _probe(pair, "--replica-down")
    return result


@pytest.fixture(scope="session")
def seen(tmp_path_factory, worker_id):
    """What the probe saw: one primary and replica for the whole run, even with
    xdist's workers (the first to ask runs it, under a lock; the others read)."""
    if pg_replica.binaries() is None:
        if os.environ.get("HELPDESK_REQUIRE_REPLICA"):
            pytest.fail("PostgreSQL server binaries are missing under /usr/lib/postgresql")
        pytest.skip("PostgreSQL server binaries are missing: apt-get install postgresql")
    if worker_id == "master":
        return _run()
    shared = tmp_path_factory.getbasetemp().parent / "replica-probe.json"
    with open(shared.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if shared.exists():
            return json.loads(shared.read_text())
        result = _run()
        shared.write_text(json.dumps(result))
        return result


def test_the_settings_add_a_replica_database_only_when_asked(seen):
    assert seen["aliases"] == ["default", REPLICA]
    # This run itself has no replica: every report reads the one database.
    assert REPLICA not in connections.settings
    with reads_from_replica():
        assert report_db() == "default"
        assert ReplicaRouter().db_for_read(object) is None


def test_every_report_page_reads_its_figures_from_the_replica(seen):
    for name, page in seen["pages"].items():
        assert page["status"] == 200, name
        assert page["calls"] == 4, (name, page)
        assert page["replica_queries"] >= 2, (name, page)
        assert "incidents_incident" in page["replica_tables"], (name, page)
        assert set(page["primary_tables"]) <= WHO_IS_ASKING, (name, page)


def test_the_replica_refuses_a_write_as_read_only(seen):
    assert "read-only transaction" in seen["replica_write"]


def test_no_write_but_the_refused_one_ever_reached_the_replica(seen):
    statements = seen["replica_statements"]
    assert sum(statement.lstrip().upper().startswith("SELECT") for statement in statements) > 20
    writes = [statement for statement in statements if WRITE.match(statement)]
    assert len(writes) == 1 and "replica-write-attempt" in writes[0], writes


def test_sessions_lockouts_notifications_and_logins_land_on_the_primary(seen):
    assert seen["wrong_password_status"] == 200
    assert seen["axes_rows_after_wrong_password"] == 1
    assert seen["sign_in_a"] == seen["sign_in_b"] == 302
    assert seen["person_read_from"] == REPLICA
    assert seen["notifications_written"] == 1
    assert seen["writes_routed"] == ["default"]
    assert seen["primary_rows"] == {
        "sessions": 2,
        "axes attempts": 0,  # cleared by Dee's sign-in that followed
        "new notifications": 1,
        "dee signed in": True,
        "bea's last login cleared": True,
    }


def test_who_just_closed_a_call_sees_it_at_once_others_once_the_replica_caught_up(seen):
    assert seen["close_status"] == 302 and seen["closed_on_primary"]
    # Four calls open before; replay paused while Dee closed one.
    assert seen["open_calls_paused"] == {"dee": 3, "bea": 4}
    assert seen["open_calls_caught_up"] == {"bea": 3}
    assert seen["sticky_max_age"] == seen["sticky_seconds"] == 10


def test_reports_read_the_primary_while_the_replica_is_down(seen):
    down = seen["replica_down"]
    assert down["status"] == 200
    assert down["open_calls"] == 3
    assert "incidents_incident" in down["primary_tables"]
    assert down["replica_queries"] == 0
