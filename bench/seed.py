"""Seed the benchmark database with a trust's worth of history, fast.

    python bench/seed.py 10000        # or 1000000
    python bench/seed.py 1000000 --info /tmp/seed-1000000.json

Everything is generated inside PostgreSQL with `generate_series` and
`INSERT … SELECT` (no row goes through Python), in one transaction: the tables are
emptied, the large tables' secondary indexes dropped while they fill and built again
afterwards, foreign-key triggers skipped (the data is consistent by construction),
sequences reset, then VACUUM ANALYZE. The steps are in bench/seeding/.

What it makes, for N incidents (bench/README.md has the figures):
  one trust of 100 schools, each with 2 sites, 30 rooms, 450 pieces of equipment and
  a calendar per site; categories, priority targets, support groups, problems and
  knowledge articles, some shared by the trust and some kept by one school; the
  technicians' visit rota; 6,151 people: a central desk for every school, each
  school's ICT lead as its own desk, 40 technicians covering 5 schools each, the
  trust's ICT manager as support admin, 60 staff at each school; N incidents over
  three years (the newest 3,000 open) with their sheets, call log, diagnostics,
  consultations and notifications.

The people the load generator signs in as (password BENCH_PASSWORD):
  bench-desk, bench-desk2 (central service desk), bench-school-desk (the ICT lead
  and desk of school s001), bench-tech (technician), bench-admin (support admin),
  bench-user, bench-user2 (teachers at school s001).
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

import django  # noqa: E402

django.setup()

import seeding  # noqa: E402

BENCH_PASSWORD = "bench-password-2718"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("incidents", type=int, help="how many incidents, e.g. 10000 or 1000000")
    parser.add_argument("--info", help="write what the load generator needs to this JSON file")
    args = parser.parse_args()
    info = seeding.run(args.incidents, BENCH_PASSWORD)
    if args.info:
        Path(args.info).write_text(json.dumps(info, indent=2))


if __name__ == "__main__":
    main()
