"""Resolving "with a workaround" keeps the workaround recorded earlier with the cause:
every workaround stays visible, with who put it in place and when."""

from incidents import workflow
from incidents.models import CallLogEntry, Incident
from tests.technician_helpers import passed_incident


def _v(obj) -> int:
    return workflow.current_version(obj)


def test_resolving_with_a_workaround_keeps_the_earlier_one(
    client, reporter, desk, technician, site
):
    call = passed_incident(reporter, desk, technician=technician, site=site)
    workflow.incident_record_cause(
        incident=call,
        by=technician,
        cause="Worn fuser",
        workaround="Print from the office printer",
        version=_v(call),
    )
    workflow.incident_resolve(
        incident=call,
        by=technician,
        resolution="Lowered the print density",
        kind="workaround",
        version=_v(call),
    )

    after = Incident.objects.get(pk=call.pk)
    assert after.workaround == "Lowered the print density"
    assert [w["text"] for w in after.workaround_history] == [
        "Print from the office printer",
        "Lowered the print density",
    ]
    assert {w["by"] for w in after.workaround_history} == {technician}
    assert CallLogEntry.objects.filter(incident=call, event="cause_recorded").exists()

    client.force_login(desk)
    page = client.get(call.get_absolute_url()).text
    assert 'data-testid="workaround-history"' in page
    earlier = page.split('data-testid="workaround-history"')[1].split("</ol>")[0]
    assert "Print from the office printer" in earlier
    assert "Lowered the print density" not in earlier  # it is the workaround in place


def test_one_workaround_shows_no_history(client, reporter, desk, technician, site):
    call = passed_incident(reporter, desk, technician=technician, site=site)
    workflow.incident_resolve(
        incident=call,
        by=technician,
        resolution="Use the cable",
        kind="workaround",
        version=_v(call),
    )
    assert [w["text"] for w in Incident.objects.get(pk=call.pk).workaround_history] == [
        "Use the cable"
    ]
    client.force_login(desk)
    assert 'data-testid="workaround-history"' not in client.get(call.get_absolute_url()).text


def test_the_pages_history_from_the_whole_log_is_the_calls_own(
    client, reporter, desk, technician, site
):
    """The incident page reads the workarounds from the call log it shows: the same
    list as the call's own query, among entries of every kind."""
    from incidents.history import workarounds, workarounds_in

    call = passed_incident(reporter, desk, technician=technician, site=site)
    workflow.incident_record_cause(
        incident=call, by=technician, cause="Worn fuser", workaround="Use B2", version=_v(call)
    )
    workflow.incident_record_cause(
        incident=call, by=technician, cause="Worn fuser", workaround="Use B2", version=_v(call)
    )
    workflow.incident_record_cause(
        incident=call, by=desk, cause="Old fuser", workaround="Use B3", version=_v(call)
    )
    workflow.incident_resolve(
        incident=call, by=technician, resolution="New fuser", kind="fix", version=_v(call)
    )
    call = Incident.objects.get(pk=call.pk)
    log = list(call.log.select_related("actor").order_by("at", "id"))
    assert len(log) > 4
    assert workarounds_in(log) == workarounds(call)
    assert [w["text"] for w in workarounds(call)] == ["Use B2", "Use B3"]

    client.force_login(desk)
    page = client.get(call.get_absolute_url()).text
    earlier = page.split('data-testid="workaround-history"')[1].split("</ol>")[0]
    assert "Use B2" in earlier and "Use B3" not in earlier
