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
