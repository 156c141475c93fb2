"""Consulting support groups from an incident: created with the group's contacts in
view, answered, chased and closed — and the target clock waits while they work."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents import workflow
from incidents.models import (
    CallLogEntry,
    Consultation,
    ConsultationStatus,
    EntryKind,
    Event,
    Incident,
    Notification,
    PriorityTarget,
)
from tests.factories import SupportContactFactory, SupportGroupFactory
from tests.html import parse
from tests.technician_helpers import passed_incident, queries_for

pytestmark = pytest.mark.django_db
SENTINEL = "SENTINEL-consult-b41c"
LIST = reverse("incidents:consultation_list")


@pytest.fixture
def passed(reporter, desk, technician, site):
    incident = passed_incident(reporter, desk, technician=technician, site=site)
    return workflow.incident_start(
        version=workflow.current_version(incident), incident=incident, by=technician
    )


@pytest.fixture
def supplier():
    group = SupportGroupFactory(name="Projectors Direct", line="third", kind="supplier")
    SupportContactFactory(
        group=group,
        name="Sam Supplier",
        role="Service desk",
        phone="0161 496 0123",
        email="service@projectors.example",
        hours="Mon–Fri 8:00–18:00",
        account_reference="PD-778812",
    )
    return group


def consult_url(incident):
    return reverse("incidents:consult", args=[incident.reference])


def detail_url(consultation):
    return reverse("incidents:consultation_detail", args=[consultation.pk])


def test_the_consult_page_shows_the_groups_and_the_chosen_groups_contacts(
    client, technician, passed, supplier
):
    SupportGroupFactory(name="Online forum", line="first", kind="online")
    client.force_login(technician)

    chooser = client.get(consult_url(passed)).content.decode()
    assert "Projectors Direct" in chooser and "Online forum" in chooser
    assert "Additional first-line" in chooser and "Third-line" in chooser
    assert "0161 496 0123" not in chooser

    page = client.get(consult_url(passed) + f"?group={supplier.pk}").content.decode()
    contacts = parse(page).testid("contacts").text
    for detail in (
        "Sam Supplier",
        "0161 496 0123",
        "service@projectors.example",
        "Mon–Fri 8:00–18:00",
        "PD-778812",
    ):
        assert detail in contacts


def test_junk_group_parameter_shows_the_chooser(client, technician, passed):
    client.force_login(technician)
    response = client.get(consult_url(passed) + "?group=%3Cscript%3E")
    assert response.status_code == 200 and response.context["group"] is None


def test_consulting_records_it_pauses_the_clock_and_tells_the_desk(
    client, reporter, desk, technician, passed, supplier
):
    contact = supplier.contacts.get()
    chase = timezone.localdate() + timedelta(days=3)
    client.force_login(technician)
    response = client.post(
        consult_url(passed),
        {
            "group": supplier.pk,
            "contact": contact.pk,
            "reason": f"Lamp fails after a minute {SENTINEL}",
            "case_reference": "CASE-55123",
            "chase_on": chase.isoformat(),
            "version": passed.version,
        },
    )

    assert response.status_code == 302 and response["Location"] == passed.get_absolute_url()
    consultation = Consultation.objects.get(incident=passed)
    assert (consultation.group, consultation.contact, consultation.case_reference) == (
        supplier,
        contact,
        "CASE-55123",
    )
    assert consultation.status == ConsultationStatus.OPEN and consultation.chase_on == chase
    assert consultation.opened_by == technician
    entry = passed.log.order_by("-id").first()
    assert entry.kind == EntryKind.CONSULTATION and not entry.is_public
    assert "Projectors Direct" in entry.rendered and "CASE-55123" in entry.rendered
    assert Notification.objects.filter(
        recipient=desk,
        incident=passed,
        event=Event.TECHNICIAN_UPDATE,
        subject__contains="Projectors Direct consulted",
    ).exists()
    incident = Incident.objects.get(pk=passed.pk)
    assert incident.paused_since is not None

    as_reporter = Client()
    as_reporter.force_login(reporter)
    page = as_reporter.get(passed.get_absolute_url()).content.decode()
    assert SENTINEL not in page and "CASE-55123" not in page
    assert not Notification.objects.filter(recipient=reporter, body__contains=SENTINEL).exists()


def test_a_contact_from_another_group_is_refused_next_to_the_field(
    client, technician, passed, supplier
):
    stranger = SupportContactFactory(name="Someone Else")
    client.force_login(technician)
    response = client.post(
        consult_url(passed),
        {"group": supplier.pk, "contact": stranger.pk, "reason": "Keep this reason"},
    )
    assert response.status_code == 200
    assert "contact" in response.context["form"].errors
    assert "Keep this reason" in response.content.decode()
    assert not Consultation.objects.exists()


def test_a_chase_date_in_the_past_is_refused(client, technician, passed, supplier):
    client.force_login(technician)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        consult_url(passed),
        {"group": supplier.pk, "reason": "Why", "chase_on": yesterday.isoformat()},
    )
    assert "chase_on" in response.context["form"].errors
    assert not Consultation.objects.exists()


def test_answer_resumes_the_clock_and_moves_the_target_on(
    client, desk, technician, passed, supplier
):
    # A pause is measured in the hours its target counts: all hours here, so the hour
    # counts whatever the day the test runs (school time: tests/test_targets_school_time.py).
    PriorityTarget.objects.create(
        priority=passed.priority, response_minutes=60, resolution_minutes=600, hours="all"
    )
    consultation = workflow.consultation_open(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        group=supplier,
        reason="Lamp",
    )
    paused = Incident.objects.get(pk=passed.pk)
    assert paused.paused_since is not None
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Incident.objects.filter(pk=passed.pk).update(paused_since=an_hour_ago)
    due_before = paused.resolution_due_at

    client.force_login(technician)
    response = client.post(
        detail_url(consultation),
        {
            "answer": "Send it back under warranty",
            "case_reference": "CASE-2",
            "version": workflow.current_version(passed),
        },
    )

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (
        consultation.status == ConsultationStatus.ANSWERED and consultation.answered_at is not None
    )
    assert (consultation.answer, consultation.case_reference) == (
        "Send it back under warranty",
        "CASE-2",
    )
    resumed = Incident.objects.get(pk=passed.pk)
    assert resumed.paused_since is None
    assert 3590 <= resumed.paused_seconds <= 3700
    assert timedelta(minutes=59) < resumed.resolution_due_at - due_before < timedelta(minutes=62)
    entry = passed.log.order_by("-id").first()
    assert (
        entry.kind == EntryKind.CONSULTATION
        and "answer: Send it back under warranty" in entry.rendered
    )
    assert Notification.objects.filter(
        recipient=desk, incident=passed, subject__contains="update"
    ).exists()


def test_the_clock_waits_while_any_consultation_is_open(technician, passed, supplier):
    first = workflow.consultation_open(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        group=supplier,
        reason="One",
    )
    workflow.consultation_open(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        group=SupportGroupFactory(),
        reason="Two",
    )
    workflow.consultation_update(
        version=workflow.current_version(first), consultation=first, by=technician, close=True
    )
    assert Incident.objects.get(pk=passed.pk).paused_since is not None


def test_close_a_consultation(client, technician, passed, supplier):
    consultation = workflow.consultation_open(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        group=supplier,
        reason="Lamp",
    )
    client.force_login(technician)
    client.post(
        detail_url(consultation), {"close": "on", "version": workflow.current_version(passed)}
    )
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CLOSED and consultation.closed_at is not None
    assert Incident.objects.get(pk=passed.pk).paused_since is None
    assert passed.log.order_by("-id").first().rendered == "Projectors Direct: closed."
    page = client.get(detail_url(consultation)).content.decode()
    assert 'name="answer"' not in page  # nothing more to record


def test_an_empty_update_is_refused(client, technician, passed, supplier):
    consultation = workflow.consultation_open(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        group=supplier,
        reason="Lamp",
    )
    client.force_login(technician)
    entries = CallLogEntry.objects.count()
    response = client.post(detail_url(consultation), {"answer": "  "})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert CallLogEntry.objects.count() == entries


def test_the_detail_shows_the_groups_contacts(client, desk, technician, passed, supplier):
    consultation = workflow.consultation_open(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        group=supplier,
        reason="Lamp",
        case_reference="CASE-9",
    )
    client.force_login(desk)
    page = client.get(detail_url(consultation)).content.decode()
    assert "CASE-9" in page and "PD-778812" in page and "0161 496 0123" in page


def test_the_list_shows_open_ones_with_due_chases_highlighted(
    client, desk, technician, passed, supplier
):
    today = timezone.localdate()
    due = workflow.consultation_open(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        group=supplier,
        reason="Due",
        chase_on=today,
    )
    later = workflow.consultation_open(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        group=supplier,
        reason="Later",
        chase_on=today + timedelta(days=5),
    )
    answered = workflow.consultation_open(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        group=supplier,
        reason="Done",
    )
    workflow.consultation_update(
        version=workflow.current_version(answered),
        consultation=answered,
        by=technician,
        answer="Fixed upstream",
    )
    client.force_login(desk)

    response = client.get(LIST)
    rows = [c.pk for c in response.context["page"].object_list]
    assert rows == [due.pk, later.pk]
    body = response.content.decode()
    assert f'class="row-at-risk" data-consultation="{due.pk}"' in body
    assert f'class="" data-consultation="{later.pk}"' in body
    assert "1 to chase" in body

    assert [c.pk for c in client.get(LIST + "?show=due").context["page"].object_list] == [due.pk]
    assert [c.pk for c in client.get(LIST + "?show=answered").context["page"].object_list] == [
        answered.pk
    ]
    assert len(client.get(LIST + "?show=all").context["page"].object_list) == 3


@pytest.mark.parametrize(
    "query", ["?show=everything", "?group=abc", "?page=-1", "?page=99999", "?group=999999"]
)
def test_junk_filters_give_an_empty_list_not_an_error(client, desk, query):
    client.force_login(desk)
    assert client.get(LIST + query).status_code == 200


def test_the_list_runs_a_fixed_number_of_queries(
    client, reporter, desk, technician, site, django_assert_num_queries
):
    group = SupportGroupFactory()
    contact = SupportContactFactory(group=group)
    client.force_login(desk)
    incident = passed_incident(reporter, desk, technician=technician, site=site)
    workflow.consultation_open(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        group=group,
        contact=contact,
        reason="first",
    )
    baseline, _ = queries_for(client, LIST)

    for index in range(40):
        incident = passed_incident(reporter, desk, technician=technician, site=site)
        workflow.consultation_open(
            version=workflow.current_version(incident),
            incident=incident,
            by=technician,
            group=SupportGroupFactory(),
            contact=None,
            reason=f"r{index}",
            chase_on=timezone.localdate() + timedelta(days=index % 3),
        )
    with django_assert_num_queries(baseline):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 41


def test_plain_users_are_refused(client, reporter, technician, passed, supplier):
    consultation = workflow.consultation_open(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        group=supplier,
        reason="Lamp",
    )
    client.force_login(reporter)
    assert client.get(LIST).status_code == 403
    assert client.get(detail_url(consultation)).status_code == 403
    assert client.post(detail_url(consultation), {"close": "on"}).status_code == 403
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN


def test_unknown_consultation_is_not_found(client, desk):
    client.force_login(desk)
    assert client.get(reverse("incidents:consultation_detail", args=[987654])).status_code == 404
