"""Load generator: signs in like a browser and measures each page with concurrent
clients on keep-alive HTTP connections (the standard library's http.client, one
thread per client), against the server bench/run.sh started on loopback.

    python bench/load.py --port 8765 --info seed.json --counts counts.json \\
        --size 1000000 [--clients 2] [--seconds 10] [--max-requests 3000]
    python bench/load.py --compare results/A.json results/B.json

Prints one table and writes it, with the machine described, to
bench/results/<date>-<size>.md (and the figures to the matching .json).
"""

import argparse
import http.client
import json
import os
import platform
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

import django  # noqa: E402

django.setup()

from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from scenarios import (  # noqa: E402
    GROWTH_FACTOR,
    Scenario,
    csrf_from,
    paths,
    scenarios,
    sheet_post,
)

RESULTS = ROOT / "bench" / "results"


class Browser:
    """One client: a connection (reopened when the server closes it) and a cookie jar."""

    def __init__(self, port: int, timeout: float):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Host": "127.0.0.1", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (http.client.HTTPException, OSError):
            # The server closed a kept-alive connection: once more on a new one.
            self.conn.close()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, content.decode("utf-8", "replace")

    def sign_in(self, username: str, password: str) -> None:
        login = reverse("login")
        status, html = self.request("GET", login)
        token = csrf_from(html)
        status, _ = self.request(
            "POST",
            login,
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"could not sign in as {username} (HTTP {status})")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(round(p / 100 * len(ordered) + 0.5) - 1, 0)
    return ordered[min(rank, len(ordered) - 1)]


def run(
    scenario: Scenario, browsers: list[Browser], targets: list[str], args, equipment_tag: str
) -> dict:
    """Warm up, then let every client request as fast as it can for the time given."""
    latencies: list[list[float]] = [[] for _ in browsers]
    statuses: list[Counter] = [Counter() for _ in browsers]
    spans: list[tuple[float, float]] = [(0.0, 0.0)] * len(browsers)
    barrier = threading.Barrier(len(browsers))
    serial = [0]
    lock = threading.Lock()

    def next_number() -> int:
        with lock:
            serial[0] += 1
            return serial[0]

    def once(browser: Browser) -> str:
        n = next_number()
        path = targets[n % len(targets)]
        if scenario.kind == "file":
            status, html = browser.request("GET", path)
            if status != 200:
                return str(status)
            status, _ = browser.request("POST", path, sheet_post(html, path, n, equipment_tag))
            return "ok" if status == 302 else f"POST {status}"
        status, _ = browser.request("GET", path)
        return "ok" if status == 200 else str(status)

    def client(i: int) -> None:
        browser = browsers[i]
        warm_until = time.perf_counter() + args.warmup_seconds
        for _ in range(args.warmup_requests):
            once(browser)
            if time.perf_counter() > warm_until:
                break
        barrier.wait()
        start = time.perf_counter()
        deadline = start + args.seconds
        while time.perf_counter() < deadline and len(latencies[i]) < args.max_requests:
            t0 = time.perf_counter()
            outcome = once(browser)
            latencies[i].append(time.perf_counter() - t0)
            statuses[i][outcome] += 1
        spans[i] = (start, time.perf_counter())

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [x for per_client in latencies for x in per_client]
    wall = max(end for _, end in spans) - min(start for start, _ in spans)
    outcomes = sum(statuses, Counter())
    errors = {k: v for k, v in outcomes.items() if k != "ok"}
    return {
        "requests": len(every),
        "seconds": round(wall, 2),
        "rps": len(every) / wall if wall else 0.0,
        "p50_ms": percentile(every, 50) * 1000,
        "p95_ms": percentile(every, 95) * 1000,
        "errors": errors,
    }


# ---------------------------------------------------------------- the report


def load_average() -> str:
    """The 1-minute load average: anything else running on the machine moves every figure."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def machine(postgresql: str) -> dict:
    cpu = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "cpus (nproc)": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "postgresql": postgresql,
        "python": platform.python_version(),
        "django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn"),
        "psycopg": metadata.version("psycopg"),
    }


def verdict(scenario: Scenario, row: dict, bare_rps: float) -> str:
    """Issue 17's target for the page, met or missed, in this run."""
    if row["errors"]:
        return "errors"
    checks = []
    if scenario.min_ratio is not None:
        ok = bare_rps and row["rps"] / bare_rps >= scenario.min_ratio
        checks.append(("met" if ok else "MISSED") + f" ≥{scenario.min_ratio:.0%} of bare")
    if scenario.max_p95_ms is not None:
        ok = row["p95_ms"] < scenario.max_p95_ms
        checks.append(("met" if ok else "MISSED") + f" p95<{scenario.max_p95_ms:g} ms")
    return "; ".join(checks) or "–"


def table(rows: list[tuple[Scenario, dict]], counts: dict, bare_rps: float) -> str:
    head = (
        "| page | requests | req/s | p50 ms | p95 ms | × bare | queries | errors | target |\n"
        "|---|---:|---:|---:|---:|---:|---:|---|---|\n"
    )
    lines = []
    for scenario, row in rows:
        counted = counts.get(scenario.key, {})
        queries = counted.get("queries", "?")
        ratio = f"{row['rps'] / bare_rps:.1%}" if bare_rps else "–"
        if counted.get("content"):
            # The page answered, but not with what it should show (querycount.py).
            row["errors"] = {**row["errors"], f"content: {counted['content']}": 1}
        errors = ", ".join(f"{k}×{v}" for k, v in row["errors"].items()) or "0"
        lines.append(
            f"| {scenario.label} | {row['requests']} | {row['rps']:.1f} | {row['p50_ms']:.1f} | "
            f"{row['p95_ms']:.1f} | {ratio} | {queries} | {errors} | "
            f"{verdict(scenario, row, bare_rps)} |"
        )
    return head + "\n".join(lines) + "\n"


def write_report(
    args, rows, counts_file: dict, info: dict, started: datetime, load_before: str
) -> Path:
    counts = counts_file.get("counts", {})
    bare = next((row for s, row in rows if s.key == "bare"), {})
    bare_rps = bare.get("rps", 0.0)
    text = table(rows, counts, bare_rps)
    print()
    print(text)
    about = machine(counts_file.get("postgresql", "?"))
    about["load average (1 min) before / after the load"] = f"{load_before} / {load_average()}"
    data = dict(counts_file.get("data", {}))
    if "seed_seconds" in info:
        data["seed_seconds"] = info["seed_seconds"]
    RESULTS.mkdir(exist_ok=True)
    stem = f"{started:%Y-%m-%d}-{args.size}"
    body = [
        f"# Benchmark: {args.size:,} incidents ({started:%Y-%m-%d %H:%M} UTC)",
        "",
        "Run by `make bench` (bench/run.sh). gunicorn with "
        f"{args.workers} sync workers on 127.0.0.1, DEBUG off, PostgreSQL on the same "
        f"machine; {args.clients} concurrent clients from a second process (bench/load.py), "
        f"each page for {args.seconds:g} s (at most {args.max_requests} requests per client) after "
        "a short warm-up. Latency is per request as the client sees it; “file a sheet” is one "
        "GET of the form plus its POST. Queries: counted per page by bench/querycount.py "
        "(Django's test client on the same database; GET+POST for filing), which also checks "
        "each page's content (a school's queue lists only that school's calls, searches find "
        "rows): a page without it counts as an error. Targets: issue 17's (queues and the "
        "incident page p95 < 50 ms and ≥ 10% of the bare view; searches and filing p95 < "
        "100 ms; dashboard and service report p95 < 300 ms).",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in about.items()],
        "",
        "## Data",
        "",
        *[
            f"- {k.replace('_', ' ')}: {v:,}"
            if isinstance(v, int)
            else f"- {k.replace('_', ' ')}: {v}"
            for k, v in data.items()
        ],
        "",
        "## Results",
        "",
        text,
    ]
    path = RESULTS / f"{stem}.md"
    path.write_text("\n".join(body))
    figures = {
        "size": args.size,
        "started": started.isoformat(),
        "machine": about,
        "data": data,
        "rows": {
            s.key: {**row, "queries": counts.get(s.key, {}).get("queries")} for s, row in rows
        },
    }
    (RESULTS / f"{stem}.json").write_text(json.dumps(figures, indent=2))
    print(f"written to {path.relative_to(ROOT)}")
    return path


def compare(files: list[str]) -> None:
    """Flat growth across result files (smallest size first): each page's p95 at the
    largest size within GROWTH_FACTOR of the smallest's, and the same queries."""
    runs = sorted((json.loads(Path(f).read_text()) for f in files), key=lambda r: r["size"])
    first, last = runs[0], runs[-1]
    sizes = [f"{r['size']:,}" for r in runs]
    print(f"\nFlat growth: p95 at {sizes[-1]} within {GROWTH_FACTOR}× of p95 at {sizes[0]},")
    print("queries per page identical.\n")
    print(
        "| page | "
        + " | ".join(f"p95 ms at {s}" for s in sizes)
        + " | growth | "
        + " | ".join(f"queries at {s}" for s in sizes)
        + " | verdict |"
    )
    print("|---|" + "---:|" * (len(sizes) + 1) + "---:|" * len(sizes) + "---|")
    for scenario in scenarios():
        rows = [r["rows"].get(scenario.key) for r in runs]
        if any(row is None for row in rows):
            continue
        p95s = [row["p95_ms"] for row in rows]
        queries = [str(row.get("queries")) for row in rows]
        growth = p95s[-1] / p95s[0] if p95s[0] else float("inf")
        problems = []
        if scenario.key != "bare" and growth > GROWTH_FACTOR:
            problems.append(f"MISSED p95 ×{growth:.2f}")
        if len(set(queries)) > 1:
            problems.append("MISSED queries differ")
        if any(row.get("errors") for row in rows):
            problems.append("errors")
        print(
            f"| {scenario.label} | "
            + " | ".join(f"{p:.1f}" for p in p95s)
            + f" | ×{growth:.2f} | "
            + " | ".join(queries)
            + f" | {'; '.join(problems) or 'met'} |"
        )
    if first is last:
        print("\n(one result file: nothing to compare)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--info", help="the JSON written by bench/seed.py --info")
    parser.add_argument("--counts", help="the JSON written by bench/querycount.py --out")
    parser.add_argument("--size", type=int, help="number of incidents seeded (for the report)")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (for the report)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per page")
    parser.add_argument("--max-requests", type=int, default=3000, help="per client and page")
    parser.add_argument("--warmup-requests", type=int, default=5)
    parser.add_argument("--warmup-seconds", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=60.0, help="per request, seconds")
    parser.add_argument("--only", help="comma-separated scenario keys (default: all)")
    parser.add_argument(
        "--compare", nargs="+", metavar="JSON", help="flat growth across result files"
    )
    args = parser.parse_args()
    if args.compare:
        compare(args.compare)
        return
    if not (args.info and args.size):
        parser.error("--info and --size are needed")
    info = json.loads(Path(args.info).read_text())
    counts_file = json.loads(Path(args.counts).read_text()) if args.counts else {}
    started = datetime.now(UTC)
    load_before = load_average()
    today = timezone.localdate()
    chosen = [s for s in scenarios() if not args.only or s.key in args.only.split(",")]

    browsers: dict[str, list[Browser]] = {}
    for role in {s.role for s in chosen}:
        clients = [Browser(args.port, args.timeout) for _ in range(args.clients)]
        if role != "anonymous":
            names = info["users"][role]
            for i, browser in enumerate(clients):
                browser.sign_in(names[i % len(names)], info["password"])
        browsers[role] = clients

    rows = []
    for scenario in chosen:
        targets = paths(scenario, today, info, info["incident_ids"])
        print(f"  {scenario.label} …", end=" ", flush=True)
        row = run(scenario, browsers[scenario.role], targets, args, info["file_equipment"])
        print(
            f"{row['rps']:.1f} req/s, p50 {row['p50_ms']:.1f} ms, p95 {row['p95_ms']:.1f} ms"
            + (f", errors {row['errors']}" if row["errors"] else ""),
            flush=True,
        )
        rows.append((scenario, row))
    write_report(args, rows, counts_file, info, started, load_before)


if __name__ == "__main__":
    main()
