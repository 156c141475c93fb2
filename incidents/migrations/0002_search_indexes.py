"""Full-text search indexes for the service desk's queue (PostgreSQL only).

GIN indexes over the same `to_tsvector` expressions that `incidents.filters.
search_incidents` queries: the incident's summary, the sheet's answers and the
call log's text. Other databases search without them, so nothing is created
there and the models' state does not change.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "english"
INDEXES = [
    ("incident", GinIndex(SearchVector("summary", config=CONFIG), name="incident_summary_search")),
    (
        "incidentsheet",
        GinIndex(
            SearchVector("expected", "happened", "checked", "further_info", config=CONFIG),
            name="sheet_answers_search",
        ),
    ),
    ("calllogentry", GinIndex(SearchVector("text", config=CONFIG), name="calllog_text_search")),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES:
        schema_editor.add_index(apps.get_model("incidents", model_name), index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES:
        schema_editor.remove_index(apps.get_model("incidents", model_name), index)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
