"""Seed the benchmark database with a school's worth of history, fast.

    python bench/seed.py 10000        # or 1000000
    python bench/seed.py 1000000 --info bench/results/seed-1000000.tmp

Everything is generated inside PostgreSQL with `generate_series` and
`INSERT … SELECT` (no row goes through Python), in one transaction: the tables
are emptied, the large tables' secondary indexes dropped while they fill and
built again afterwards, foreign-key triggers skipped (the data is consistent by
construction), sequences reset, then VACUUM ANALYZE.

What it makes, for N incidents:
  5 sites, 200 rooms, 3,000 pieces of equipment, 9 categories, the priority
  targets, 8 support groups with contacts, 60 problems, 40 knowledge articles;
  2,000 people: 10 service desk, 20 technicians, 1 support admin, the rest
  reporters; N incidents over the last three years with their incident sheets
  (most closed, the newest few thousand open), ~4.5 call-log entries each,
  diagnostics for those a technician worked on, consultations for a few,
  and the reporter's "resolved" notification for each.

The people the load generator signs in as (password BENCH_PASSWORD):
  bench-desk, bench-desk2 (service desk), bench-tech (technician),
  bench-admin (support admin), bench-user, bench-user2 (reporters).
"""

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402

from accounts.roles import Role, ensure_role_groups  # noqa: E402
from incidents.models import DEFAULT_TARGET_HOURS, DEFAULT_TARGETS, Incident  # noqa: E402

BENCH_PASSWORD = "bench-password-2718"

PEOPLE = 2000
DESK = range(1, 11)  # ids 1..10
TECHNICIANS = range(11, 31)  # ids 11..30
ADMIN_ID = 31
REPORTERS = (32, PEOPLE)  # ids 32..2000
NAMED = {
    1: "bench-desk",
    2: "bench-desk2",
    11: "bench-tech",
    ADMIN_ID: "bench-admin",
    32: "bench-user",
    33: "bench-user2",
}
SITES = [
    ("Main building", "MAIN"),
    ("North site", "NORTH"),
    ("Sports centre", "SPORT"),
    ("Junior school", "JUNIOR"),
    ("Sixth form centre", "SIXTH"),
]
ROOMS_PER_SITE = 40
ROOMS = len(SITES) * ROOMS_PER_SITE
EQUIPMENT_PER_ROOM = 15
EQUIPMENT = ROOMS * EQUIPMENT_PER_ROOM
PROBLEMS = 60
ARTICLES = 40

# fmt: off
FIRST_NAMES = [
    "Amira", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Harry", "Isla", "Jack", "Kai",
    "Leah", "Mo", "Nina", "Oscar", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera",
    "Will", "Xena", "Yusuf", "Zoe", "Alex", "Beth", "Carl", "Dina", "Ewan", "Fay", "Gus", "Hana",
    "Ivan", "Jo", "Kate", "Liam", "Maya", "Noah",
]
LAST_NAMES = [
    "Adams", "Baker", "Clarke", "Davies", "Evans", "Fisher", "Green", "Hughes", "Iqbal", "Jones",
    "Khan", "Lewis", "Morgan", "Nash", "Owen", "Patel", "Quinn", "Roberts", "Smith", "Taylor",
    "Usman", "Vaughan", "Walker", "Young", "Zhang", "Ahmed", "Brown", "Cole", "Doyle", "Ellis",
    "Ford", "Gill", "Hart", "Ito", "Jenkins", "Kelly", "Lowe", "Mills", "Nolan", "Price",
]
# fmt: on
JOB_TITLES = [
    "Teacher",
    "Teacher",
    "Teacher",
    "Teaching assistant",
    "Head of department",
    "Office manager",
    "Receptionist",
    "Librarian",
    "Science technician",
    "Exams officer",
]
ROOM_NAMES = [
    "Room {n}",
    "Room {n}",
    "Room {n}",
    "Science lab {n}",
    "IT suite {n}",
    "Library",
    "Staff room",
    "Main office",
    "Hall",
    "Music room {n}",
]

# Categories, in id order.
CATEGORIES = [
    "Audio-visual",
    "Computers and laptops",
    "Printing",
    "Network and Wi-Fi",
    "Software",
    "Accounts and passwords",
    "E-mail",
    "Telephones",
    "Other",
]
# The 15 things in every room, by slot; incidents pick a slot with these weights
# (projectors and printers break more often than PCs).
SLOT_KINDS = [
    "pc",
    "pc",
    "pc",
    "pc",
    "laptop",
    "laptop",
    "projector",
    "whiteboard",
    "printer",
    "display",
    "tablet",
    "network",
    "visualiser",
    "audio",
    "laptop_trolley",
]
SLOT_WEIGHTS = [0, 1, 2, 3, 4, 5, 6, 6, 7, 7, 8, 8, 8, 9, 10, 11, 11, 12, 13, 14]
KIND_LABEL = {
    "pc": "PC",
    "laptop": "Laptop",
    "projector": "Projector",
    "whiteboard": "Interactive whiteboard",
    "printer": "Printer",
    "display": "Display",
    "tablet": "Tablet",
    "network": "Wi-Fi access point",
    "visualiser": "Visualiser",
    "audio": "Speakers",
    "laptop_trolley": "Laptop trolley",
}
KIND_MAKE = {
    "pc": ("Dell", "OptiPlex 7010"),
    "laptop": ("Lenovo", "ThinkPad E14"),
    "projector": ("Epson", "EB-695Wi"),
    "whiteboard": ("Promethean", "ActivPanel 9"),
    "printer": ("Kyocera", "TASKalfa 3554ci"),
    "display": ("Samsung", "QM55C"),
    "tablet": ("Apple", "iPad 10th gen"),
    "network": ("Ubiquiti", "U6 Pro"),
    "visualiser": ("IPEVO", "V4K"),
    "audio": ("Yamaha", "VXS5"),
    "laptop_trolley": ("LapSafe", "Diamond 32"),
}
KIND_CATEGORY = {
    "pc": 2,
    "laptop": 2,
    "tablet": 2,
    "laptop_trolley": 2,
    "projector": 1,
    "whiteboard": 1,
    "display": 1,
    "visualiser": 1,
    "audio": 1,
    "printer": 3,
    "network": 4,
}
SUPPORT_GROUPS = [
    ("Senior technician", "second", "specialised_technician"),
    ("Network and configuration", "second", "configuration"),
    ("Managed service provider", "third", "third_party"),
    ("Vendor community forum", "first", "online"),
    ("Partner school technicians", "second", "other_school"),
    ("MIS and software support", "third", "software"),
    ("PC and printer maintenance", "third", "hardware"),
    ("AV supplier", "third", "supplier"),
]
KIND_SUPPLIER = {"projector": 8, "whiteboard": 8, "display": 8, "visualiser": 8, "audio": 8}

# (kind, summary, expected, happened, resolution, diagnostic action, cause); three per kind.
# Incidents without equipment use the "software" phrases (category by variant).
# fmt: off
PHRASES = [
    ("pc", "PC will not start", "The PC starts when I press the power button.",
     "Nothing happens, the power light stays off.", "Replaced the power supply.",
     "Tested the power supply with a tester.", "Failed power supply."),
    ("pc", "PC very slow at log-on", "To log on in a minute or two.",
     "Log-on takes more than ten minutes and the class waits.",
     "Cleared the roaming profile and updated the disk driver.",
     "Checked the event log and profile size.", "Corrupt roaming profile."),
    ("pc", "PC keeps restarting", "The PC to stay on during the lesson.",
     "It restarts every twenty minutes without warning.", "Reseated the memory and updated the BIOS.",
     "Ran a memory test overnight.", "Loose memory module."),
    ("laptop", "Laptop will not charge", "The battery charges when plugged in.",
     "The charging light flashes orange and the battery stays at 0%.",
     "Replaced the charger.", "Swapped the charger with a known good one.", "Faulty charger."),
    ("laptop", "Laptop screen flickers", "A steady picture.",
     "The screen flickers and goes black when the lid moves.", "Replaced the display cable.",
     "Opened the lid hinge and checked the cable.", "Worn display cable."),
    ("laptop", "Laptop cannot join the Wi-Fi", "It connects to the school network.",
     "It says 'Can't connect to this network'.", "Re-enrolled the laptop's certificate.",
     "Checked the certificate and the RADIUS log.", "Expired device certificate."),
    ("projector", "Projector shows no signal", "The projector shows my laptop screen.",
     "It says 'No signal' on every input.", "Replaced the HDMI cable in the wall box.",
     "Tested each input with a known good laptop.", "Broken HDMI cable in the wall."),
    ("projector", "Projector image is dim and yellow", "A bright, clear picture.",
     "The picture is very dim and yellow, the class cannot read it.",
     "Replaced the projector lamp.", "Checked the lamp hours in the menu.",
     "Lamp at end of life."),
    ("projector", "Projector turns itself off", "The projector stays on for the lesson.",
     "It switches off after ten minutes and the lamp light flashes.",
     "Cleaned the air filter and the fan.", "Read the error code from the status lights.",
     "Overheating from a blocked filter."),
    ("whiteboard", "Whiteboard pen not working", "The pen writes on the board.",
     "The pen does nothing; touch with a finger works.", "Re-paired the pen and replaced its tip.",
     "Checked the pen pairing in the board settings.", "Pen unpaired after an update."),
    ("whiteboard", "Whiteboard touch is offset", "The line appears under the pen.",
     "Lines appear a few centimetres to the left of the pen.", "Recalibrated the touch screen.",
     "Ran the calibration tool.", "Calibration lost."),
    ("whiteboard", "Interactive board blank after update", "The board shows the teacher's PC.",
     "The board stays black after last night's update.", "Rolled back the display driver.",
     "Checked the update history.", "Faulty driver update."),
    ("printer", "Printer paper jam", "My document prints.",
     "It says paper jam in tray 2 but there is no paper stuck.",
     "Removed a torn scrap from the fuser and cleaned the rollers.",
     "Opened every door and checked the paper path.", "Torn paper in the fuser."),
    ("printer", "Printer prints blank pages", "The worksheets print.",
     "Pages come out blank or very faint.", "Replaced the toner and the drum.",
     "Printed a test page and checked the toner level.", "Empty toner, worn drum."),
    ("printer", "Cannot print from my laptop", "The job appears at the printer.",
     "The job stays in the queue with an error.", "Reinstalled the print driver.",
     "Checked the print server queue.", "Stale print driver."),
    ("display", "Display has no picture", "The TV shows the menu.", "The screen stays black.",
     "Replaced the power board.", "Checked the power light and the inputs.",
     "Failed power board."),
    ("display", "Display shows the wrong input", "It switches to the PC when it starts.",
     "It starts on the TV tuner every time.", "Set the default input in the service menu.",
     "Checked the settings.", "Settings reset after a power cut."),
    ("display", "Display has lines across the screen", "A clean picture.",
     "Coloured lines run across the middle of the screen.", "Replaced the panel under warranty.",
     "Tried another source and cable.", "Panel fault."),
    ("tablet", "Tablet cannot open the learning app", "The app opens.",
     "The app crashes on start.", "Reinstalled the app from the device manager.",
     "Checked the app version in the device manager.", "Corrupt app update."),
    ("tablet", "Tablet screen cracked", "A working touch screen.",
     "The screen is cracked and touch does not work on the left.",
     "Replaced the screen.", "Checked the damage and the warranty.", "Dropped by a pupil."),
    ("tablet", "Tablet will not charge in the cabinet", "Tablets charge overnight.",
     "Three tablets were flat in the morning.", "Replaced the cabinet's charging hub.",
     "Tested each port in the cabinet.", "Failed USB hub."),
    ("network", "No Wi-Fi in the room", "Wi-Fi works everywhere in the school.",
     "No device in the room can connect.", "Replaced the access point.",
     "Checked the access point in the controller.", "Access point failed."),
    ("network", "Wi-Fi very slow", "Videos play without stopping.",
     "Pages take a minute to load and videos stop.", "Moved the access point to a free channel.",
     "Ran a channel survey.", "Channel interference."),
    ("network", "Network socket not working", "The PC connects through the wall socket.",
     "The network light is off on this socket.", "Re-terminated the socket.",
     "Tested the socket with a cable tester.", "Loose wiring in the socket."),
    ("visualiser", "Visualiser not detected", "The camera shows on the board.",
     "The software says no camera found.", "Replaced the USB cable.",
     "Tried another USB port and cable.", "Broken USB cable."),
    ("visualiser", "Visualiser picture blurry", "A sharp picture of the book.",
     "The picture is blurred and autofocus does not work.", "Cleaned the lens and reset focus.",
     "Checked the focus settings.", "Dirty lens."),
    ("visualiser", "Visualiser light not working", "The light comes on.",
     "The LED light stays off.", "Replaced the LED arm.", "Tested the light switch.",
     "Failed LED."),
    ("audio", "No sound from the speakers", "Sound from the board plays in the room.",
     "Videos play with no sound.", "Replaced the amplifier fuse.",
     "Checked the amplifier and the audio output.", "Blown fuse."),
    ("audio", "Speakers crackle", "Clear sound.", "Loud crackling when the volume goes up.",
     "Replaced the speaker cable.", "Swapped the cables.", "Damaged cable."),
    ("audio", "Microphone not picked up", "The class hears the microphone.",
     "The radio microphone makes no sound.", "Re-paired the microphone with the receiver.",
     "Checked the receiver channel.", "Receiver on the wrong channel."),
    ("laptop_trolley", "Laptop trolley not charging", "Laptops charge in the trolley.",
     "Laptops in the bottom shelf stay flat.", "Reset the trolley's timer and replaced a fuse.",
     "Measured the power on each shelf.", "Blown shelf fuse."),
    ("laptop_trolley", "Laptop trolley lock broken", "The trolley locks.",
     "The key turns but the door does not lock.", "Replaced the lock.",
     "Checked the lock mechanism.", "Worn lock."),
    ("laptop_trolley", "Laptop trolley missing laptops", "32 laptops in the trolley.",
     "Only 29 laptops are in the trolley.", "Found the laptops in the next room.",
     "Checked the asset register.", "Laptops left in another room."),
    ("software", "Cannot log on to my account", "I log on with my password.",
     "It says the password is wrong, and now the account is locked.",
     "Unlocked the account and reset the password.", "Checked the account in the directory.",
     "Account locked after failed attempts."),
    ("software", "MIS crashes when taking the register", "The register saves.",
     "The MIS closes when I press save and the register is lost.",
     "Updated the MIS client.", "Checked the MIS version and logs.", "Old MIS client."),
    ("software", "E-mail not arriving", "Parents' e-mails reach my inbox.",
     "No e-mail has arrived since yesterday.", "Removed a wrong mail rule.",
     "Checked the message trace.", "Mail rule moved messages."),
]
# fmt: on
SOFTWARE_CATEGORY = [6, 5, 7]  # by variant

CHECKED = [
    "Turned it off and on again.",
    "Checked the cables.",
    "Tried another room.",
    "Asked a colleague.",
    "",
]
LAST_WORKED = ["This morning", "Yesterday", "Last week", "Before half term", ""]

# Statuses of the open incidents (the newest ones), with their share.
OPEN_MIX = [
    ("submitted", 0.10),
    ("awaiting_user", 0.06),
    ("logged", 0.25),
    ("assigned", 0.17),
    ("in_progress", 0.17),
    ("on_hold", 0.10),
    ("resolved", 0.15),
]
LARGE_TABLES = [
    "incidents_incident",
    "incidents_incidentsheet",
    "incidents_calllogentry",
    "incidents_diagnosticentry",
    "incidents_notification",
    "incidents_consultation",
]


def log(message: str) -> None:
    print(f"  seed: {message}", flush=True)


def sql_array(values) -> str:
    """A literal SQL text array (our own constants only)."""
    return "ARRAY[" + ",".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def status_case(column: str) -> str:
    parts, total = [], 0.0
    for status, share in OPEN_MIX[:-1]:
        total += share
        parts.append(f"WHEN {column} < {total:.4f} THEN '{status}'")
    return "CASE " + " ".join(parts) + f" ELSE '{OPEN_MIX[-1][0]}' END"


def extra_columns(model, covered: set[str]) -> tuple[str, str, dict]:
    """Columns this script does not know (added to the model later): their default."""
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


def reset(cursor) -> None:
    tables = [m._meta.db_table for m in apps.get_app_config("incidents").get_models()]
    tables += [
        "accounts_user",
        "accounts_user_groups",
        "accounts_membership",
        "accounts_school",
        "accounts_organisation",
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


def seed_catalog(cursor, now: datetime) -> None:
    # One organisation and its one school hold everything (ids 1).
    cursor.execute("INSERT INTO accounts_organisation (id, name) VALUES (1, 'Bench trust')")
    cursor.execute(
        "INSERT INTO accounts_school (id, organisation_id, name, code, email_domains)"
        " VALUES (1, 1, 'Bench school', 'bench', '')"
    )
    cursor.executemany(
        "INSERT INTO incidents_site (id, school_id, name, code, address, is_active)"
        " VALUES (%s, 1, %s, %s, '', true)",
        [(i + 1, name, code) for i, (name, code) in enumerate(SITES)],
    )
    rooms = []
    for room_id in range(1, ROOMS + 1):
        site = (room_id - 1) // ROOMS_PER_SITE + 1
        n = (room_id - 1) % ROOMS_PER_SITE + 1
        name = ROOM_NAMES[(n - 1) % len(ROOM_NAMES)].format(n=n)
        if "{n}" not in ROOM_NAMES[(n - 1) % len(ROOM_NAMES)]:
            name = f"{name} {n}"
        rooms.append((room_id, site, name))
    cursor.executemany(
        "INSERT INTO incidents_room (id, site_id, name, is_active) VALUES (%s, %s, %s, true)", rooms
    )
    cursor.executemany(
        "INSERT INTO incidents_category (id, name, description, is_active) VALUES (%s, %s, '', true)",
        [(i + 1, name) for i, name in enumerate(CATEGORIES)],
    )
    cursor.executemany(
        "INSERT INTO incidents_prioritytarget (priority, response_minutes, resolution_minutes,"
        " hours) VALUES (%s, %s, %s, %s)",
        [(int(p), r, s, DEFAULT_TARGET_HOURS[p]) for p, (r, s) in DEFAULT_TARGETS.items()],
    )
    cursor.executemany(
        "INSERT INTO incidents_supportgroup (id, organisation_id, name, line, kind, description,"
        " website, is_active) VALUES (%s, 1, %s, %s, %s, '', '', true)",
        [(i + 1, name, line, kind) for i, (name, line, kind) in enumerate(SUPPORT_GROUPS)],
    )
    cursor.execute(
        """
        INSERT INTO incidents_supportcontact
            (group_id, name, role, phone, email, hours, account_reference, notes)
        SELECT g, 'Contact ' || g || '-' || c, 'Support', '0100 000 ' || lpad((g * 10 + c)::text, 3, '0'),
               'support' || g || '@supplier.example', 'Mon–Fri 8:00–17:00', 'ACC-' || (1000 + g), ''
        FROM generate_series(1, %s) g, generate_series(1, 2) c
        """,
        [len(SUPPORT_GROUPS)],
    )
    kinds = sql_array(SLOT_KINDS)
    labels = sql_array(KIND_LABEL[k] for k in SLOT_KINDS)
    makes = sql_array(KIND_MAKE[k][0] for k in SLOT_KINDS)
    model_names = sql_array(KIND_MAKE[k][1] for k in SLOT_KINDS)
    suppliers = "ARRAY[" + ",".join(str(KIND_SUPPLIER.get(k, 7)) for k in SLOT_KINDS) + "]"
    cursor.execute(
        f"""
        INSERT INTO incidents_equipment (id, asset_tag, name, kind, make, model, serial_number,
            site_id, room_id, supplier_id, purchased_on, warranty_until, notes, is_active)
        SELECT e, 'AT-' || lpad(e::text, 5, '0'), ({labels})[s + 1] || ' ' || r.name,
               ({kinds})[s + 1], ({makes})[s + 1], ({model_names})[s + 1],
               upper(substr(md5(e::text), 1, 10)), r.site_id, r.id, ({suppliers})[s + 1],
               d, d + 3 * 365, '', true
        FROM (SELECT e, (e - 1) / %s AS s, (e - 1) %% %s + 1 AS room,
                     date '2019-01-01' + (e * 37) %% 1800 AS d
              FROM generate_series(1, %s) e) x
        JOIN incidents_room r ON r.id = x.room
        """,  # noqa: S608 - constants of this script only
        [ROOMS, ROOMS, EQUIPMENT],
    )
    cursor.execute(
        "CREATE TEMP TABLE bench_phrase (kind text, k int, category int, summary text, expected text,"
        " happened text, resolution text, action text, cause text) ON COMMIT DROP"
    )
    rows, seen = [], {}
    for kind, *texts in PHRASES:
        k = seen.get(kind, 0)
        seen[kind] = k + 1
        category = SOFTWARE_CATEGORY[k] if kind == "software" else KIND_CATEGORY[kind]
        rows.append((kind, k, category, *texts))
    cursor.executemany("INSERT INTO bench_phrase VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)


def seed_people(cursor, now: datetime) -> None:
    password = make_password(BENCH_PASSWORD)
    names = (
        "CASE i " + " ".join(f"WHEN {i} THEN '{n}'" for i, n in NAMED.items()) + " ELSE NULL END"
    )
    cursor.execute(
        f"""
        INSERT INTO accounts_user (id, password, last_login, is_superuser, username, first_name,
            last_name, email, is_staff, is_active, date_joined, job_title, phone, notify_by_email)
        SELECT i, CASE WHEN {names} IS NOT NULL THEN %s ELSE '!' || md5(i::text) END, NULL, false,
               u, f, l, u || '@school.example', i = {ADMIN_ID}, true, %s - interval '4 years',
               CASE WHEN i <= {DESK.stop - 1} THEN 'Service desk'
                    WHEN i <= {TECHNICIANS.stop - 1} THEN 'ICT technician'
                    WHEN i = {ADMIN_ID} THEN 'ICT manager'
                    ELSE ({sql_array(JOB_TITLES)})[1 + i %% {len(JOB_TITLES)}] END,
               '0100 555 ' || lpad(i::text, 4, '0'), i %% 10 <> 0
        FROM (SELECT i,
                     coalesce({names}, CASE WHEN i <= {DESK.stop - 1} THEN 'desk' || i
                                            WHEN i <= {TECHNICIANS.stop - 1} THEN 'tech' || i
                                            ELSE 'user' || lpad(i::text, 4, '0') END) AS u,
                     ({sql_array(FIRST_NAMES)})[1 + i %% {len(FIRST_NAMES)}] AS f,
                     ({sql_array(LAST_NAMES)})[1 + (i * 7 + i / 40) %% {len(LAST_NAMES)}] AS l
              FROM generate_series(1, {PEOPLE}) i) x
        """,  # noqa: S608 - constants of this script only
        [password, now],
    )
    ensure_role_groups()
    # Roles are memberships: the desk, technicians and the admin across the
    # organisation, everyone else a user at the school.
    cursor.execute(
        """
        INSERT INTO accounts_membership (person_id, organisation_id, school_id, role)
        SELECT i, 1, CASE WHEN i < %s OR i = %s THEN NULL ELSE 1 END,
               CASE WHEN i < %s THEN %s WHEN i < %s THEN %s WHEN i = %s THEN %s ELSE %s END
        FROM generate_series(1, %s) i
        """,
        [
            TECHNICIANS.stop,
            ADMIN_ID,
            DESK.stop,
            Role.DESK.value,
            TECHNICIANS.stop,
            Role.TECHNICIAN.value,
            ADMIN_ID,
            Role.ADMIN.value,
            Role.USER.value,
            PEOPLE,
        ],
    )
    cursor.execute("SELECT id FROM auth_group WHERE name = %s", [Role.ADMIN.value])
    cursor.execute(
        "INSERT INTO accounts_user_groups (user_id, group_id) VALUES (%s, %s)",
        [ADMIN_ID, cursor.fetchone()[0]],
    )


def seed_problems(cursor, now: datetime) -> None:
    cursor.execute(
        f"""
        INSERT INTO incidents_problem (id, title, description, status, proactive, root_cause,
            workaround, no_workaround_reason, is_known_error, resolution, created_at, updated_at,
            resolved_at, version, category_id, equipment_id, opened_by_id, organisation_id)
        SELECT p, 'Recurring: ' || ph.summary, ph.happened, st, p %% 7 = 0,
               CASE WHEN st IN ('known_error', 'resolved', 'closed') THEN ph.cause ELSE '' END,
               CASE WHEN st <> 'open' THEN 'Restart and use the spare until fixed.' ELSE '' END,
               '', st IN ('known_error', 'resolved', 'closed'),
               CASE WHEN st IN ('resolved', 'closed') THEN ph.resolution ELSE '' END,
               t, t, CASE WHEN st IN ('resolved', 'closed') THEN t + interval '20 days' END, 2,
               ph.category, 1 + (p * 53) %% {EQUIPMENT}, 11 + p %% 20, 1
        FROM (SELECT p, %s - (p * interval '17 days') AS t,
                     (ARRAY['open','investigating','known_error','known_error','resolved',
                            'resolved','closed'])[1 + p %% 7] AS st,
                     p %% {len(PHRASES)} AS ph_n
              FROM generate_series(1, {PROBLEMS}) p) x
        JOIN (SELECT row_number() OVER (ORDER BY kind, k) - 1 AS n, * FROM bench_phrase) ph
          ON ph.n = x.ph_n
        """,  # noqa: S608 - constants of this script only
        [now],
    )
    cursor.execute(
        f"""
        INSERT INTO incidents_knowledgearticle (id, title, kind, symptoms, body, keywords,
            equipment_kind, is_published, created_at, updated_at, category_id, created_by_id,
            problem_id, organisation_id)
        SELECT a, ph.summary, CASE WHEN a <= 15 THEN 'known_error' ELSE 'resolution' END,
               ph.happened, ph.resolution || E'\\n\\n' || ph.action, ph.kind || ' ' || ph.cause,
               ph.kind, a %% 10 <> 0, %s - a * interval '30 days', %s - a * interval '30 days',
               ph.category, {ADMIN_ID},
               CASE WHEN a <= 15 THEN (SELECT min(id) + a - 1 FROM incidents_problem) END, 1
        FROM generate_series(1, {ARTICLES}) a
        JOIN (SELECT row_number() OVER (ORDER BY k, kind) AS n, * FROM bench_phrase) ph ON ph.n = a
        """,  # noqa: S608 - constants of this script only
        [now, now],
    )


def seed_incidents(cursor, n: int, now: datetime) -> int:
    """The incidents and their sheets, through a staging table the other rows read."""
    open_n = min(3000, max(n // 10, 1))
    start = now - timedelta(days=3 * 365)
    step = (now - start).total_seconds() / n
    slots = "ARRAY[" + ",".join(str(s) for s in SLOT_WEIGHTS) + "]"
    kinds = sql_array(SLOT_KINDS)
    response = (
        "ARRAY[" + ",".join(str(DEFAULT_TARGETS[p][0]) for p in sorted(DEFAULT_TARGETS)) + "]"
    )
    resolution = (
        "ARRAY[" + ",".join(str(DEFAULT_TARGETS[p][1]) for p in sorted(DEFAULT_TARGETS)) + "]"
    )
    reporters = REPORTERS[1] - REPORTERS[0] + 1
    cursor.execute(
        f"""
        CREATE TEMP TABLE bench_stage ON COMMIT DROP AS
        SELECT x.*,
               CASE WHEN has_tech AND status = 'assigned' AND r_tech < 0.5 THEN NULL
                    WHEN has_tech THEN 11 + floor(r_tech * 20)::int END AS assignee,
               CASE WHEN has_tech THEN least(%(now)s, logged_at + (10 + r_misc * 600) * interval '1 minute')
                    END AS assigned_at,
               CASE WHEN status IN ('resolved', 'closed')
                    THEN least(%(now)s, logged_at + (CASE WHEN has_tech THEN 10 + r_misc * 600 ELSE 0 END
                                        + ({resolution})[priority] * (0.05 + 1.2 * r_res * r_res))
                                        * interval '1 minute') END
                    AS resolved_at
        FROM (
          SELECT b.*,
                 CASE WHEN r_imp < 0.6 THEN 3 WHEN r_imp < 0.9 THEN 2 ELSE 1 END
                 + CASE WHEN r_urg < 0.5 THEN 2 WHEN r_urg < 0.8 THEN 3 ELSE 1 END - 1 AS priority,
                 CASE WHEN r_imp < 0.6 THEN 3 WHEN r_imp < 0.9 THEN 2 ELSE 1 END AS impact,
                 CASE WHEN r_urg < 0.5 THEN 2 WHEN r_urg < 0.8 THEN 3 ELSE 1 END AS urgency,
                 CASE WHEN status IN ('assigned', 'in_progress', 'on_hold') THEN true
                      WHEN status IN ('resolved', 'closed') THEN r_tech < 0.45 ELSE false END AS has_tech,
                 CASE WHEN status <> 'submitted'
                      THEN least(%(now)s, created_at + (5 + r_resp * 115) * interval '1 minute') END
                      AS responded_at,
                 CASE WHEN status NOT IN ('submitted', 'awaiting_user')
                      THEN least(%(now)s, created_at + (5 + r_resp * 130) * interval '1 minute') END
                      AS logged_at,
                 CASE WHEN status <> 'submitted' THEN 1 + floor(r_desk * 10)::int END AS owner,
                 CASE WHEN r_eq < 0.75 THEN room + {ROOMS} * ({slots})[1 + floor(r_slot * {len(SLOT_WEIGHTS)})::int] END
                      AS equipment,
                 CASE WHEN r_eq < 0.75 THEN ({kinds})[1 + ({slots})[1 + floor(r_slot * {len(SLOT_WEIGHTS)})::int]]
                      ELSE 'software' END AS kind,
                 floor(r_text * 3)::int AS k,
                 CASE WHEN r_chan < 0.75 THEN 'web' WHEN r_chan < 0.90 THEN 'phone'
                      WHEN r_chan < 0.95 THEN 'email' ELSE 'in_person' END AS channel
          FROM (
          SELECT a.*,
                 CASE WHEN %(n)s - id < %(open_n)s THEN {status_case("r_status")} ELSE 'closed' END
                     AS status
          FROM (
            SELECT i AS id,
                   %(start)s::timestamptz + ((i - 1) + random()) * %(step)s * interval '1 second'
                       AS created_at,
                   random() AS r_status,
                   1 + floor(random() * {ROOMS})::int AS room,
                   {REPORTERS[0]} + floor(random() * {reporters})::int AS reporter,
                   random() AS r_imp, random() AS r_urg, random() AS r_eq, random() AS r_slot,
                   random() AS r_text, random() AS r_chan, random() AS r_desk, random() AS r_tech,
                   random() AS r_resp, random() AS r_res, random() AS r_close, random() AS r_misc,
                   random() AS r_prob, random() AS r_code
            FROM generate_series(1, %(n)s) i OFFSET 0
          ) a OFFSET 0
          ) b OFFSET 0
        ) x
        """,  # noqa: S608 - constants of this script only
        {"now": now, "start": start, "step": step, "n": n, "open_n": open_n},
    )
    log(f"staged {n:,} incidents ({open_n:,} open)")
    covered = {
        "id", "summary", "channel", "equipment_description", "impact", "urgency", "priority",
        "status", "hold_reason", "visit_date", "technician_note", "created_at", "updated_at",
        "responded_at", "logged_at", "assigned_at", "resolved_at", "closed_at", "user_notified_at",
        "response_due_at", "resolution_due_at", "paused_since", "paused_seconds",
        "known_fix_applied", "cause", "parts_used", "workaround", "resolution", "resolution_kind",
        "closure_code", "reopen_count", "working_again_at", "working_again_note", "owner_unread",
        "submission_token", "version", "assignee_id", "category_id", "closed_by_id",
        "duplicate_of_id", "entered_by_id", "equipment_id", "owner_id", "received_by_id",
        "reporter_id", "resolved_by_id", "problem_id", "room_id", "site_id", "school_id",
    }  # fmt: skip
    extra_names, extra_values_sql, extra_values = extra_columns(Incident, covered)
    codes = (
        "CASE WHEN r_code < 0.70 THEN 'fixed' WHEN r_code < 0.78 THEN 'workaround'"
        " WHEN r_code < 0.86 THEN 'resolved_itself' WHEN r_code < 0.90 THEN 'duplicate'"
        " WHEN r_code < 0.96 THEN 'no_fault_found' ELSE 'not_an_incident' END"
    )
    version = (
        "CASE s.status WHEN 'submitted' THEN 1 WHEN 'awaiting_user' THEN 2 WHEN 'logged' THEN 3"
        " WHEN 'assigned' THEN 4 WHEN 'in_progress' THEN 5 WHEN 'on_hold' THEN 6"
        " WHEN 'resolved' THEN 6 ELSE 7 END"
    )
    cursor.execute(
        f"""
        INSERT INTO incidents_incident (id, summary, channel, equipment_description, impact,
            urgency, priority, status, hold_reason, visit_date, technician_note, created_at,
            updated_at, responded_at, logged_at, assigned_at, resolved_at, closed_at,
            user_notified_at, response_due_at, resolution_due_at, paused_since, paused_seconds,
            known_fix_applied, cause, parts_used, workaround, resolution, resolution_kind,
            closure_code, reopen_count, working_again_at, working_again_note, owner_unread,
            submission_token, version, assignee_id, category_id, closed_by_id, duplicate_of_id,
            entered_by_id, equipment_id, owner_id, received_by_id, reporter_id, resolved_by_id,
            problem_id, room_id, site_id, school_id{extra_names})
        SELECT s.id, p.summary || ' – ' || r.name, s.channel,
               CASE WHEN s.equipment IS NULL AND s.r_misc < 0.2 THEN 'Own laptop' ELSE '' END,
               s.impact, s.urgency, s.priority, s.status,
               CASE WHEN s.status = 'on_hold'
                    THEN (ARRAY['supplier','parts','user','other'])[1 + floor(s.r_misc * 4)::int]
                    ELSE '' END,
               CASE WHEN s.status IN ('assigned', 'in_progress') AND s.r_close < 0.6
                         THEN (%(now)s::date + floor(s.r_close * 15)::int)
                    WHEN s.has_tech AND s.status = 'closed' AND s.r_close < 0.3
                         THEN s.assigned_at::date + 1 END,
               CASE WHEN s.has_tech THEN 'Ask at the office for the key.' ELSE '' END,
               s.created_at,
               coalesce(c.closed_at, s.resolved_at, s.assigned_at, s.logged_at, s.responded_at,
                        s.created_at),
               s.responded_at, s.logged_at, s.assigned_at, s.resolved_at, c.closed_at,
               s.resolved_at,
               s.created_at + ({response})[s.priority] * interval '1 minute',
               s.created_at + ({resolution})[s.priority] * interval '1 minute',
               CASE WHEN s.status = 'awaiting_user' THEN s.responded_at
                    WHEN s.status = 'on_hold' AND s.r_misc < 0.75 THEN s.assigned_at END,
               0, s.status = 'closed' AND s.r_misc < 0.1,
               CASE WHEN s.has_tech AND s.status IN ('resolved', 'closed') THEN p.cause ELSE '' END,
               '', CASE WHEN c.code = 'workaround' THEN 'Use the spare in the office.' ELSE '' END,
               CASE WHEN s.status IN ('resolved', 'closed') THEN p.resolution ELSE '' END,
               CASE WHEN c.code = 'workaround' THEN 'workaround'
                    WHEN s.status IN ('resolved', 'closed') THEN 'fix' ELSE '' END,
               coalesce(c.code, ''), 0, NULL, '', false, NULL, {version},
               s.assignee, p.category, CASE WHEN s.status = 'closed' THEN s.owner END,
               CASE WHEN c.code = 'duplicate' AND s.id > 50 THEN s.id - 1 - floor(s.r_misc * 40)::int END,
               CASE WHEN s.channel = 'web' THEN s.reporter ELSE coalesce(s.owner, 1) END,
               s.equipment, s.owner, s.owner, s.reporter,
               CASE WHEN s.status IN ('resolved', 'closed')
                    THEN coalesce(s.assignee, s.owner) END,
               CASE WHEN s.r_prob < 0.02 THEN 1 + floor(s.r_prob / 0.02 * {PROBLEMS})::int END,
               s.room, r.site_id, 1{extra_values_sql}
        FROM bench_stage s
        JOIN bench_phrase p ON p.kind = s.kind AND p.k = s.k
        JOIN incidents_room r ON r.id = s.room
        CROSS JOIN LATERAL (
            SELECT CASE WHEN s.status = 'closed' THEN {codes} END AS code,
                   CASE WHEN s.status = 'closed'
                        THEN least(%(now)s, s.resolved_at + s.r_close * interval '3 days') END
                        AS closed_at
        ) c
        """,  # noqa: S608 - constants of this script only
        {"now": now, **extra_values},
    )
    log("incidents inserted")
    cursor.execute(
        f"""
        INSERT INTO incidents_incidentsheet (id, incident_id, tried_to_repeat, expected, happened,
            checked, last_worked, had_before, had_before_details, further_info,
            available_to_discuss, availability, answered_by)
        SELECT s.id, s.id,
               (ARRAY['recurred','did_not_recur','not_tried'])[1 + floor(s.r_text * 3)::int],
               p.expected, p.happened,
               ({sql_array(CHECKED)})[1 + floor(s.r_misc * {len(CHECKED)})::int],
               ({sql_array(LAST_WORKED)})[1 + floor(s.r_close * {len(LAST_WORKED)})::int],
               (ARRAY['yes','no','unknown'])[1 + floor(s.r_res * 3)::int],
               CASE WHEN s.r_res < 0.33 THEN 'Last term, the same thing' ELSE '' END,
               CASE WHEN s.r_code < 0.2 THEN 'It happens most mornings.' ELSE '' END,
               s.r_desk < 0.5,
               CASE WHEN s.r_desk < 0.5 THEN 'Free periods 3 and 5' ELSE '' END,
               CASE WHEN s.channel <> 'web' THEN 'Service desk' ELSE '' END
        FROM bench_stage s JOIN bench_phrase p ON p.kind = s.kind AND p.k = s.k
        """,  # noqa: S608 - constants of this script only
    )
    log("sheets inserted")
    return open_n


def seed_history(cursor) -> None:
    """Call log, diagnostics, consultations and notifications, from the incidents themselves."""
    cursor.execute(
        """
        INSERT INTO incidents_calllogentry (incident_id, at, actor_id, kind, from_status, to_status,
            text, is_public)
        SELECT id, created_at, entered_by_id, 'filed', '', 'submitted',
               CASE channel WHEN 'web' THEN 'Incident sheet filed.'
                    ELSE 'Logged by the service desk (' || channel || ').' END, true
        FROM incidents_incident
        UNION ALL
        SELECT id, responded_at, owner_id, 'message_to_user', 'submitted', 'awaiting_user',
               'Which room is it in, and does it happen with every laptop?', true
        FROM incidents_incident WHERE status = 'awaiting_user'
        UNION ALL
        SELECT id, logged_at, owner_id, 'status', 'submitted', 'logged',
               'Logged with priority ' || priority || '.', true
        FROM incidents_incident WHERE logged_at IS NOT NULL
        UNION ALL
        SELECT id, assigned_at, owner_id, 'assignment', 'logged', 'assigned',
               'Technician support requested.', true
        FROM incidents_incident WHERE assigned_at IS NOT NULL
        UNION ALL
        SELECT id, logged_at + interval '2 minutes', owner_id, 'note', '', '',
               'Checked the knowledge base: no known error matches.', false
        FROM incidents_incident WHERE logged_at IS NOT NULL AND id % 10 = 3
        UNION ALL
        SELECT id, resolved_at, resolved_by_id, 'resolution',
               CASE WHEN assigned_at IS NULL THEN 'logged' ELSE 'in_progress' END, 'resolved',
               resolution, true
        FROM incidents_incident WHERE resolved_at IS NOT NULL
        UNION ALL
        SELECT id, closed_at, closed_by_id, 'status', 'resolved', 'closed',
               'Closed: ' || replace(closure_code, '_', ' ') || '.', true
        FROM incidents_incident WHERE closed_at IS NOT NULL
        """
    )
    log(f"{cursor.rowcount:,} call-log entries")
    cursor.execute(
        """
        INSERT INTO incidents_diagnosticentry (incident_id, author_id, performed_at, action_taken,
            result, minutes_spent, created_at)
        SELECT i.id, coalesce(i.assignee_id, 11), t, p.action, p.cause, 10 + (i.id % 9) * 10, t
        FROM incidents_incident i
        JOIN bench_stage s ON s.id = i.id
        JOIN bench_phrase p ON p.kind = s.kind AND p.k = s.k
        CROSS JOIN generate_series(1, 2) g
        CROSS JOIN LATERAL (SELECT i.assigned_at + g * interval '50 minutes' AS t) tt
        WHERE i.assigned_at IS NOT NULL AND i.status NOT IN ('assigned')
          AND (g = 1 OR i.id % 5 < 2)
        """
    )
    log(f"{cursor.rowcount:,} diagnostic entries")
    cursor.execute(
        """
        INSERT INTO incidents_consultation (incident_id, group_id, contact_id, reason, contacted_at,
            case_reference, chase_on, answer, status, opened_by_id, answered_at, closed_at)
        SELECT i.id, g, (g - 1) * 2 + 1 + i.id % 2 + (SELECT min(id) - 1 FROM incidents_supportcontact),
               'Under warranty: asked the supplier for a replacement part.',
               i.assigned_at + interval '2 hours', 'CASE-' || i.id, (i.assigned_at + interval '3 days')::date,
               CASE WHEN i.status IN ('resolved', 'closed') THEN 'Part sent.' ELSE '' END,
               CASE WHEN i.status IN ('resolved', 'closed') THEN 'closed' ELSE 'open' END,
               coalesce(i.assignee_id, 11),
               CASE WHEN i.status IN ('resolved', 'closed') THEN i.resolved_at END,
               CASE WHEN i.status IN ('resolved', 'closed') THEN i.resolved_at END
        FROM incidents_incident i
        CROSS JOIN LATERAL (SELECT 1 + i.id % 8 AS g) gg
        WHERE i.assigned_at IS NOT NULL AND (i.id % 13 = 0 OR i.hold_reason = 'supplier')
        """
    )
    log(f"{cursor.rowcount:,} consultations")
    cursor.execute(
        """
        INSERT INTO incidents_notification (recipient_id, incident_id, event, subject, body,
            created_at, read_at, email_status, attempts, last_error, sent_at)
        SELECT reporter_id, id, 'resolved',
               'Your incident INC-' || lpad(id::text, 6, '0') || ' is resolved', resolution,
               resolved_at, CASE WHEN id % 30 <> 0 THEN resolved_at + interval '1 hour' END,
               'sent', 1, '', resolved_at + interval '1 minute'
        FROM incidents_incident WHERE resolved_at IS NOT NULL
        UNION ALL
        SELECT d, id, 'filed', 'New incident sheet INC-' || lpad(id::text, 6, '0') || ': ' || summary,
               summary, created_at, NULL, 'sent', 1, '', created_at + interval '1 minute'
        FROM incidents_incident CROSS JOIN generate_series(1, 10) d
        WHERE status = 'submitted'
        """
    )
    log(f"{cursor.rowcount:,} notifications")
    cursor.execute(
        """
        INSERT INTO incidents_incident_knowledge_articles (incident_id, knowledgearticle_id)
        SELECT i.id, a.id FROM incidents_incident i
        JOIN incidents_knowledgearticle a ON a.id = (SELECT min(id) FROM incidents_knowledgearticle)
                                               + i.id % 40
        WHERE i.known_fix_applied
        """
    )


def reset_sequences(cursor) -> None:
    models_ = list(apps.get_app_config("incidents").get_models())
    models_ += list(apps.get_app_config("accounts").get_models())
    for statement in connection.ops.sequence_reset_sql(no_style(), models_):
        cursor.execute(statement)


def sample(cursor, n: int, open_n: int) -> dict:
    """What the load generator needs: incidents to open, the month for the report."""
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
    return {
        "incidents": n,
        "counted_incident": counted,
        "open": open_n,
        "password": BENCH_PASSWORD,
        "users": {
            "desk": ["bench-desk", "bench-desk2"],
            "technician": ["bench-tech"],
            "admin": ["bench-admin"],
            "reporter": ["bench-user", "bench-user2"],
        },
        "incident_ids": recent + older,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("incidents", type=int, help="how many incidents, e.g. 10000 or 1000000")
    parser.add_argument("--info", help="write what the load generator needs to this JSON file")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/seed.py needs PostgreSQL (set DATABASE_URL)")

    started = time.monotonic()
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
        seed_catalog(cursor, now)
        seed_people(cursor, now)
        seed_problems(cursor, now)
        log(f"catalog, people and problems ({time.monotonic() - started:.0f} s)")
        open_n = seed_incidents(cursor, args.incidents, now)
        log(f"incidents and sheets ({time.monotonic() - started:.0f} s)")
        seed_history(cursor)
        log(f"history ({time.monotonic() - started:.0f} s)")
        for definition in indexes:
            cursor.execute(definition)
        log(f"{len(indexes)} indexes rebuilt ({time.monotonic() - started:.0f} s)")
        reset_sequences(cursor)
        info = sample(cursor, args.incidents, open_n)
    connection.close()
    # VACUUM cannot run in a transaction: a fresh autocommit connection.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    log(f"done: {args.incidents:,} incidents in {time.monotonic() - started:.0f} s")
    if args.info:
        Path(args.info).write_text(json.dumps(info, indent=2))


if __name__ == "__main__":
    main()
