"""The trust's people and their roles, as memberships (accounts.roles):

- the central service desk (ids 1..10): desk at every school of the trust;
- each school's ICT lead (10 + s): desk at that school only;
- 40 visiting technicians (111..150): technician at 5 schools each, two per school,
  with their weekly or fortnightly visits in the rota;
- the trust's ICT manager (151): support admin for every school (and the admin site);
- 60 teachers and office staff at each school (152 + (s - 1) × 60 + k).

Only the named bench logins (layout.NAMED) have a usable password.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password

from accounts.roles import Role, ensure_role_groups

from .layout import (
    ADMIN_ID,
    CENTRAL_DESK,
    NAMED,
    ORGANISATION_ID,
    PEOPLE,
    SCHOOL_DESK_BASE,
    SCHOOLS,
    SCHOOLS_PER_TECHNICIAN,
    TEACHER_BASE,
    TEACHERS_PER_SCHOOL,
    TECHNICIAN_BASE,
    TECHNICIANS,
    log,
    sql_array,
)
from .words import FIRST_NAMES, JOB_TITLES, LAST_NAMES


def seed_people(cursor, now: datetime, password: str) -> None:
    hashed = make_password(password)
    names = (
        "CASE i " + " ".join(f"WHEN {i} THEN '{n}'" for i, n in NAMED.items()) + " ELSE NULL END"
    )
    lead, tech = SCHOOL_DESK_BASE, TECHNICIAN_BASE
    # A teacher's school, for their username and e-mail domain.
    teacher_school = f"(i - {TEACHER_BASE}) / {TEACHERS_PER_SCHOOL} + 1"
    cursor.execute(
        f"""
        INSERT INTO accounts_user (id, password, last_login, is_superuser, username, first_name,
            last_name, email, is_staff, is_active, date_joined, job_title, phone, notify_by_email,
            email_choice, digest_sent_on)
        SELECT i, CASE WHEN {names} IS NOT NULL THEN %s ELSE '!' || md5(i::text) END, NULL, false,
               u, f, l, u || '@trust.example', i = {ADMIN_ID}, true, %s - interval '4 years',
               CASE WHEN i <= {CENTRAL_DESK.stop - 1} THEN 'Service desk'
                    WHEN i <= {lead + SCHOOLS} THEN 'ICT lead'
                    WHEN i < {ADMIN_ID} THEN 'ICT technician'
                    WHEN i = {ADMIN_ID} THEN 'Trust ICT manager'
                    ELSE ({sql_array(JOB_TITLES)})[1 + i %% {len(JOB_TITLES)}] END,
               '0100 555 ' || lpad(i::text, 4, '0'), i %% 10 <> 0,
               CASE WHEN i < {TEACHER_BASE} AND i %% 3 = 1 THEN 'mine' ELSE 'all' END, NULL
        FROM (SELECT i,
                     coalesce({names},
                              CASE WHEN i <= {CENTRAL_DESK.stop - 1} THEN 'desk' || i
                                   WHEN i <= {lead + SCHOOLS} THEN 'lead-s' || lpad((i - {lead})::text, 3, '0')
                                   WHEN i < {ADMIN_ID} THEN 'tech' || (i - {tech})
                                   ELSE 'user-s' || lpad(({teacher_school})::text, 3, '0')
                                        || '-' || ((i - {TEACHER_BASE}) %% {TEACHERS_PER_SCHOOL} + 1)
                              END) AS u,
                     ({sql_array(FIRST_NAMES)})[1 + i %% {len(FIRST_NAMES)}] AS f,
                     ({sql_array(LAST_NAMES)})[1 + (i * 7 + i / 40) %% {len(LAST_NAMES)}] AS l
              FROM generate_series(1, {PEOPLE}) i) x
        """,  # noqa: S608 - constants of this script only
        [hashed, now],
    )
    ensure_role_groups()
    cursor.execute(
        f"""
        INSERT INTO accounts_membership (person_id, organisation_id, school_id, role)
        SELECT i, {ORGANISATION_ID}, NULL, %(desk)s FROM generate_series(1, {CENTRAL_DESK.stop - 1}) i
        UNION ALL
        SELECT {lead} + s, {ORGANISATION_ID}, s, %(desk)s FROM generate_series(1, {SCHOOLS}) s
        UNION ALL
        SELECT {tech} + t, {ORGANISATION_ID}, ((t - 1) %% {TECHNICIANS // 2}) * {SCHOOLS_PER_TECHNICIAN} + k,
               %(technician)s
        FROM generate_series(1, {TECHNICIANS}) t, generate_series(1, {SCHOOLS_PER_TECHNICIAN}) k
        UNION ALL
        SELECT {ADMIN_ID}, {ORGANISATION_ID}, NULL, %(admin)s
        UNION ALL
        SELECT i, {ORGANISATION_ID}, {teacher_school}, %(user)s
        FROM generate_series({TEACHER_BASE}, {PEOPLE}) i
        """,  # noqa: S608 - constants of this script only
        {
            "desk": Role.DESK.value,
            "technician": Role.TECHNICIAN.value,
            "admin": Role.ADMIN.value,
            "user": Role.USER.value,
        },
    )
    cursor.execute("SELECT id FROM auth_group WHERE name = %s", [Role.ADMIN.value])
    cursor.execute(
        "INSERT INTO accounts_user_groups (user_id, group_id) VALUES (%s, %s)",
        [ADMIN_ID, cursor.fetchone()[0]],
    )
    seed_rota(cursor, now)
    log(
        f"{PEOPLE:,} people: {len(CENTRAL_DESK)} central desk, {SCHOOLS} school ICT leads,"
        f" {TECHNICIANS} technicians, 1 admin, {SCHOOLS * TEACHERS_PER_SCHOOL:,} staff"
    )


def seed_rota(cursor, now: datetime) -> None:
    """Each technician visits their k-th school on weekday k (Monday to Friday):
    technicians 1..20 every week, 21..40 every other week in the afternoon. Next week
    each weekly technician's Monday visit moves to the Tuesday."""
    today = now.date()
    starts = today - timedelta(days=today.weekday(), weeks=8)
    half = TECHNICIANS // 2
    cursor.execute(
        f"""
        INSERT INTO incidents_rotaentry (technician_id, school_id, weekday, every_weeks, starts_on,
            ends_on, arrives, leaves)
        SELECT {TECHNICIAN_BASE} + t, ((t - 1) %% {half}) * {SCHOOLS_PER_TECHNICIAN} + k, k - 1,
               CASE WHEN t <= {half} THEN 1 ELSE 2 END, %s, NULL,
               CASE WHEN t <= {half} THEN %s ELSE %s END, CASE WHEN t <= {half} THEN %s ELSE %s END
        FROM generate_series(1, {TECHNICIANS}) t, generate_series(1, {SCHOOLS_PER_TECHNICIAN}) k
        """,  # noqa: S608 - constants of this script only
        [starts, time(8, 30), time(12, 30), time(15, 30), time(16)],
    )
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
    cursor.execute(
        f"""
        INSERT INTO incidents_visitchange (technician_id, school_id, day, kind, reason, arrives,
            leaves, made_by_id, made_at)
        SELECT {TECHNICIAN_BASE} + t, (t - 1) * {SCHOOLS_PER_TECHNICIAN} + 1, %s + c,
               CASE WHEN c = 0 THEN 'cancelled' ELSE 'extra' END,
               CASE WHEN c = 0 THEN 'Technician on a training course'
                    ELSE 'Moved from Monday (training)' END,
               NULL, NULL, 1, %s
        FROM generate_series(1, {half}) t, generate_series(0, 1) c
        """,  # noqa: S608 - constants of this script only
        [monday, now],
    )
