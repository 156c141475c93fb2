"""On PostgreSQL the queue's search reads one GIN index over one document per incident."""

import pytest
from django.db import connection

from incidents.models import Incident
from incidents.models.incident import newest_first_walk
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


@pytest.mark.django_db
def test_the_newest_first_walk_is_one_statement_no_index_answers(incident):
    """Past the id list the page walks newest first: the same match, written so the
    GIN index cannot take it (PostgreSQL would rather collect every match and sort)."""
    searched = search_incidents(Incident.objects.all(), "printer blank").order_by("-created_at")

    with newest_first_walk():
        assert list(searched) == [incident]
        walked = _plan(searched.order_by())

    assert INDEX_NAME not in walked, walked
    assert INDEX_NAME in _plan(searched.order_by())
