"""The benchmark's data, generated inside PostgreSQL (see bench/seed.py, which runs it).

One transaction: the tables emptied, the large tables' secondary indexes dropped
while they fill and built again afterwards, foreign-key triggers skipped (the rows
are consistent by construction: layout.py), sequences reset; then VACUUM ANALYZE.
"""

import time
from datetime import UTC, datetime

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from incidents.search import fill_search_documents

from .calls import seed_calls
from .catalogue import seed_catalogue
from .history import seed_history
from .layout import LARGE_TABLES, log
from .people import seed_people
from .places import seed_places
from .sample import sample


def run(n: int, password: str) -> dict:
    """Seed n incidents; return what the load generator needs (sample.py)."""
    if connection.vendor != "postgresql":
        raise SystemExit("bench/seed.py needs PostgreSQL (set DATABASE_URL)")
    started = time.monotonic()

    def step(what: str) -> None:
        log(f"{what} ({time.monotonic() - started:.0f} s)")

    now = datetime.now(UTC).replace(microsecond=0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SELECT setseed(0.42)")
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except Exception:  # not a superuser: keep the checks, only slower
            log("foreign-key checks stay on (not a superuser)")
        reset(cursor)
        indexes = drop_secondary_indexes(cursor)
        seed_places(cursor, now)
        seed_catalogue(cursor, now)
        seed_people(cursor, now, password)
        step("trust, catalogue and people")
        open_n = seed_calls(cursor, n, now)
        step("incidents and sheets")
        seed_history(cursor)
        step("history")

        # The search document, once the incidents, their sheets and the whole call
        # log are in, and before the indexes (its GIN index among them) are rebuilt.
        fill_search_documents(cursor)
        step("search documents")

        for definition in indexes:
            cursor.execute(definition)
        step(f"{len(indexes)} indexes rebuilt")
        reset_sequences(cursor)
        info = sample(cursor, n, open_n)
        info["password"] = password
    connection.close()
    # VACUUM cannot run in a transaction: a fresh autocommit connection.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    elapsed = time.monotonic() - started
    log(f"done: {n:,} incidents in {elapsed:.0f} s")
    info["seed_seconds"] = round(elapsed, 1)
    return info


def reset(cursor) -> None:
    tables = [m._meta.db_table for m in apps.get_app_config("incidents").get_models()]
    tables += [m._meta.db_table for m in apps.get_app_config("accounts").get_models()]
    tables += [
        "accounts_user_groups",
        "accounts_user_user_permissions",
        "django_session",
        "django_admin_log",
        "django_tasks_database_dbtaskresult",
    ]
    tables += [m._meta.db_table for m in apps.get_app_config("axes").get_models()]
    m2m = [
        f.remote_field.through._meta.db_table
        for m in apps.get_app_config("incidents").get_models()
        for f in m._meta.local_many_to_many
    ]
    cursor.execute("TRUNCATE " + ", ".join(sorted(set(tables + m2m))) + " RESTART IDENTITY CASCADE")


def drop_secondary_indexes(cursor) -> list[str]:
    """Drop the large tables' indexes that back no constraint; return how to rebuild them."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = (quote_ident(i.schemaname) || '.' ||
                                              quote_ident(i.indexname))::regclass)
        """,
        [LARGE_TABLES],
    )
    rows = cursor.fetchall()
    for name, _ in rows:
        cursor.execute("DROP INDEX " + connection.ops.quote_name(name))
    return [definition for _, definition in rows]


def reset_sequences(cursor) -> None:
    models_ = list(apps.get_app_config("incidents").get_models())
    models_ += list(apps.get_app_config("accounts").get_models())
    for statement in connection.ops.sequence_reset_sql(no_style(), models_):
        cursor.execute(statement)
