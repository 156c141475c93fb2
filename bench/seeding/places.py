"""The trust's schools and what each holds: sites, rooms, the sites' calendars
(opening hours, the school year's holidays) and the equipment register."""

from datetime import date, datetime, time, timedelta

from .layout import (
    EQUIPMENT,
    ORGANISATION_ID,
    ORGANISATION_NAME,
    ROOMS,
    ROOMS_PER_SITE,
    SCHOOLS,
    SITES_PER_SCHOOL,
    log,
    site_of_room,
    sql_array,
)
from .words import (
    KIND_LABEL,
    KIND_MAKE,
    KIND_SUPPLIER,
    PLACE_ENDS,
    PLACE_STARTS,
    ROOM_NAMES,
    SCHOOL_KINDS,
    SLOT_KINDS,
)


def school_kind(school: int) -> str:
    if school % 10 == 0:
        return "special"
    if school % 4 == 0:
        return "secondary"
    return "primary"


def school_name(school: int) -> str:
    start = PLACE_STARTS[(school - 1) % len(PLACE_STARTS)]
    end = PLACE_ENDS[(school - 1) // len(PLACE_STARTS) % len(PLACE_ENDS)]
    return f"{start}{end} {SCHOOL_KINDS[school_kind(school)][0]}"


def school_code(school: int) -> str:
    return f"s{school:03d}"


def seed_places(cursor, now: datetime) -> None:
    cursor.execute(
        "INSERT INTO accounts_organisation (id, name) VALUES (%s, %s)",
        [ORGANISATION_ID, ORGANISATION_NAME],
    )
    schools, sites = [], []
    for s in range(1, SCHOOLS + 1):
        name, code = school_name(s), school_code(s)
        domain = name.split()[0].lower() + ".sch.example"
        schools.append((s, ORGANISATION_ID, name, code, domain))
        second = SCHOOL_KINDS[school_kind(s)][1]
        for j, (site_name, suffix) in enumerate([("Main building", "main"), (second, "b")]):
            sites.append(((s - 1) * SITES_PER_SCHOOL + j + 1, s, site_name, f"{code}-{suffix}"))
    cursor.executemany(
        "INSERT INTO accounts_school (id, organisation_id, name, code, email_domains)"
        " VALUES (%s, %s, %s, %s, %s)",
        schools,
    )
    cursor.executemany(
        "INSERT INTO incidents_site (id, school_id, name, code, address, is_active)"
        " VALUES (%s, %s, %s, %s, '', true)",
        sites,
    )
    # Room n of its site (1..15): "Room 1", "Science lab 4", "Library 6"…
    cursor.execute(
        f"""
        INSERT INTO incidents_room (id, site_id, name, is_active)
        SELECT r, {site_of_room("r")},
               replace(({sql_array(ROOM_NAMES)})[1 + mod(n - 1, {len(ROOM_NAMES)})], ' {{n}}', '')
               || ' ' || n, true
        FROM generate_series(1, %s) r CROSS JOIN LATERAL (SELECT (r - 1) %% {ROOMS_PER_SITE} + 1 AS n) x
        """,  # noqa: S608 - constants of this script only
        [ROOMS],
    )
    seed_calendars(cursor, now)
    seed_equipment(cursor)
    log(
        f"{SCHOOLS} schools, {len(sites)} sites, {ROOMS:,} rooms, {EQUIPMENT:,} pieces of equipment"
    )


def school_year_closures(today: date) -> list[tuple[str, str, date, date]]:
    """The English school year's holidays around today (kind, name, first, last day)."""
    year = today.year if today.month >= 9 else today.year - 1

    def week(day: date, weeks: int = 1) -> tuple[date, date]:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=7 * weeks - 3)

    return [
        ("inset", "INSET day", date(year, 9, 1), date(year, 9, 1)),
        ("holiday", "October half-term", *week(date(year, 10, 27))),
        ("holiday", "Christmas holidays", date(year, 12, 22), date(year + 1, 1, 2)),
        ("holiday", "February half-term", *week(date(year + 1, 2, 16))),
        ("holiday", "Easter holidays", *week(date(year + 1, 4, 6), 2)),
        ("holiday", "May half-term", *week(date(year + 1, 5, 25))),
        ("holiday", "Summer holidays", date(year + 1, 7, 22), date(year + 1, 8, 31)),
    ]


def seed_calendars(cursor, now: datetime) -> None:
    """One calendar a site: open Monday to Friday 08:00–17:00, the year's holidays."""
    sites = SCHOOLS * SITES_PER_SCHOOL
    cursor.execute(
        "INSERT INTO incidents_schoolcalendar (id, site_id, bank_holidays)"
        " SELECT s, s, 'ENG' FROM generate_series(1, %s) s",
        [sites],
    )
    cursor.execute(
        "INSERT INTO incidents_openinghours (calendar_id, weekday, opens, closes)"
        " SELECT c, d, %s, %s FROM generate_series(1, %s) c, generate_series(0, 4) d",
        [time(8), time(17), sites],
    )
    closures = school_year_closures(now.date())
    cursor.executemany(
        "INSERT INTO incidents_closure (calendar_id, kind, name, first_day, last_day)"
        " SELECT c, %s, %s, %s, %s FROM generate_series(1, %s) c",
        [(*closure, sites) for closure in closures],
    )


def seed_equipment(cursor) -> None:
    """15 things in every room, in slots (slot k of room r is equipment r + k × ROOMS)."""
    kinds = sql_array(SLOT_KINDS)
    labels = sql_array(KIND_LABEL[k] for k in SLOT_KINDS)
    makes = sql_array(KIND_MAKE[k][0] for k in SLOT_KINDS)
    model_names = sql_array(KIND_MAKE[k][1] for k in SLOT_KINDS)
    suppliers = "ARRAY[" + ",".join(str(KIND_SUPPLIER.get(k, 7)) for k in SLOT_KINDS) + "]"
    cursor.execute(
        f"""
        INSERT INTO incidents_equipment (id, asset_tag, name, kind, make, model, serial_number,
            site_id, room_id, supplier_id, purchased_on, warranty_until, notes, is_active)
        SELECT e, 'AT-' || lpad(e::text, 6, '0'), ({labels})[s + 1] || ' ' || r.name,
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


def asset_tag(room: int, slot: int) -> str:
    """The asset tag of the equipment in a room's slot (as seed_equipment numbers it)."""
    return f"AT-{room + slot * ROOMS:06d}"
