"""One search document per incident (see `incidents.search`).

Adds `search_document` (a `tsvector` on PostgreSQL, text elsewhere), fills it for
every incident in one statement and, on PostgreSQL, builds its GIN index. The three
indexes of migration 0002 (summary, sheet answers, call-log text) served a search
that no longer exists and only slowed every write: they are dropped.
"""

from importlib import import_module

from django.db import migrations

import incidents.models.incident

# The indexes of migration 0002, as it defined them (so going back recreates them).
first_search = import_module("incidents.migrations.0002_search_indexes")


def fill_documents(apps, schema_editor):
    from incidents.search import rebuild_search_documents

    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            # Every school's share of the calls in the statistics: with the default
            # sample the planner took "the schools a trust's desk serves" (all of
            # them) for a fraction of the table and added their index to each search.
            cursor.execute(
                "ALTER TABLE incidents_incident ALTER COLUMN school_id SET STATISTICS 1000"
            )
    rebuild_search_documents(schema_editor.connection)
    first_search.drop_indexes(apps, schema_editor)


def restore_old_indexes(apps, schema_editor):
    first_search.create_indexes(apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("ALTER TABLE incidents_incident ALTER COLUMN school_id SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0015_visit_rota"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="search_document",
            field=incidents.models.incident.SearchDocumentField(
                blank=True, editable=False, null=True
            ),
        ),
        # Dropping the column (backwards) drops its index with it.
        migrations.RunPython(fill_documents, restore_old_indexes, elidable=False),
    ]
