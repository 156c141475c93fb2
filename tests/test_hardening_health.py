"""/healthz answers "ok" only when the database answers too."""

import pytest
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.text == "ok"


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_is_down(client, monkeypatch, tmp_path):
    connection.close()
    kept = connection.connection  # an in-memory SQLite database is never closed
    connection.connection = None
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "gone" / "db"))
    else:
        monkeypatch.setitem(connection.settings_dict, "PORT", "1")  # nothing listens there
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        monkeypatch.undo()
        connection.connection = kept

    assert response.status_code == 503
    assert response.text == "database unavailable"
