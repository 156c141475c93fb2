"""Does caching the devices per school pay? Time the count against a cache hit.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_cache_bench \\
    REDIS_URL=redis://127.0.0.1:6379/0 python bench/cache_devices.py [--schools 100]

Builds the schema in that (scratch) database, fills a trust's equipment register
(``--schools`` schools with ``--per-school`` active devices each at two sites, a
tenth more retired), then times, over many rounds, what the schools side by side
needs: the count per school from PostgreSQL, and the same value read back through
`helpdesk.cache` from Redis and from local memory. Prints a table of medians; the
figures go in bench/results/. A benchmark, never a test: nothing here asserts time.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from helpdesk import cache as shared  # noqa: E402
from incidents import caching  # noqa: E402


def seed(schools: int, per_school: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE incidents_equipment, incidents_site, accounts_school CASCADE")
        cursor.execute("SELECT id FROM accounts_organisation ORDER BY id LIMIT 1")
        row = cursor.fetchone()
        if row is None:
            cursor.execute(
                "INSERT INTO accounts_organisation (name) VALUES ('Bench trust') RETURNING id"
            )
            row = cursor.fetchone()
        cursor.execute(
            "INSERT INTO accounts_school (organisation_id, name, code, email_domains)"
            " SELECT %s, 'School ' || n, 's' || n, '' FROM generate_series(1, %s) n",
            [row[0], schools],
        )
        cursor.execute(
            "INSERT INTO incidents_site (school_id, name, code, address, is_active)"
            " SELECT s.id, s.name || ' site ' || k, s.code || '-' || k, '', true"
            " FROM accounts_school s, generate_series(1, 2) k"
        )
        cursor.execute(
            "INSERT INTO incidents_equipment (asset_tag, name, kind, make, model, serial_number,"
            " site_id, purchased_on, warranty_until, notes, is_active)"
            " SELECT 'T' || site.id || '-' || n, 'PC ' || n, 'pc', '', '', '', site.id,"
            " NULL, NULL, '', n <= %s"
            " FROM incidents_site site, generate_series(1, %s) n",
            [per_school // 2, per_school // 2 + per_school // 20],
        )
        cursor.execute("ANALYZE incidents_equipment")
        cursor.execute("SELECT count(*) FROM incidents_equipment")
        return cursor.fetchone()[0]


def median_ms(what, rounds: int) -> float:
    what()  # warm up: connections, plans, the cache itself
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        what()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--per-school", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Point DATABASE_URL at a scratch PostgreSQL database")
    call_command("migrate", verbosity=0, interactive=False)
    rows = seed(args.schools, args.per_school)
    with connection.cursor() as cursor:  # every school: the trust's central desk
        cursor.execute("SELECT id FROM accounts_school")
        schools = frozenset(pk for (pk,) in cursor.fetchall())

    rows_out = [("count per school in PostgreSQL", median_ms(caching._count_devices, args.rounds))]
    backends = {"local memory": "django.core.cache.backends.locmem.LocMemCache"}
    if os.environ.get("REDIS_URL"):
        backends["Redis"] = "django.core.cache.backends.redis.RedisCache"
    for label, backend in backends.items():
        location = os.environ["REDIS_URL"] if label == "Redis" else "bench"
        prefix = f"bench-{uuid.uuid4().hex[:8]}"
        chosen = {"default": {"BACKEND": backend, "LOCATION": location, "KEY_PREFIX": prefix}}
        with override_settings(CACHES=chosen):
            rows_out.append(
                (
                    f"cache hit, {label}",
                    median_ms(lambda: caching.devices_per_school(schools), args.rounds),
                )
            )
            caches["default"].delete_many(
                [
                    shared._version_key(caching.DEVICES),
                    shared.key_for(caching.DEVICES, "per-school"),
                ]
            )

    print(f"{rows:,} pieces of equipment at {args.schools} schools; median of {args.rounds}")
    print("| devices per school | ms |")
    print("|---|---:|")
    for label, ms in rows_out:
        print(f"| {label} | {ms:.3f} |")


if __name__ == "__main__":
    main()
