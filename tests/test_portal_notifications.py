"""The user hears, in the app and by e-mail, when more information is needed, when a
technician is asked to help (and of the planned visit), when it is resolved and when it
is closed with the resolution; the bell counts what is unread."""

from datetime import date

from django.core import mail
from django.urls import reverse

from incidents import workflow
from incidents.models import Notification
from tests.factories import file_incident
from tests.portal_helpers import accept, deliver_all, return_to_user

LIST = reverse("incidents:notifications")


def test_the_user_is_told_at_each_step_in_the_app_and_by_email(
    reporter, desk, technician, incident
):
    return_to_user(incident, desk, "Which printer is it?")
    workflow.incident_answer(
        version=workflow.current_version(incident),
        incident=incident,
        by=reporter,
        answer="The staff room one.",
    )
    accept(incident, desk)
    workflow.incident_request_technician(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        technician=technician,
        visit_date=date(2030, 3, 4),
    )
    workflow.incident_start(
        version=workflow.current_version(incident), incident=incident, by=technician
    )
    workflow.incident_resolve(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        resolution="Cleaned the drum unit.",
    )
    workflow.incident_close(
        version=workflow.current_version(incident), incident=incident, by=desk, code="fixed"
    )

    events = list(reporter.notifications.order_by("id").values_list("event", flat=True))
    assert events == ["more_info_needed", "logged", "technician_requested", "resolved", "closed"]
    visit = reporter.notifications.get(event="technician_requested")
    assert "Monday 04 March" in visit.body
    closed = reporter.notifications.get(event="closed")
    assert "Cleaned the drum unit." in closed.body

    deliver_all()
    to_reporter = [m for m in mail.outbox if m.to == [reporter.email]]
    assert len(to_reporter) == 5
    assert "Which printer is it?" in to_reporter[0].body
    assert "Cleaned the drum unit." in to_reporter[-1].body
    assert incident.reference in to_reporter[-1].subject


def test_the_list_shows_own_notifications_newest_first_unread_highlighted(
    client_for, reporter, other_reporter, desk, site
):
    mine = file_incident(reporter, site=site, summary="Mine")
    theirs = file_incident(other_reporter, site=site, summary="Theirs")
    return_to_user(mine, desk, "First question")
    return_to_user(theirs, desk, "Someone else's question")
    workflow.incident_answer(
        version=workflow.current_version(mine), incident=mine, by=reporter, answer="ok"
    )
    accept(mine, desk)
    first = reporter.notifications.get(event="more_info_needed")
    Notification.objects.filter(pk=first.pk).update(read_at=first.created_at)

    response = client_for(reporter).get(LIST)

    listed = list(response.context["page"].object_list)
    assert [n.event for n in listed] == ["logged", "more_info_needed"]
    page = response.content.decode()
    assert "Someone else" not in page
    assert page.count("notification-unread") == 1  # only the unread one
    assert 'data-testid="unread-count">1<' in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_incident(
    client_for, reporter, desk, incident
):
    return_to_user(incident, desk)
    notification = reporter.notifications.get()

    response = client_for(reporter).post(
        reverse("incidents:notification_open", args=[notification.pk])
    )

    assert response["Location"] == incident.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_without_incident_goes_back_to_the_list(client_for, reporter):
    notification = Notification.objects.create(
        recipient=reporter, event="message", subject="Hello", body="Hi"
    )

    response = client_for(reporter).post(
        reverse("incidents:notification_open", args=[notification.pk])
    )

    assert response["Location"] == LIST


def test_someone_elses_notification_is_not_found(client_for, reporter, other_reporter, desk, site):
    theirs = file_incident(other_reporter, site=site)
    return_to_user(theirs, desk)
    notification = other_reporter.notifications.get()

    response = client_for(reporter).post(
        reverse("incidents:notification_open", args=[notification.pk])
    )

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_is_post_only(client_for, reporter, desk, incident):
    return_to_user(incident, desk)
    notification = reporter.notifications.get()

    response = client_for(reporter).get(
        reverse("incidents:notification_open", args=[notification.pk])
    )

    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_marks_only_the_persons_own(client_for, reporter, other_reporter, desk, site):
    return_to_user(file_incident(reporter, site=site), desk)
    return_to_user(file_incident(other_reporter, site=site), desk)

    response = client_for(reporter).post(reverse("incidents:notifications_read_all"))

    assert response["Location"] == LIST
    assert not reporter.notifications.filter(read_at__isnull=True).exists()
    assert other_reporter.notifications.filter(read_at__isnull=True).count() == 1


def test_the_bell_counts_unread_notifications(client_for, reporter, desk, incident):
    return_to_user(incident, desk)

    page = client_for(reporter).get(reverse("incidents:my_incidents")).content.decode()

    assert 'data-testid="unread-count">1<' in page


def test_the_list_runs_a_fixed_number_of_queries(
    client_for, reporter, desk, site, django_assert_num_queries
):
    client = client_for(reporter)
    return_to_user(file_incident(reporter, site=site), desk)
    client.get(LIST)

    def count_queries():
        with django_assert_num_queries(6):  # session, user, roles, page count, rows, unread
            assert client.get(LIST).status_code == 200

    count_queries()
    for _ in range(30):
        return_to_user(file_incident(reporter, site=site), desk)
    count_queries()
