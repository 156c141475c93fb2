"""The call log written before events is carried over by migration 0005: entries
whose words can be read structurally get their event and data, the others keep
their words as they were, and every entry says what it said before."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from incidents.models import CallLogEntry

BEFORE = [("incidents", "0003_report_indexes")]

# kind, to_status, the words stored then → the event and data expected now.
OLD_ENTRIES = [
    (
        "status",
        "awaiting_user",
        "More information needed: Which room is it in?",
        "returned_to_user",
        {"question": "Which room is it in?"},
    ),
    (
        "message_to_user",
        "",
        "We are on our way.",
        "message_to_reporter",
        {"message": "We are on our way."},
    ),
    ("message_from_user", "submitted", "Room 12.", "answered", {"answer": "Room 12."}),
    ("message_from_user", "", "It beeps now.", "reporter_message", {"message": "It beeps now."}),
    (
        "note",
        "",
        "For the technician: bring a toner",
        "technician_note",
        {"note": "bring a toner"},
    ),
    ("note", "", "Called the supplier", "note", {"note": "Called the supplier"}),
    (
        "status",
        "in_progress",
        "Not fixed – reopened: still blank",
        "reopened",
        {"text": "Not fixed – reopened: still blank"},
    ),
    (
        "status",
        "logged",
        "Logged as priority 3 – Medium. Owner: Dee Desk.",
        "accepted",
        {"text": "Logged as priority 3 – Medium. Owner: Dee Desk."},
    ),
    (
        "resolution",
        "resolved",
        "Resolved (fix): new toner",
        "resolved",
        {"text": "Resolved (fix): new toner"},
    ),
    ("filed", "submitted", "Incident sheet filed.", "filed", {"text": "Incident sheet filed."}),
]


def _migrate(executor, targets):
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_entries_get_their_event_and_keep_their_words():
    executor = MigrationExecutor(connection)
    old = _migrate(executor, BEFORE)
    try:
        user = old.get_model("accounts", "User").objects.create(username="old-desk")
        site = old.get_model("incidents", "Site").objects.create(name="Old school", code="OLD")
        incident = old.get_model("incidents", "Incident").objects.create(
            summary="Printer", reporter=user, entered_by=user, site=site
        )
        entries = old.get_model("incidents", "CallLogEntry")
        ids = [
            entries.objects.create(
                incident=incident, actor=user, kind=kind, to_status=to_status, text=text
            ).pk
            for kind, to_status, text, _, _ in OLD_ENTRIES
        ]
    finally:
        _migrate(MigrationExecutor(connection), executor.loader.graph.leaf_nodes())

    migrated = CallLogEntry.objects.in_bulk(ids)
    for pk, (_, _, text, event, data) in zip(ids, OLD_ENTRIES, strict=True):
        entry = migrated[pk]
        assert (entry.event, entry.data) == (event, data), text
        assert entry.rendered == text
