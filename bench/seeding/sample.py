"""What the load generator and the query counter need from the seeded data: who
signs in for each role, which incidents to open, the school measured on its own,
the equipment a teacher files a sheet about, the words searched for."""

from .layout import BENCH_SCHOOL, NAMED, ROOMS_PER_SCHOOL
from .places import asset_tag, school_code, school_name

# What the search scenarios look for (a reference is added from the data).
SEARCHES = {
    "common": "projector",  # about 7% of calls mention one
    "rare": "burning",  # one call in 997 (words.RARE_ANSWER)
    "phrase": '"paper jam"',
    "prefix": "proj",  # what someone has typed so far
}


def sample(cursor, n: int, open_n: int) -> dict:
    cursor.execute(
        "SELECT id FROM incidents_incident WHERE id > %s ORDER BY id DESC LIMIT 50", [n - open_n]
    )
    recent = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT id FROM incidents_incident WHERE id %% %s = 7 ORDER BY id LIMIT 50",
        [max(n // 50, 1)],
    )
    older = [row[0] for row in cursor.fetchall()]
    # The incident whose page querycount.py counts: the same state at every size.
    cursor.execute(
        "SELECT max(id) FROM incidents_incident i WHERE status = 'in_progress'"
        " AND equipment_id IS NOT NULL AND room_id IS NOT NULL AND problem_id IS NULL"
        " AND EXISTS (SELECT 1 FROM incidents_diagnosticentry d WHERE d.incident_id = i.id)"
        " AND NOT EXISTS (SELECT 1 FROM incidents_consultation c WHERE c.incident_id = i.id)"
    )
    counted = cursor.fetchone()[0] or recent[0]
    # A reference to search for: an older call, found only by its number.
    reference = older[len(older) // 2] if older else recent[0]
    by_role = {}
    for name in NAMED.values():
        by_role.setdefault(role_of(name), []).append(name)
    # The school desk has one login: both clients use it.
    cursor.execute("SELECT id FROM accounts_school WHERE code = %s", [school_code(BENCH_SCHOOL)])
    school_id = cursor.fetchone()[0]
    return {
        "incidents": n,
        "counted_incident": counted,
        "open": open_n,
        "users": by_role,
        "incident_ids": recent + older,
        "school": {
            "id": school_id,
            "code": school_code(BENCH_SCHOOL),
            "name": school_name(BENCH_SCHOOL),
        },
        # The projector in the first room of the teachers' school.
        "file_equipment": asset_tag((BENCH_SCHOOL - 1) * ROOMS_PER_SCHOOL + 1, 6),
        "searches": {**SEARCHES, "reference": f"INC-{reference:06d}"},
    }


def role_of(username: str) -> str:
    return {
        "bench-desk": "desk",
        "bench-desk2": "desk",
        "bench-school-desk": "school_desk",
        "bench-tech": "technician",
        "bench-admin": "admin",
        "bench-user": "reporter",
        "bench-user2": "reporter",
    }[username]
