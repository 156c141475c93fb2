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

    rebuild_search_documents(schema_editor.connection)
    first_search.drop_indexes(apps, schema_editor)


def restore_old_indexes(apps, schema_editor):
    first_search.create_indexes(apps, schema_editor)


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
