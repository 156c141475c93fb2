"""History nobody can rewrite: the call log and the diagnostics keep their incident
(PROTECT), and on PostgreSQL a trigger refuses UPDATE and DELETE on both tables, so
not even raw SQL or another program rewrites them. TRUNCATE (used to empty a test or
benchmark database) is not a row change and still works.

A data migration that must rewrite these rows has to run before this one.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLES = {
    "incidents_calllogentry": "calllogentry_append_only",
    "incidents_diagnosticentry": "diagnosticentry_append_only",
}

FUNCTION = """
CREATE OR REPLACE FUNCTION incidents_refuse_history_rewrite() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% on % refused: this history is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

FORWARDS = FUNCTION + "".join(
    f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION incidents_refuse_history_rewrite();\n"
    for table, trigger in TABLES.items()
)
BACKWARDS = "".join(
    f"DROP TRIGGER IF EXISTS {trigger} ON {table};\n" for table, trigger in TABLES.items()
) + "DROP FUNCTION IF EXISTS incidents_refuse_history_rewrite();\n"


class PostgreSQLOnly(migrations.RunSQL):
    """Plain SQL run on PostgreSQL only; other databases rely on the models' refusals."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0005_structured_history"),
    ]

    operations = [
        migrations.AlterField(
            model_name="calllogentry",
            name="incident",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="log",
                to="incidents.incident",
            ),
        ),
        migrations.AlterField(
            model_name="diagnosticentry",
            name="incident",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="diagnostics",
                to="incidents.incident",
            ),
        ),
        PostgreSQLOnly(FORWARDS, BACKWARDS),
    ]
