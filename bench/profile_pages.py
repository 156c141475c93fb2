"""Where a page's milliseconds go, in-process: the benchmarked pages through Django's
test client on a seeded database, timed and profiled one request at a time.

    python bench/profile_pages.py --info seed.json [--only queue,incident] [-n 20] [--top 25]

For each page: queries per request, CPU time per request (the process's own, which
other work on a shared machine moves far less than wall-clock time), the time spent
waiting for the database, and, from cProfile, the cumulative time of the parts that
cost the most in these pages (template rendering, form and widget rendering,
crispy-forms, fetching rows). `--top N` prints the N most expensive functions of
each page (cumulative). Profiling itself slows Python down by about a third, so
read the cProfile columns as shares, the CPU column (measured without the profiler)
as the absolute figure.
"""

import argparse
import cProfile
import json
import logging
import os
import pstats
import sys
import time
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
from django.utils import timezone  # noqa: E402
from scenarios import paths, scenarios, sheet_post  # noqa: E402

# (column, what cProfile function names it adds up): the parts worth watching.
PARTS = [
    ("template", ("django/template/base.py", "render")),
    ("widgets", ("django/forms/boundfield.py", "as_widget")),
    ("crispy", ("crispy_forms/templatetags/crispy_forms_filters.py", "as_crispy_field")),
    ("rows", ("django/db/models/query.py", "_fetch_all")),
]


class SqlTimer:
    """Adds up the wall-clock time of every query (an `execute_wrapper`)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.queries += 1


def request_once(client: Client, scenario, path: str, counter: int, equipment_tag: str) -> None:
    if scenario.kind == "file":
        page = client.get(path)
        data = sheet_post(page.content.decode(), path, counter, equipment_tag)
        data["submission_token"] = str(uuid.uuid4())
        response = client.post(path, data)
        assert response.status_code == 302, response.status_code
        return
    response = client.get(path)
    assert response.status_code == 200, response.status_code


def cumulative(stats: pstats.Stats, suffix: str, name: str) -> float:
    """The cumulative seconds of the outermost calls of one function (recursive
    calls, like a template's nodes rendering nodes, counted once)."""
    total = 0.0
    for (filename, _line, function), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if function == name and filename.endswith(suffix):
            total = max(total, ct)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--info", required=True, help="the JSON written by bench/seed.py --info")
    parser.add_argument("--only", help="comma-separated page keys (default: all but bare)")
    parser.add_argument("-n", type=int, default=20, help="requests per page (default 20)")
    parser.add_argument("--top", type=int, default=0, help="print the N costliest functions")
    parser.add_argument(
        "--shared-cache",
        action="store_true",
        help="cache the choice lists across requests, as with Redis (one process here)",
    )
    args = parser.parse_args()
    if args.shared_cache:
        from django.conf import settings

        settings.CACHE_SHARED = True
    info = json.loads(Path(args.info).read_text())
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    people = get_user_model().objects
    users = {role: people.get(username=names[0]) for role, names in info["users"].items()}
    only = set(args.only.split(",")) if args.only else None
    today = timezone.localdate()
    print(
        f"{'page':<15} {'queries':>7} {'CPU ms':>7} {'SQL ms':>7} "
        + " ".join(f"{name + ' %':>10}" for name, _ in PARTS)
    )
    # Each filed sheet different from any filed before (a repeat is not filed again).
    counter = int(time.time() * 1000) % 10**9
    for scenario in scenarios():
        if scenario.key == "bare" or (only and scenario.key not in only):
            continue
        client = Client(raise_request_exception=True, SERVER_NAME="127.0.0.1")
        client.force_login(users[scenario.role])
        path = paths(scenario, today, info, [info["counted_incident"]])[0]
        for _ in range(3):  # warm-up: per-process caches, the connection
            counter += 1
            request_once(client, scenario, path, counter, info["file_equipment"])
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            cpu = time.process_time()
            for _ in range(args.n):
                counter += 1
                request_once(client, scenario, path, counter, info["file_equipment"])
            cpu = time.process_time() - cpu
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.n):
            counter += 1
            request_once(client, scenario, path, counter, info["file_equipment"])
        profile.disable()
        stats = pstats.Stats(profile)
        total = stats.total_tt  # type: ignore[attr-defined]
        shares = [cumulative(stats, *where) / total * 100 for _, where in PARTS]
        print(
            f"{scenario.key:<15} {timer.queries / args.n:>7.1f} {cpu / args.n * 1000:>7.1f} "
            f"{timer.seconds / args.n * 1000:>7.1f} " + " ".join(f"{s:>10.0f}" for s in shares)
        )
        if args.top:
            stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
