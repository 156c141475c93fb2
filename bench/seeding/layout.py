"""How the benchmark's trust is laid out: how many of everything, and which ids
belong together. Every row is placed by these formulas (a room's school, a school's
technicians, a teacher's school), so the SQL that fills the tables never has to look
anything up and the data is consistent by construction.

Plus the small helpers every step uses.
"""

from django.db import connection, models

# The trust: one organisation of 100 schools, each with 2 sites of 15 rooms.
ORGANISATION_ID = 1
ORGANISATION_NAME = "Bench Learning Trust"
SCHOOLS = 100
SITES_PER_SCHOOL = 2
ROOMS_PER_SITE = 15
ROOMS_PER_SCHOOL = SITES_PER_SCHOOL * ROOMS_PER_SITE
SITES = SCHOOLS * SITES_PER_SCHOOL
ROOMS = SCHOOLS * ROOMS_PER_SCHOOL  # room r is at site (r - 1) / 15 + 1, school (r - 1) / 30 + 1
EQUIPMENT_PER_ROOM = 15  # equipment e is in room (e - 1) % ROOMS + 1, slot (e - 1) / ROOMS
EQUIPMENT = ROOMS * EQUIPMENT_PER_ROOM

# Support groups 1..8 are shared by the trust; 8 + s is school s's own ICT team.
SHARED_GROUP_COUNT = 8
CONTACTS_PER_GROUP = 2  # contacts of group g: 2g - 1 and 2g
# Problems 1..20 are the trust's; 20 + s is school s's own. Articles likewise:
# 1..40 shared (1..15 the known errors of problems 1..15), 40 + s school s's.
SHARED_PROBLEMS = 20
SHARED_ARTICLES = 40
SHARED_KNOWN_ERRORS = 15

# People, by id:
CENTRAL_DESK = range(1, 11)  # the trust's service desk, for every school
SCHOOL_DESK_BASE = 10  # 10 + s: school s's own ICT lead, desk for that school only
TECHNICIAN_BASE = SCHOOL_DESK_BASE + SCHOOLS  # 111..150: visiting technicians
TECHNICIANS = 40
SCHOOLS_PER_TECHNICIAN = 5  # two technicians for each school (see technician_of)
ADMIN_ID = TECHNICIAN_BASE + TECHNICIANS + 1  # 151: the trust's ICT manager
TEACHER_BASE = ADMIN_ID + 1  # 152 + (s - 1) * 60 + k: teacher k of school s
TEACHERS_PER_SCHOOL = 60
PEOPLE = ADMIN_ID + SCHOOLS * TEACHERS_PER_SCHOOL

# The signed-in people of the load, by username (all at school 1 where it matters).
BENCH_SCHOOL = 1
NAMED = {
    1: "bench-desk",
    2: "bench-desk2",
    SCHOOL_DESK_BASE + BENCH_SCHOOL: "bench-school-desk",
    TECHNICIAN_BASE + 1: "bench-tech",
    ADMIN_ID: "bench-admin",
    TEACHER_BASE: "bench-user",
    TEACHER_BASE + 1: "bench-user2",
}
# The named teachers report a fixed share of the calls (every 200th each), so
# "my incidents" shows full pages at 10 thousand as at a million.
NAMED_REPORTER_EVERY = 200

# The open calls: the same number, all from the last few days, at every size, so
# the queue and the dashboard show the same rows whatever the length of history.
OPEN_CALLS = 3000
OPEN_DAYS = 4
HISTORY_DAYS = 3 * 365

LARGE_TABLES = [
    "incidents_incident",
    "incidents_incidentsheet",
    "incidents_calllogentry",
    "incidents_diagnosticentry",
    "incidents_notification",
    "incidents_consultation",
    "incidents_incident_knowledge_articles",
]


def school_of_room(room: str) -> str:
    """SQL: the school of a room id."""
    return f"(({room}) - 1) / {ROOMS_PER_SCHOOL} + 1"


def site_of_room(room: str) -> str:
    return f"(({room}) - 1) / {ROOMS_PER_SITE} + 1"


def technician_of(school: str, second: str) -> str:
    """SQL: one of the two technicians visiting a school (`second`: a boolean).
    Technician t (1..20) covers schools 5(t-1)+1..5t; t + 20 covers the same ones."""
    first = f"{TECHNICIAN_BASE} + (({school}) - 1) / {SCHOOLS_PER_TECHNICIAN} + 1"
    return f"({first} + CASE WHEN {second} THEN {TECHNICIANS // 2} ELSE 0 END)"


def log(message: str) -> None:
    print(f"  seed: {message}", flush=True)


def sql_array(values) -> str:
    """A literal SQL text array (our own constants only)."""
    return "ARRAY[" + ",".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def sql_case(column: str, mapping: dict, default: str = "''") -> str:
    """SQL: `CASE column WHEN key THEN 'label' … END` (our own constants only)."""
    whens = " ".join(
        "WHEN '{}' THEN '{}'".format(k, str(v).replace("'", "''")) for k, v in mapping.items()
    )
    return f"CASE {column} {whens} ELSE {default} END"


def extra_columns(model, covered: set[str]) -> tuple[str, str, dict]:
    """Columns a step does not fill itself (added to the model since): their default,
    so a new column never stops the seed. Logged, to be filled properly."""
    names, placeholders, values = [], [], {}
    for field in model._meta.concrete_fields:
        if field.column in covered or isinstance(field, models.GeneratedField):
            continue
        if field.db_default is not models.NOT_PROVIDED:
            continue
        key = f"extra_{len(values)}"
        names.append(connection.ops.quote_name(field.column))
        placeholders.append(f"%({key})s")
        values[key] = field.get_db_prep_save(field.get_default(), connection)
    if names:
        log(f"{model._meta.db_table}: default values for {', '.join(names)}")
    return "".join(", " + n for n in names), "".join(", " + p for p in placeholders), values
