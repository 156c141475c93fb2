"""The calls: N incidents over three years across the trust's schools, with their
incident sheets, staged first in a temporary table the later steps read.

Each incident draws a room (so its site and school), a reporter among that school's
staff, an owner from the central desk or the school's own desk, and, when a
technician worked on it, one of the two technicians who visit the school. The
newest OPEN_CALLS are open, from the last OPEN_DAYS days; the rest closed.
"""

from datetime import datetime, timedelta

from incidents.models import DEFAULT_TARGETS, Incident

from .layout import (
    HISTORY_DAYS,
    NAMED_REPORTER_EVERY,
    OPEN_CALLS,
    OPEN_DAYS,
    ROOMS,
    ROOMS_PER_SCHOOL,
    SCHOOL_DESK_BASE,
    SHARED_PROBLEMS,
    TEACHER_BASE,
    TEACHERS_PER_SCHOOL,
    extra_columns,
    log,
    school_of_room,
    sql_array,
    technician_of,
)
from .words import CHECKED, LAST_WORKED, RARE_ANSWER, RARE_EVERY, SLOT_KINDS, SLOT_WEIGHTS

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


def open_count(n: int) -> int:
    return min(OPEN_CALLS, max(n * 3 // 10, 1))


def status_case(column: str) -> str:
    parts, total = [], 0.0
    for status, share in OPEN_MIX[:-1]:
        total += share
        parts.append(f"WHEN {column} < {total:.4f} THEN '{status}'")
    return "CASE " + " ".join(parts) + f" ELSE '{OPEN_MIX[-1][0]}' END"


def minutes_array(index: int) -> str:
    return (
        "ARRAY[" + ",".join(str(DEFAULT_TARGETS[p][index]) for p in sorted(DEFAULT_TARGETS)) + "]"
    )


def next_visit(day: str, school: str) -> str:
    """SQL: the first day on or after `day` when the school's weekly technician
    visits (school s on weekday (s - 1) % 5, as the rota in people.py says)."""
    return f"({day} + mod(mod(({school}) - 1, 5) - extract(isodow FROM {day})::int + 8, 7))"


def stage(cursor, n: int, now: datetime) -> int:
    open_n = open_count(n)
    closed_n = max(n - open_n, 1)
    start = now - timedelta(days=HISTORY_DAYS)
    closed_step = (HISTORY_DAYS - OPEN_DAYS) * 86400 / closed_n
    open_step = OPEN_DAYS * 86400 / open_n
    slots = "ARRAY[" + ",".join(str(s) for s in SLOT_WEIGHTS) + "]"
    slot = f"({slots})[1 + floor(r_slot * {len(SLOT_WEIGHTS)})::int]"
    resolution = minutes_array(1)
    every = NAMED_REPORTER_EVERY
    cursor.execute(
        f"""
        CREATE TEMP TABLE bench_stage ON COMMIT DROP AS
        SELECT x.*,
               CASE WHEN has_tech AND status = 'assigned' AND r_tech < 0.5 THEN NULL
                    WHEN has_tech THEN {technician_of("school", "mod(id, 2) = 0")} END AS assignee,
               CASE WHEN has_tech
                    THEN least(%(now)s, logged_at + (10 + r_misc * 600) * interval '1 minute')
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
                 CASE WHEN status = 'submitted' THEN NULL
                      WHEN r_desk < 0.7 THEN 1 + floor(r_desk / 0.7 * 10)::int
                      ELSE {SCHOOL_DESK_BASE} + school END AS owner,
                 CASE WHEN id %% {every} = 1 THEN {TEACHER_BASE}
                      WHEN id %% {every} = {every // 2 + 1} THEN {TEACHER_BASE + 1}
                      ELSE {TEACHER_BASE} + (school - 1) * {TEACHERS_PER_SCHOOL}
                           + floor(r_rep * {TEACHERS_PER_SCHOOL})::int END AS reporter,
                 CASE WHEN r_eq < 0.75 THEN room + {ROOMS} * {slot} END AS equipment,
                 CASE WHEN r_eq < 0.75 THEN ({sql_array(SLOT_KINDS)})[1 + {slot}]
                      ELSE 'software' END AS kind,
                 floor(r_text * 3)::int AS k,
                 CASE WHEN r_chan < 0.75 THEN 'web' WHEN r_chan < 0.90 THEN 'phone'
                      WHEN r_chan < 0.95 THEN 'email' ELSE 'in_person' END AS channel
          FROM (
            SELECT a.*,
                   CASE WHEN %(n)s - id < %(open_n)s THEN {status_case("r_status")} ELSE 'closed' END
                       AS status,
                   {school_of_room("room")} AS school
            FROM (
              SELECT i AS id,
                     CASE WHEN %(n)s - i < %(open_n)s
                          THEN %(now)s::timestamptz
                               - ((%(n)s - i) + random()) * %(open_step)s * interval '1 second'
                          ELSE %(start)s::timestamptz
                               + ((i - 1) + random()) * %(closed_step)s * interval '1 second'
                     END AS created_at,
                     random() AS r_status,
                     -- the named teachers' calls are at their school (school 1)
                     CASE WHEN i %% {every} IN (1, {every // 2 + 1})
                          THEN 1 + floor(random() * {ROOMS_PER_SCHOOL})::int
                          ELSE 1 + floor(random() * {ROOMS})::int END AS room,
                     random() AS r_rep, random() AS r_imp, random() AS r_urg, random() AS r_eq,
                     random() AS r_slot, random() AS r_text, random() AS r_chan, random() AS r_desk,
                     random() AS r_tech, random() AS r_resp, random() AS r_res, random() AS r_close,
                     random() AS r_misc, random() AS r_prob, random() AS r_code
              FROM generate_series(1, %(n)s) i OFFSET 0
            ) a OFFSET 0
          ) b OFFSET 0
        ) x
        """,  # noqa: S608 - constants of this script only
        {
            "now": now,
            "start": start,
            "n": n,
            "open_n": open_n,
            "open_step": open_step,
            "closed_step": closed_step,
        },
    )
    log(f"staged {n:,} incidents ({open_n:,} open)")
    return open_n


COVERED = {
    "id", "summary", "kind", "request_type_id", "approver_id", "approval", "approval_decided_at",
    "approval_reason", "channel", "equipment_description", "impact", "urgency", "priority",
    "status", "hold_reason", "visit_date", "technician_note", "created_at", "updated_at",
    "responded_at", "logged_at", "assigned_at", "resolved_at", "closed_at", "user_notified_at",
    "response_due_at", "resolution_due_at", "paused_since", "paused_seconds",
    "known_fix_applied", "cause", "parts_used", "workaround", "resolution", "resolution_kind",
    "closure_code", "reopen_count", "working_again_at", "working_again_note", "owner_unread",
    "submission_token", "version", "assignee_id", "category_id", "closed_by_id",
    "duplicate_of_id", "entered_by_id", "equipment_id", "owner_id", "received_by_id",
    "reporter_id", "resolved_by_id", "problem_id", "room_id", "site_id", "school_id",
    "filed_away_at", "filed_away_by_id",
}  # fmt: skip


def seed_calls(cursor, n: int, now: datetime) -> int:
    """The incidents and their sheets; returns how many are open."""
    open_n = stage(cursor, n, now)
    extra_names, extra_values_sql, extra_values = extra_columns(Incident, COVERED)
    codes = (
        "CASE WHEN r_code < 0.70 THEN 'fixed' WHEN r_code < 0.78 THEN 'workaround'"
        " WHEN r_code < 0.86 THEN 'resolved_itself' WHEN r_code < 0.90 THEN 'duplicate'"
        " WHEN r_code < 0.96 THEN 'no_fault_found' ELSE 'not_an_incident' END"
    )
    # One more for each move the incident has been through.
    version = (
        "CASE s.status WHEN 'submitted' THEN 1 WHEN 'awaiting_user' THEN 2 WHEN 'logged' THEN 2"
        " WHEN 'assigned' THEN 3 WHEN 'in_progress' THEN 4 WHEN 'on_hold' THEN 5"
        " WHEN 'resolved' THEN CASE WHEN s.has_tech THEN 5 ELSE 3 END"
        " ELSE CASE WHEN s.has_tech THEN 6 ELSE 4 END END"
    )
    # A school's own problems are 20 + s; the trust's 1..20.
    problem = (
        f"CASE WHEN s.r_prob < 0.01 THEN 1 + floor(s.r_prob / 0.01 * {SHARED_PROBLEMS})::int"
        f" WHEN s.r_prob < 0.02 THEN {SHARED_PROBLEMS} + s.school END"
    )
    response = minutes_array(0)
    resolution = minutes_array(1)
    cursor.execute(
        f"""
        INSERT INTO incidents_incident (id, summary, kind, request_type_id, approver_id, approval,
            approval_decided_at, approval_reason, channel, equipment_description, impact,
            urgency, priority, status, hold_reason, visit_date, technician_note, created_at,
            updated_at, responded_at, logged_at, assigned_at, resolved_at, closed_at,
            user_notified_at, response_due_at, resolution_due_at, paused_since, paused_seconds,
            known_fix_applied, cause, parts_used, workaround, resolution, resolution_kind,
            closure_code, reopen_count, working_again_at, working_again_note, owner_unread,
            submission_token, version, assignee_id, category_id, closed_by_id, duplicate_of_id,
            entered_by_id, equipment_id, owner_id, received_by_id, reporter_id, resolved_by_id,
            problem_id, room_id, site_id, school_id, filed_away_at, filed_away_by_id{extra_names})
        SELECT s.id, p.summary || ' – ' || r.name, 'incident', NULL, NULL, '', NULL, '', s.channel,
               CASE WHEN s.equipment IS NULL AND s.r_misc < 0.2 THEN 'Own laptop' ELSE '' END,
               s.impact, s.urgency, s.priority, s.status,
               CASE WHEN s.status = 'on_hold'
                    THEN (ARRAY['supplier','parts','user','other'])[1 + floor(s.r_misc * 4)::int]
                    ELSE '' END,
               CASE WHEN s.status IN ('assigned', 'in_progress') AND s.r_close < 0.6
                         THEN {next_visit("%(now)s::date", "s.school")}
                    WHEN s.has_tech AND s.status = 'closed' AND s.r_close < 0.3
                         THEN {next_visit("s.assigned_at::date", "s.school")} END,
               CASE WHEN s.has_tech AND mod(s.id, 10) = 5 THEN 'Ask at the office for the key.'
                    ELSE '' END,
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
               {problem}, s.room, r.site_id, s.school, NULL, NULL{extra_values_sql}
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
               CASE WHEN mod(s.id, {RARE_EVERY}) = 0 THEN '{RARE_ANSWER}'
                    WHEN s.r_code < 0.2 THEN 'It happens most mornings.' ELSE '' END,
               s.r_desk < 0.5,
               CASE WHEN s.r_desk < 0.5 THEN 'Free periods 3 and 5' ELSE '' END,
               CASE WHEN s.channel <> 'web' THEN 'Service desk' ELSE '' END
        FROM bench_stage s JOIN bench_phrase p ON p.kind = s.kind AND p.k = s.k
        """,  # noqa: S608 - constants of this script only
    )
    log("sheets inserted")
    return open_n
