"""Count the SQL queries each benchmarked page makes, in-process with Django's test
client, on the seeded benchmark database.

    python bench/querycount.py --info seed.json --out counts.json [--slow 3]

Each page is requested twice and the second request counted (the first warms
per-process caches). With --slow N, the N slowest queries of each page are
printed with their time, to be explained with EXPLAIN ANALYZE.
"""

import argparse
import json
import logging
import os
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from scenarios import (  # noqa: E402
    list_references,
    paths,
    queue_references,
    scenarios,
    sheet_post,
)

from incidents.models import Incident  # noqa: E402


def measure(client: Client, scenario, path: str, counter: int, info: dict):
    """(label of the count, total queries, status codes, captured queries, page)."""
    if scenario.kind == "file":
        with CaptureQueriesContext(connection) as get_ctx:
            page = client.get(path)
        data = sheet_post(page.content.decode(), path, counter, info["file_equipment"])
        data["submission_token"] = str(uuid.uuid4())
        with CaptureQueriesContext(connection) as post_ctx:
            posted = client.post(path, data)
        queries = get_ctx.captured_queries + post_ctx.captured_queries
        return (
            f"{len(get_ctx)}+{len(post_ctx)}",
            len(queries),
            f"{_status(page)}/{_status(posted)}",
            queries,
            "",
        )
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    html = response.content.decode("utf-8", "replace")
    return str(len(ctx)), len(ctx), _status(response), ctx.captured_queries, html


def check(scenario, html: str, info: dict) -> tuple[str, str]:
    """(what the page shows, what is wrong with it: empty when nothing)."""
    kind = scenario.check
    if not kind:
        return "", ""
    if kind.startswith("text:"):
        words = kind.removeprefix("text:").format(school=info["school"]["name"])
        return f"says {words!r}", "" if words in html else f"does not say {words!r}"
    if kind == "my_rows":
        refs = list_references(html)
        mine = Incident.objects.filter(
            pk__in=refs, reporter__username__in=info["users"]["reporter"]
        )
        wrong = len(refs) - mine.count()
        shown = f"{len(refs)} rows"
        return shown, ("no rows" if not refs else f"{wrong} rows not theirs" if wrong else "")
    refs = queue_references(html)
    shown = f"{len(refs)} rows"
    if len(refs) < scenario.min_rows:
        return shown, f"{len(refs)} rows, expected at least {scenario.min_rows}"
    rows = Incident.objects.filter(pk__in=refs)
    if kind == "school_rows":
        other = rows.exclude(school_id=info["school"]["id"]).count()
        return shown + " (one school)", f"{other} rows of other schools" if other else ""
    if kind == "filtered_rows":
        other = rows.exclude(status="logged", priority=2).count()
        return shown, f"{other} rows not logged at priority 2" if other else ""
    if kind == "reference":
        wanted = int(info["searches"]["reference"].removeprefix("INC-"))
        return shown, "" if wanted in refs else f"INC-{wanted:06d} not listed"
    return shown, ""


def _status(response) -> str:
    """The status code, and the exception's last words for a server error."""
    error = getattr(response, "exc_info", None)
    if response.status_code >= 500 and error:
        return f"{response.status_code}: {error[0].__name__}: {str(error[1])[:200]}"
    return str(response.status_code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--info", required=True, help="the JSON written by bench/seed.py --info")
    parser.add_argument("--out", help="write the counts to this JSON file")
    parser.add_argument("--slow", type=int, default=0, help="print the N slowest queries per page")
    args = parser.parse_args()
    info = json.loads(Path(args.info).read_text())
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # errors shown below instead
    people = get_user_model().objects
    users = {role: people.get(username=names[0]) for role, names in info["users"].items()}
    # The data as seeded (before this script files its two sheets).
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT (SELECT count(*) FROM incidents_incident),"
            " (SELECT count(*) FROM incidents_calllogentry),"
            " (SELECT count(*) FROM incidents_diagnosticentry),"
            " (SELECT count(*) FROM accounts_school),"
            " (SELECT count(*) FROM accounts_user),"
            " (SELECT pg_size_pretty(pg_database_size(current_database())))"
        )
        incidents, entries, diagnostics, schools, people_count, size = cursor.fetchone()
    today = timezone.localdate()
    results = {}
    failed = []
    for scenario in scenarios():
        client = Client(raise_request_exception=False, SERVER_NAME="127.0.0.1")
        if scenario.role in users:
            client.force_login(users[scenario.role])
        path = paths(scenario, today, info, [info["counted_incident"]])[0]
        measure(client, scenario, path, 0, info)  # warm up
        label, total, status, queries, html = measure(client, scenario, path, 1, info)
        shown, wrong = check(scenario, html, info) if status == "200" else ("", "")
        results[scenario.key] = {"queries": label, "total": total, "status": status}
        if wrong:
            results[scenario.key]["content"] = wrong
            failed.append(scenario.key)
        print(
            f"  {scenario.key:<18} {label:>7} queries  (HTTP {status})  {path}"
            + (f"  [{shown}]" if shown else "")
            + (f"  CONTENT: {wrong}" if wrong else "")
        )
        if args.slow:
            for query in sorted(queries, key=lambda q: -float(q["time"]))[: args.slow]:
                print(f"      {float(query['time']) * 1000:8.1f} ms  {query['sql'][:4000]}")
    summary = {
        "counts": results,
        "postgresql": server_version,
        "data": {
            "incidents": incidents,
            "call_log_entries": entries,
            "diagnostic_entries": diagnostics,
            "schools": schools,
            "people": people_count,
            "database_size": size,
        },
    }
    if args.out:
        Path(args.out).write_text(json.dumps(summary, indent=2))
    if failed:
        print(f"  pages without the expected content: {', '.join(failed)}")


if __name__ == "__main__":
    main()
