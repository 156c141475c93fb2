"""What happened to each call, from the incidents themselves: diagnostics,
consultations, the call log and the notifications.

The call log is written the way `incidents.workflow` writes it now: an event code
and its data (the words are rendered from templates/incidents/events/<event>.html),
the typed text kept for search, the change of state on the move's entry. People in
the data are named as `str(user)` names them (their full name).
"""

from incidents.models import Channel, ClosureCode, HoldReason, Priority, ResolutionKind

from .layout import (
    ADMIN_ID,
    CENTRAL_DESK,
    SCHOOL_DESK_BASE,
    SHARED_ARTICLES,
    SHARED_GROUP_COUNT,
    log,
    sql_array,
    sql_case,
)
from .words import CATEGORIES

QUESTION = "Which room is it in, and does it happen with every laptop?"
NOTE = "Checked the knowledge base: no known error matches."


def seed_history(cursor) -> None:
    cursor.execute(
        "CREATE TEMP TABLE bench_name ON COMMIT DROP AS"
        " SELECT id, trim(first_name || ' ' || last_name) AS name FROM accounts_user"
    )
    cursor.execute("ALTER TABLE bench_name ADD PRIMARY KEY (id)")
    seed_diagnostics(cursor)
    seed_consultations(cursor)
    seed_call_log(cursor)
    seed_notifications(cursor)
    cursor.execute(
        f"""
        INSERT INTO incidents_incident_knowledge_articles (incident_id, knowledgearticle_id)
        SELECT id, 1 + mod(id, {SHARED_ARTICLES}) FROM incidents_incident WHERE known_fix_applied
        """  # noqa: S608 - constants of this script only
    )


def seed_diagnostics(cursor) -> None:
    """1–2 lines for every incident a technician worked on."""
    cursor.execute(
        """
        INSERT INTO incidents_diagnosticentry (incident_id, author_id, performed_at, action_taken,
            result, minutes_spent, created_at)
        SELECT i.id, i.assignee_id, t, p.action, p.cause, 10 + mod(i.id, 9) * 10, t
        FROM incidents_incident i
        JOIN bench_stage s ON s.id = i.id
        JOIN bench_phrase p ON p.kind = s.kind AND p.k = s.k
        CROSS JOIN generate_series(1, 2) g
        CROSS JOIN LATERAL (SELECT i.assigned_at + g * interval '50 minutes' AS t) tt
        WHERE i.assigned_at IS NOT NULL AND i.assignee_id IS NOT NULL AND i.status <> 'assigned'
          AND (g = 1 OR mod(i.id, 5) < 2)
        """
    )
    log(f"{cursor.rowcount:,} diagnostic entries")


def seed_consultations(cursor) -> None:
    """One in 13 of the technicians' calls, and every one on hold for a supplier: with
    a shared group, or (one in three) the school's own ICT team."""
    cursor.execute(
        f"""
        INSERT INTO incidents_consultation (incident_id, group_id, contact_id, reason, contacted_at,
            case_reference, chase_on, answer, status, opened_by_id, answered_at, closed_at,
            closing_note)
        SELECT i.id, g, (g - 1) * 2 + 1 + mod(i.id, 2),
               'Under warranty: asked the supplier for a replacement part.',
               i.assigned_at + interval '2 hours', 'CASE-' || i.id, (i.assigned_at + interval '3 days')::date,
               CASE WHEN i.status IN ('resolved', 'closed') THEN 'Part sent.' ELSE '' END,
               CASE WHEN i.status IN ('resolved', 'closed') THEN 'closed' ELSE 'open' END,
               i.assignee_id,
               CASE WHEN i.status IN ('resolved', 'closed') THEN i.resolved_at END,
               CASE WHEN i.status IN ('resolved', 'closed') THEN i.resolved_at END, ''
        FROM incidents_incident i
        CROSS JOIN LATERAL (
            SELECT CASE WHEN mod(i.id, 3) = 0 THEN {SHARED_GROUP_COUNT} + i.school_id
                        ELSE 1 + mod(i.id, {SHARED_GROUP_COUNT}) END AS g
        ) gg
        WHERE i.assigned_at IS NOT NULL AND i.assignee_id IS NOT NULL
          AND (mod(i.id, 13) = 0 OR i.hold_reason = 'supplier')
        """  # noqa: S608 - constants of this script only
    )
    log(f"{cursor.rowcount:,} consultations")


def seed_call_log(cursor) -> None:
    channels = sql_case(
        "i.channel", {c: ("" if c == Channel.WEB else label) for c, label in Channel.choices}
    )
    priorities = sql_array(label for _, label in Priority.choices)
    categories = sql_array(CATEGORIES)
    codes = sql_case("i.closure_code", dict(ClosureCode.choices))
    holds = sql_case("i.hold_reason", dict(HoldReason.choices))
    kinds = sql_case("i.resolution_kind", dict(ResolutionKind.choices))
    columns = (
        "incident_id, at, actor_id, kind, from_status, to_status, event, data, text, is_public"
    )
    cursor.execute(
        f"""
        INSERT INTO incidents_calllogentry ({columns})
        SELECT i.id, i.created_at, i.entered_by_id, 'filed', '', 'submitted', 'filed',
               jsonb_build_object('channel', {channels}, 'by', e.name,
                                  'reporter', CASE WHEN i.reporter_id <> i.entered_by_id
                                                   THEN r.name ELSE '' END),
               '', true
        FROM incidents_incident i
        JOIN bench_name e ON e.id = i.entered_by_id JOIN bench_name r ON r.id = i.reporter_id
        UNION ALL
        SELECT id, responded_at, owner_id, 'status', 'submitted', 'awaiting_user', 'returned_to_user',
               jsonb_build_object('question', %(question)s), %(question)s, true
        FROM incidents_incident WHERE status = 'awaiting_user'
        UNION ALL
        SELECT i.id, i.logged_at, i.owner_id, 'status', 'submitted', 'logged', 'accepted',
               jsonb_build_object('priority', ({priorities})[i.priority],
                                  'category', coalesce(({categories})[i.category_id], ''),
                                  'owner', o.name),
               '', true
        FROM incidents_incident i JOIN bench_name o ON o.id = i.owner_id
        WHERE i.logged_at IS NOT NULL
        UNION ALL
        SELECT id, logged_at + interval '2 minutes', owner_id, 'note', '', '', 'note',
               jsonb_build_object('note', %(note)s), %(note)s, false
        FROM incidents_incident WHERE logged_at IS NOT NULL AND mod(id, 10) = 3
        UNION ALL
        SELECT i.id, i.assigned_at, i.owner_id, 'assignment', 'logged', 'assigned',
               'technician_requested',
               jsonb_build_object('technician', coalesce(t.name, ''),
                                  'visit_date', coalesce(to_char(i.visit_date, 'YYYY-MM-DD'), '')),
               '', true
        FROM incidents_incident i LEFT JOIN bench_name t ON t.id = i.assignee_id
        WHERE i.assigned_at IS NOT NULL
        UNION ALL
        SELECT id, assigned_at, owner_id, 'note', '', '', 'technician_note',
               jsonb_build_object('note', technician_note), technician_note, false
        FROM incidents_incident WHERE assigned_at IS NOT NULL AND technician_note <> ''
        UNION ALL
        SELECT i.id, i.assigned_at + interval '2 minutes', i.assignee_id, 'status', 'assigned',
               'in_progress', 'started', jsonb_build_object('by', t.name), '', true
        FROM incidents_incident i JOIN bench_name t ON t.id = i.assignee_id
        WHERE i.assigned_at IS NOT NULL AND i.status <> 'assigned'
        UNION ALL
        SELECT i.id, coalesce(i.paused_since, i.assigned_at) + interval '1 hour', i.assignee_id,
               'status', 'in_progress', 'on_hold', 'held',
               jsonb_build_object('reason', {holds}, 'note', ''), '', true
        FROM incidents_incident i WHERE i.status = 'on_hold'
        UNION ALL
        SELECT i.id, i.resolved_at, i.resolved_by_id, 'resolution',
               CASE WHEN i.assigned_at IS NULL THEN 'logged' ELSE 'in_progress' END, 'resolved',
               'resolved', jsonb_build_object('resolution_kind', {kinds}, 'resolution', i.resolution),
               i.resolution, true
        FROM incidents_incident i WHERE i.resolved_at IS NOT NULL
        UNION ALL
        SELECT i.id, i.closed_at, i.closed_by_id, 'status', 'resolved', 'closed', 'closed',
               jsonb_build_object('code', {codes}, 'resolution', i.resolution), i.resolution, true
        FROM incidents_incident i WHERE i.closed_at IS NOT NULL
        UNION ALL
        SELECT incident_id, performed_at, author_id, 'diagnostic', '', '', 'diagnosed',
               jsonb_build_object('action', action_taken, 'result', result, 'minutes', minutes_spent),
               action_taken || E'\\n' || result, false
        FROM incidents_diagnosticentry
        UNION ALL
        SELECT c.incident_id, c.contacted_at, c.opened_by_id, 'consultation', '', '', 'consulted',
               jsonb_build_object('group', g.name, 'contact', coalesce(ct.name, ''),
                                  'reason', c.reason, 'case_reference', c.case_reference,
                                  'chase_on', coalesce(to_char(c.chase_on, 'YYYY-MM-DD'), '')),
               c.reason, false
        FROM incidents_consultation c JOIN incidents_supportgroup g ON g.id = c.group_id
        LEFT JOIN incidents_supportcontact ct ON ct.id = c.contact_id
        """,  # noqa: S608 - constants of this script only
        {"question": QUESTION, "note": NOTE},
    )
    log(f"{cursor.rowcount:,} call-log entries")


def seed_notifications(cursor) -> None:
    """The reporter's "resolved" for each resolved call; the unread "new sheet" of
    every desk person serving the school (the central desk, the school's own desk,
    the admin) for each call still submitted."""
    cursor.execute(
        f"""
        INSERT INTO incidents_notification (recipient_id, incident_id, event, subject, body,
            created_at, read_at, email_status, attempts, last_error, sent_at)
        SELECT reporter_id, id, 'resolved',
               'Your incident INC-' || lpad(id::text, 6, '0') || ' is resolved', resolution,
               resolved_at, CASE WHEN mod(id, 30) <> 0 THEN resolved_at + interval '1 hour' END,
               'sent', 1, '', resolved_at + interval '1 minute'
        FROM incidents_incident WHERE resolved_at IS NOT NULL
        UNION ALL
        SELECT d, id, 'filed', 'New incident sheet INC-' || lpad(id::text, 6, '0') || ': ' || summary,
               summary, created_at, NULL, 'sent', 1, '', created_at + interval '1 minute'
        FROM incidents_incident
        CROSS JOIN LATERAL (
            SELECT generate_series(1, {CENTRAL_DESK.stop - 1}) AS d
            UNION ALL SELECT {SCHOOL_DESK_BASE} + school_id UNION ALL SELECT {ADMIN_ID}
        ) desk
        WHERE status = 'submitted'
        """  # noqa: S608 - constants of this script only
    )
    log(f"{cursor.rowcount:,} notifications")
