"""What the desk works with: categories, priority targets, support groups and their
contacts, problems and knowledge articles. Groups, problems and articles are some
shared by the trust (no school) and some kept by one school, as the app allows."""

from datetime import datetime

from incidents.models import DEFAULT_TARGET_HOURS, DEFAULT_TARGETS

from .layout import (
    ADMIN_ID,
    CONTACTS_PER_GROUP,
    ORGANISATION_ID,
    ROOMS,
    ROOMS_PER_SCHOOL,
    SCHOOLS,
    SHARED_ARTICLES,
    SHARED_GROUP_COUNT,
    SHARED_KNOWN_ERRORS,
    SHARED_PROBLEMS,
    log,
    technician_of,
)
from .words import CATEGORIES, KIND_CATEGORY, PHRASES, SHARED_GROUPS, SOFTWARE_CATEGORY


def seed_catalogue(cursor, now: datetime) -> None:
    cursor.executemany(
        "INSERT INTO incidents_category (id, name, description, is_active) VALUES (%s, %s, '', true)",
        [(i + 1, name) for i, name in enumerate(CATEGORIES)],
    )
    cursor.executemany(
        "INSERT INTO incidents_prioritytarget (priority, response_minutes, resolution_minutes,"
        " hours) VALUES (%s, %s, %s, %s)",
        [(int(p), r, s, DEFAULT_TARGET_HOURS[p]) for p, (r, s) in DEFAULT_TARGETS.items()],
    )
    # The trust's shared groups, then each school's own ICT team (8 + s).
    cursor.executemany(
        "INSERT INTO incidents_supportgroup (id, organisation_id, school_id, name, line, kind,"
        " description, website, is_active) VALUES (%s, %s, NULL, %s, %s, %s, '', '', true)",
        [
            (i + 1, ORGANISATION_ID, n, line, kind)
            for i, (n, line, kind) in enumerate(SHARED_GROUPS)
        ],
    )
    cursor.execute(
        """
        INSERT INTO incidents_supportgroup (id, organisation_id, school_id, name, line, kind,
            description, website, is_active)
        SELECT %s + s.id, s.organisation_id, s.id, 'ICT team at ' || s.name, 'second',
               'specialised_technician', 'The school''s own technician and ICT lead.', '', true
        FROM accounts_school s
        """,
        [SHARED_GROUP_COUNT],
    )
    cursor.execute(
        """
        INSERT INTO incidents_supportcontact
            (id, group_id, name, role, phone, email, hours, account_reference, notes)
        SELECT (g - 1) * %s + c, g, 'Contact ' || g || '-' || c, 'Support',
               '0100 000 ' || lpad((g * 10 + c)::text, 4, '0'),
               'support' || g || '@supplier.example', 'Mon–Fri 8:00–17:00', 'ACC-' || (1000 + g), ''
        FROM generate_series(1, %s) g, generate_series(1, %s) c
        """,
        [CONTACTS_PER_GROUP, SHARED_GROUP_COUNT + SCHOOLS, CONTACTS_PER_GROUP],
    )
    # The phrases incidents, problems and articles are written with.
    cursor.execute(
        "CREATE TEMP TABLE bench_phrase (n int, kind text, k int, category int, summary text,"
        " expected text, happened text, resolution text, action text, cause text) ON COMMIT DROP"
    )
    rows, seen = [], {}
    for n, (kind, *texts) in enumerate(PHRASES):
        k = seen.get(kind, 0)
        seen[kind] = k + 1
        category = SOFTWARE_CATEGORY[k] if kind == "software" else KIND_CATEGORY[kind]
        rows.append((n, kind, k, category, *texts))
    cursor.executemany(
        "INSERT INTO bench_phrase VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows
    )
    seed_problems(cursor, now)
    log(
        f"{len(CATEGORIES)} categories, {SHARED_GROUP_COUNT} shared and {SCHOOLS} school groups,"
        f" {SHARED_PROBLEMS + SCHOOLS} problems, {SHARED_ARTICLES + SCHOOLS} articles"
    )


def seed_problems(cursor, now: datetime) -> None:
    """Problems 1..20 shared (no equipment), 20 + s at school s (on its projector in
    its first room); articles 1..40 shared, 40 + s at school s (the known error of its
    problem)."""
    phrases = len(PHRASES)
    cursor.execute(
        f"""
        INSERT INTO incidents_problem (id, title, description, status, proactive, root_cause,
            workaround, no_workaround_reason, is_known_error, resolution, created_at, updated_at,
            resolved_at, version, category_id, equipment_id, opened_by_id, organisation_id,
            school_id)
        SELECT p, 'Recurring: ' || ph.summary, ph.happened, st, p %% 7 = 0,
               CASE WHEN st IN ('known_error', 'resolved', 'closed') THEN ph.cause ELSE '' END,
               CASE WHEN st <> 'open' THEN 'Restart and use the spare until fixed.' ELSE '' END,
               '', st IN ('known_error', 'resolved', 'closed'),
               CASE WHEN st IN ('resolved', 'closed') THEN ph.resolution ELSE '' END,
               t, t, CASE WHEN st IN ('resolved', 'closed') THEN t + interval '20 days' END, 2,
               ph.category,
               CASE WHEN school IS NOT NULL THEN (school - 1) * {ROOMS_PER_SCHOOL} + 1 + 6 * {ROOMS} END,
               CASE WHEN school IS NULL THEN {ADMIN_ID} ELSE {technician_of("school", "false")} END,
               {ORGANISATION_ID}, school
        FROM (SELECT p, %s - (p * interval '9 days') AS t,
                     CASE WHEN p > {SHARED_PROBLEMS} THEN p - {SHARED_PROBLEMS} END AS school,
                     (ARRAY['open','investigating','known_error','known_error','resolved',
                            'resolved','closed'])[1 + p %% 7] AS st
              FROM generate_series(1, {SHARED_PROBLEMS + SCHOOLS}) p) x
        JOIN bench_phrase ph ON ph.n = CASE WHEN x.school IS NULL THEN p %% {phrases}
                                            ELSE 6 + p %% 3 END
        """,  # noqa: S608 - constants of this script only
        [now],
    )
    cursor.execute(
        f"""
        INSERT INTO incidents_knowledgearticle (id, title, kind, symptoms, body, keywords,
            equipment_kind, is_published, created_at, updated_at, category_id, created_by_id,
            problem_id, organisation_id, school_id)
        SELECT a, ph.summary || CASE WHEN school IS NULL THEN '' ELSE ' (' || sc.name || ')' END,
               CASE WHEN a <= {SHARED_KNOWN_ERRORS} OR school IS NOT NULL THEN 'known_error'
                    ELSE 'resolution' END,
               ph.happened, ph.resolution || E'\\n\\n' || ph.action, ph.kind || ' ' || ph.cause,
               ph.kind, a %% 10 <> 0, %s - a * interval '8 days', %s - a * interval '8 days',
               ph.category, {ADMIN_ID},
               CASE WHEN a <= {SHARED_KNOWN_ERRORS} THEN a
                    WHEN school IS NOT NULL THEN {SHARED_PROBLEMS} + school END,
               {ORGANISATION_ID}, school
        FROM (SELECT a, CASE WHEN a > {SHARED_ARTICLES} THEN a - {SHARED_ARTICLES} END AS school
              FROM generate_series(1, {SHARED_ARTICLES + SCHOOLS}) a) x
        LEFT JOIN accounts_school sc ON sc.id = x.school
        JOIN bench_phrase ph ON ph.n = CASE WHEN x.school IS NULL THEN (a * 7) %% {phrases}
                                            ELSE 6 + (school + {SHARED_PROBLEMS}) %% 3 END
        """,  # noqa: S608 - constants of this script only
        [now, now],
    )
