"""The technician's moves on an incident and its diagnostics sheet: each changes the
state, writes its call-log entry and tells the owning desk person — and the user
never sees any of the internal part."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents import workflow
from incidents.models import (
    CallLogEntry,
    DiagnosticEntry,
    EntryKind,
    Event,
    HoldReason,
    Incident,
    Notification,
    Status,
)
from tests.factories import UserFactory
from tests.html import parse
from tests.technician_helpers import passed_incident

pytestmark = pytest.mark.django_db
SENTINEL = "SENTINEL-7f3a-internal-only"


@pytest.fixture
def passed(reporter, desk, technician, site):
    return passed_incident(reporter, desk, technician=technician, site=site)


def url(name, incident):
    return reverse(f"incidents:{name}", args=[incident.reference])


def latest_entry(incident) -> CallLogEntry:
    return incident.log.order_by("-at", "-id").first()


def desk_told(desk, incident) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient=desk, incident=incident, event=Event.TECHNICIAN_UPDATE
        )
    )


def assert_user_sees_nothing_of(text: str, reporter, incident):
    """Not on the reporter's page, not in their notifications or e-mails."""
    client = Client()  # a browser of their own: no messages left over from the technician's
    client.force_login(reporter)
    page = client.get(incident.get_absolute_url())
    assert page.status_code == 200
    assert text not in page.content.decode()
    assert not Notification.objects.filter(recipient=reporter, body__contains=text).exists()
    assert not Notification.objects.filter(recipient=reporter, subject__contains=text).exists()
    assert all(text not in message.body for message in mail.outbox if reporter.email in message.to)


# ---------------------------------------------------------------- diagnostics


def test_diagnostics_entry_is_recorded_logged_and_told_to_the_desk(
    client, reporter, desk, technician, passed
):
    client.force_login(technician)
    performed = (timezone.localtime() - timedelta(hours=1)).replace(second=0, microsecond=0)
    response = client.post(
        url("diagnose", passed),
        {
            "performed_at": performed.strftime("%Y-%m-%dT%H:%M"),
            "action_taken": f"Swapped the HDMI cable {SENTINEL}",
            "result": "Picture back for a minute, then gone",
            "minutes_spent": "20",
            "version": passed.version,
        },
    )

    assert response.status_code == 302 and response["Location"] == passed.get_absolute_url()
    entry = DiagnosticEntry.objects.get(incident=passed)
    assert (entry.author, entry.minutes_spent, entry.performed_at) == (technician, 20, performed)
    log = latest_entry(passed)
    assert log.kind == EntryKind.DIAGNOSTIC and not log.is_public and log.actor == technician
    assert SENTINEL in log.rendered and "(20 min)" in log.rendered
    [told] = desk_told(desk, passed)
    assert SENTINEL in told.body
    assert Incident.objects.get(pk=passed.pk).owner_unread is True
    assert_user_sees_nothing_of(SENTINEL, reporter, passed)


def test_diagnostics_sheet_shows_on_the_staff_page(client, desk, technician, passed):
    workflow.incident_diagnose(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        action_taken="Checked the lamp hours",
        result="2,900 h",
        minutes_spent=5,
    )
    workflow.incident_diagnose(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        action_taken="Reseated the lamp",
        minutes_spent=10,
    )
    client.force_login(desk)
    body = client.get(passed.get_absolute_url()).content.decode()
    assert 'data-testid="technician-panel"' in body
    sheet = parse(body).testid("diagnostics").text
    assert "Checked the lamp hours" in sheet and "2,900 h" in sheet and "Reseated the lamp" in sheet
    assert "15 min in all" in body


def test_bad_diagnostics_entry_keeps_what_was_typed(client, technician, passed):
    client.force_login(technician)
    response = client.post(
        url("diagnose", passed),
        {
            "performed_at": "2999-01-01T10:00",
            "action_taken": "",
            "result": "Half-typed result",
            "minutes_spent": "-3",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"performed_at", "action_taken", "minutes_spent"}
    assert "Half-typed result" in response.content.decode()
    assert not DiagnosticEntry.objects.exists()


def test_the_form_page_opens_on_its_own(client, technician, passed):
    client.force_login(technician)
    response = client.get(url("diagnose", passed))
    assert response.status_code == 200
    assert 'name="action_taken"' in response.content.decode()


# ---------------------------------------------------------------- cause, parts, workaround


def test_record_cause_parts_and_workaround(client, reporter, desk, technician, passed):
    client.force_login(technician)
    response = client.post(
        url("record_cause", passed),
        {
            "cause": f"Lamp at end of life {SENTINEL}",
            "parts_used": "1 × ELPLP96 lamp",
            "workaround": "Use the TV trolley",
            "version": passed.version,
        },
    )
    assert response.status_code == 302
    passed.refresh_from_db()
    assert passed.cause.startswith("Lamp at end of life")
    assert (passed.parts_used, passed.workaround) == ("1 × ELPLP96 lamp", "Use the TV trolley")
    log = latest_entry(passed)
    assert log.kind == EntryKind.DIAGNOSTIC and not log.is_public
    assert "Workaround in place: Use the TV trolley" in log.rendered
    assert len(desk_told(desk, passed)) == 1
    assert_user_sees_nothing_of(SENTINEL, reporter, passed)


# ---------------------------------------------------------------- take, start, hold, resolve


def test_take_from_the_pool(client, reporter, desk, technician, site):
    pooled = passed_incident(reporter, desk, site=site)
    client.force_login(technician)
    response = client.post(url("take", pooled), {"version": pooled.version})
    assert response.status_code == 302
    pooled.refresh_from_db()
    assert pooled.assignee == technician and pooled.status == Status.ASSIGNED
    assert latest_entry(pooled).rendered == f"{technician} took the call."
    assert len(desk_told(desk, pooled)) == 1


def test_second_technician_is_told_someone_else_took_it(client, reporter, desk, technician, site):
    pooled = passed_incident(reporter, desk, site=site)
    other = UserFactory(username="tech2", first_name="Tess", last_name="Two", roles=["Technician"])
    version = pooled.version
    workflow.incident_take(incident=pooled, by=other, version=version)

    client.force_login(technician)
    response = client.post(url("take", pooled), {"version": version}, follow=True)

    pooled.refresh_from_db()
    assert pooled.assignee == other
    assert "was taken by Tess Two before you" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_five_technicians_taking_at_once_make_one_owner(reporter, desk, site):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers: the row lock is what PostgreSQL tests here")
    pooled = passed_incident(reporter, desk, site=site)
    technicians = [UserFactory(username=f"racer{i}", roles=["Technician"]) for i in range(5)]
    barrier = threading.Barrier(5)
    outcomes = []

    def take(person):
        client = Client()
        client.force_login(person)
        barrier.wait()
        response = client.post(url("take", pooled), {"version": pooled.version}, follow=True)
        outcomes.append(response.content.decode())
        close_old_connections()

    threads = [threading.Thread(target=take, args=(person,)) for person in technicians]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    pooled.refresh_from_db()
    assert pooled.assignee in technicians
    [taken] = CallLogEntry.objects.filter(incident=pooled, event="taken")
    assert (taken.actor, taken.rendered) == (pooled.assignee, f"{pooled.assignee} took the call.")
    assert sum("is yours" in page for page in outcomes) == 1


def test_desk_cannot_take_a_call(client, desk, passed):
    client.force_login(desk)
    assert client.post(url("take", passed)).status_code == 403


def test_start_then_hold_then_start_again(client, reporter, desk, technician, passed):
    client.force_login(technician)
    assert client.post(url("start", passed), {"version": passed.version}).status_code == 302
    passed.refresh_from_db()
    assert passed.status == Status.IN_PROGRESS
    started = latest_entry(passed)
    assert (started.from_status, started.to_status) == (Status.ASSIGNED, Status.IN_PROGRESS)

    response = client.post(
        url("hold", passed),
        {"version": passed.version, "reason": HoldReason.PARTS, "note": "New lamp due Thursday"},
    )
    assert response.status_code == 302
    passed.refresh_from_db()
    assert (passed.status, passed.hold_reason) == (Status.ON_HOLD, HoldReason.PARTS)
    assert passed.paused_since is not None  # waiting for parts stops the clock
    held = latest_entry(passed)
    assert (
        held.to_status == Status.ON_HOLD
        and "waiting for parts" in held.rendered
        and "Thursday" in held.rendered
    )
    assert len(desk_told(desk, passed)) == 2

    client.post(url("start", passed), {"version": passed.version})
    passed.refresh_from_db()
    assert (
        passed.status == Status.IN_PROGRESS
        and passed.paused_since is None
        and passed.paused_seconds >= 0
    )


def test_hold_needs_a_reason(client, technician, passed):
    client.force_login(technician)
    response = client.post(
        url("hold", passed), {"version": passed.version, "reason": "because", "note": "keep me"}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert "keep me" in response.content.decode()
    passed.refresh_from_db()
    assert passed.status == Status.ASSIGNED


def test_stale_version_is_a_conflict_shown_on_the_form(client, desk, technician, passed):
    stale = passed.version
    workflow.incident_add_note(
        version=workflow.current_version(passed), incident=passed, by=desk, text="desk was here"
    )
    client.force_login(technician)
    response = client.post(
        url("hold", passed), {"version": stale, "reason": HoldReason.USER, "note": "typed"}
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert response.context["form"]["version"].value() == Incident.objects.get(pk=passed.pk).version
    assert Incident.objects.get(pk=passed.pk).status == Status.ASSIGNED


def test_resolve_with_a_workaround_tells_the_user_and_the_desk(
    client, reporter, desk, technician, passed
):
    client.force_login(technician)
    client.post(url("start", passed), {"version": passed.version})
    passed.refresh_from_db()
    response = client.post(
        url("resolve", passed),
        {
            "version": passed.version,
            "kind": "workaround",
            "resolution": "Use the spare projector from the library",
        },
    )
    assert response.status_code == 302
    passed.refresh_from_db()
    assert passed.status == Status.RESOLVED and passed.resolved_by == technician
    assert passed.workaround == "Use the spare projector from the library"
    entry = latest_entry(passed)
    assert entry.kind == EntryKind.RESOLUTION and entry.is_public
    assert Notification.objects.filter(
        recipient=reporter, incident=passed, event=Event.RESOLVED
    ).exists()
    assert (
        Notification.objects.filter(
            recipient=desk, incident=passed, event=Event.TECHNICIAN_UPDATE
        ).count()
        == 2
    )


def test_the_desk_may_resolve_too(client, desk, passed):
    client.force_login(desk)
    client.post(
        url("resolve", passed),
        {"version": passed.version, "kind": "fix", "resolution": "Reset the printer"},
    )
    passed.refresh_from_db()
    assert passed.status == Status.RESOLVED and passed.resolved_by == desk


def test_resolve_without_saying_what_was_done_is_refused(client, technician, passed):
    client.force_login(technician)
    response = client.post(
        url("resolve", passed), {"version": passed.version, "kind": "fix", "resolution": "   "}
    )
    assert response.status_code == 200 and "resolution" in response.context["form"].errors
    assert Incident.objects.get(pk=passed.pk).status == Status.ASSIGNED


def test_the_panel_offers_the_moves_the_state_allows(client, technician, reporter, desk, site):
    pooled = passed_incident(reporter, desk, site=site)
    client.force_login(technician)
    tech = client.get(pooled.get_absolute_url()).context["tech"]
    assert tech["can_take"] and tech["can_start"]
    # A pool call is taken before anything is recorded on it.
    assert not tech["can_diagnose"] and not tech["can_escalate"]
    workflow.incident_take(version=workflow.current_version(pooled), incident=pooled, by=technician)
    tech = client.get(pooled.get_absolute_url()).context["tech"]
    assert tech["can_diagnose"] and tech["can_escalate"] and not tech["can_take"]

    workflow.incident_close(
        version=workflow.current_version(pooled), incident=pooled, by=desk, code="not_an_incident"
    )
    body = client.get(pooled.get_absolute_url()).content.decode()
    assert reverse("incidents:take", args=[pooled.reference]) not in body
    assert reverse("incidents:diagnose", args=[pooled.reference]) not in body


# ---------------------------------------------------------------- who may


ACTIONS = ["take", "start", "hold", "diagnose", "record_cause", "resolve", "consult", "escalate"]


@pytest.mark.parametrize("action", ACTIONS)
def test_the_reporter_is_refused_every_action_on_their_own_incident(
    client, reporter, passed, action
):
    client.force_login(reporter)
    assert (
        client.post(url(action, passed), {"action_taken": "x", "resolution": "x"}).status_code
        == 403
    )
    if action not in ("take", "start"):
        assert client.get(url(action, passed)).status_code == 403
    assert not DiagnosticEntry.objects.exists()
    assert Incident.objects.get(pk=passed.pk).status == Status.ASSIGNED


@pytest.mark.parametrize("action", ACTIONS)
def test_someone_elses_incident_is_not_found(client, other_reporter, passed, action):
    client.force_login(other_reporter)
    assert client.post(url(action, passed), {"action_taken": "x"}).status_code == 404


@pytest.mark.parametrize("action", ["take", "start"])
def test_quick_moves_are_post_only(client, technician, passed, action):
    client.force_login(technician)
    assert client.get(url(action, passed)).status_code == 405
