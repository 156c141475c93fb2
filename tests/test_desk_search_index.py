"""On PostgreSQL the queue's search reads one GIN index over one document per incident."""

import pytest
from django.db import connection

from incidents.models import Incident
from incidents.search import INDEX_NAME, search_incidents

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text indexes exist on PostgreSQL only"
)

RETIRED = {"incident_summary_search", "sheet_answers_search", "calllog_text_search"}


@pytest.mark.django_db
def test_one_search_index_exists_and_the_old_three_are_gone():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)",
            [[INDEX_NAME, *RETIRED]],
        )
        assert {row[0] for row in cursor.fetchall()} == {INDEX_NAME}


def _plan(qs) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_search_reads_the_index(incident):
    plan = _plan(search_incidents(Incident.objects.all(), "blank toner").order_by())

    assert INDEX_NAME in plan, plan
    assert "incidents_calllogentry" not in plan and "incidents_incidentsheet" not in plan


@pytest.mark.django_db
def test_search_is_stemmed(incident):
    assert list(search_incidents(Incident.objects.all(), "printing")) == [incident]
    assert list(search_incidents(Incident.objects.all(), "printer -blank")) == []
