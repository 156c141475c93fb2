"""On PostgreSQL the queue's search is full-text search that reads GIN indexes."""

import pytest
from django.db import connection

from incidents.filters import search_incidents
from incidents.models import Incident

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text indexes exist on PostgreSQL only"
)

INDEXES = {"incident_summary_search", "sheet_answers_search", "calllog_text_search"}


@pytest.mark.django_db
def test_the_search_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(INDEXES)]
        )
        assert {row[0] for row in cursor.fetchall()} == INDEXES


@pytest.mark.django_db
def test_search_reads_the_indexes(incident):
    qs = search_incidents(Incident.objects.all(), "blank toner")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    for index in INDEXES:
        assert index in plan, plan


@pytest.mark.django_db
def test_search_is_stemmed(incident):
    assert list(search_incidents(Incident.objects.all(), "printing")) == [incident]
    assert list(search_incidents(Incident.objects.all(), "printer -blank")) == []
