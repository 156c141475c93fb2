"""History nobody can rewrite: the call log and the diagnostics are append-only in
Python on every database and, on PostgreSQL, at the database itself; incidents are
never deleted; the admin shows the workflow's fields read-only and offers no way to
add, change or delete history."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from incidents import workflow
from incidents.models import AppendOnlyError, CallLogEntry, DiagnosticEntry, Incident, Status
from tests.html import parse

pytestmark = pytest.mark.django_db
only_on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


@pytest.fixture
def worked(incident, desk, technician):
    """An incident with call-log entries and a diagnostics line."""
    v = workflow.current_version
    workflow.incident_accept(
        incident=incident, by=desk, category=None, impact=2, urgency=2, version=v(incident)
    )
    workflow.incident_request_technician(
        incident=incident, by=desk, technician=technician, version=v(incident)
    )
    workflow.incident_start(incident=incident, by=technician, version=v(incident))
    workflow.incident_diagnose(
        incident=incident,
        by=technician,
        action_taken="Swapped the toner",
        result="Works",
        version=v(incident),
    )
    incident.refresh_from_db()
    return incident


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


@pytest.mark.parametrize("model", [CallLogEntry, DiagnosticEntry])
def test_history_querysets_refuse_update_and_delete(worked, model):
    rows = model.objects.filter(incident=worked)
    count = rows.count()
    with pytest.raises(AppendOnlyError, match="never changed"):
        rows.update(incident=worked)
    with pytest.raises(AppendOnlyError, match="never deleted"):
        rows.delete()
    with pytest.raises(AppendOnlyError):
        getattr(worked, "log" if model is CallLogEntry else "diagnostics").all().delete()
    assert model.objects.filter(incident=worked).count() == count


def test_a_diagnostics_line_is_never_changed_or_deleted(worked):
    entry = worked.diagnostics.get()
    entry.result = "rewritten"
    with pytest.raises(AppendOnlyError, match="never changed"):
        entry.save()
    with pytest.raises(AppendOnlyError, match="never deleted"):
        entry.delete()
    assert DiagnosticEntry.objects.get(pk=entry.pk).result == "Works"


def test_incidents_are_never_deleted(worked):
    with pytest.raises(ProtectedError):
        worked.delete()
    with pytest.raises(ProtectedError):
        Incident.objects.filter(pk=worked.pk).delete()
    assert Incident.objects.filter(pk=worked.pk).exists()
    assert worked.log.count() >= 4


@only_on_postgresql
@pytest.mark.parametrize(
    ("model", "statement"),
    [
        (CallLogEntry, "UPDATE {table} SET text = 'rewritten' WHERE incident_id = %s"),
        (CallLogEntry, "DELETE FROM {table} WHERE incident_id = %s"),
        (DiagnosticEntry, "UPDATE {table} SET result = 'rewritten' WHERE incident_id = %s"),
        (DiagnosticEntry, "DELETE FROM {table} WHERE incident_id = %s"),
    ],
)
def test_the_database_refuses_to_rewrite_history(worked, model, statement):
    before = list(model.objects.filter(incident=worked).values())
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=_table(model)), [worked.pk])
    assert list(model.objects.filter(incident=worked).values()) == before


@only_on_postgresql
def test_the_database_refuses_to_delete_an_incident_with_history(worked):
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM incidents_incident WHERE id = %s", [worked.pk])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert Incident.objects.filter(pk=worked.pk).exists()


# The admin.

WORKFLOW_CHANGES = {
    "status": Status.CLOSED,
    "priority": "1",
    "impact": "1",
    "urgency": "1",
    "closure_code": "fixed",
    "resolution": "Rewritten in the admin",
    "resolution_kind": "fix",
    "version": "99",
    "created_at_0": "2020-01-01",
    "created_at_1": "09:00:00",
    "closed_at_0": "2020-01-02",
    "closed_at_1": "09:00:00",
    "reopen_count": "7",
}


def _change_form_data(page):
    """What the browser would post back from the admin's change form, unchanged."""
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else getattr(value, "pk", value)
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


def test_an_admin_post_changing_workflow_fields_changes_nothing(client_for, admin_user, worked):
    url = reverse("admin:incidents_incident_change", args=[worked.pk])
    client = client_for(admin_user)
    data = _change_form_data(client.get(url))
    owner_and_assignee = (worked.owner_id, worked.assignee_id)
    entries = worked.log.count()
    data.update(WORKFLOW_CHANGES, summary="Printer corrected in the admin", owner=admin_user.pk)
    data["assignee"] = admin_user.pk

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    after = Incident.objects.get(pk=worked.pk)
    assert after.summary == "Printer corrected in the admin"  # the post was taken
    assert after.status == worked.status == Status.IN_PROGRESS
    assert (after.priority, after.impact, after.urgency) == (
        worked.priority,
        worked.impact,
        worked.urgency,
    )
    assert (after.owner_id, after.assignee_id) == owner_and_assignee
    assert (after.closure_code, after.resolution, after.resolution_kind) == ("", "", "")
    assert (after.created_at, after.closed_at, after.reopen_count) == (
        worked.created_at,
        None,
        0,
    )
    assert after.version == worked.version
    assert after.log.count() == entries


def test_the_incident_change_form_shows_workflow_fields_read_only(client_for, admin_user, worked):
    page = client_for(admin_user).get(reverse("admin:incidents_incident_change", args=[worked.pk]))
    document = parse(page.content.decode())
    inputs = {
        element.attrs.get("name")
        for element in document.find_all("input", "select", "textarea")
        if element.attrs.get("type") != "hidden"
    }
    assert "summary" in inputs and "site" in inputs
    for name in ("status", "owner", "assignee", "priority", "closure_code", "version"):
        assert name not in inputs, f"{name} is editable in the admin"
        assert document.find_all(attrs={"class": f"form-row field-{name}"}), name
    readonly = document.find_all(attrs={"class": "readonly"})
    assert any(worked.owner.display_name in element.text for element in readonly) or any(
        worked.owner.username in element.text for element in readonly
    )
    assert not document.find_all(attrs={"class": "deletelink"})


def test_the_admin_offers_no_way_to_add_or_delete_incidents(client_for, admin_user, worked):
    client = client_for(admin_user)
    assert client.get(reverse("admin:incidents_incident_add")).status_code == 403
    delete = reverse("admin:incidents_incident_delete", args=[worked.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:incidents_incident_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    response = client.post(
        reverse("admin:incidents_incident_changelist"),
        {"action": "delete_selected", "_selected_action": [worked.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Incident.objects.filter(pk=worked.pk).exists()


@pytest.mark.parametrize(
    ("model", "related"), [("calllogentry", "log"), ("diagnosticentry", "diagnostics")]
)
def test_the_admin_has_no_add_change_or_delete_for_history(
    client_for, admin_user, worked, model, related
):
    client = client_for(admin_user)
    entry = getattr(worked, related).first()
    before = {field: getattr(entry, field) for field in ("pk", "incident_id")}
    assert client.get(reverse(f"admin:incidents_{model}_add")).status_code == 403
    change = reverse(f"admin:incidents_{model}_change", args=[entry.pk])
    page = client.get(change)
    assert page.status_code == 200  # shown, read-only
    assert not parse(page.content.decode()).find_all("textarea")
    assert client.post(change, {"text": "rewritten", "result": "rewritten"}).status_code == 403
    delete = reverse(f"admin:incidents_{model}_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    after = type(entry).objects.get(pk=entry.pk)
    assert {field: getattr(after, field) for field in before} == before
    assert getattr(after, "text", getattr(after, "result", None)) != "rewritten"
