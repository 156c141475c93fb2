"""Indexes measured by the benchmark (bench/README.md) at a million incidents:

- open incidents by age: the dashboard's "oldest open calls" walked the whole
  created_at index past every closed call (0.9 s); the queue's default view
  needs the same order;
- resolved_at and closed_at: the service report's counts and timings for a
  period scanned the whole table (about 0.3 s each).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_search_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                condition=models.Q(("status", "closed"), _negated=True),
                fields=["created_at"],
                name="incident_open_created",
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(fields=["resolved_at"], name="incident_resolved_at"),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(fields=["closed_at"], name="incident_closed_at"),
        ),
    ]
