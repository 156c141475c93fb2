"""Leavers from the staff list: their roles at the school end and, with none left
anywhere, their account is switched off — never deleted. A person who left cannot
get in by any route, and everything they did keeps their name."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.directory.applying import leavers_due, staff_list_import
from accounts.directory.planning import plan_import
from accounts.directory.reading import read_staff_list
from accounts.models import Membership, StaffRecord, User, default_school
from accounts.roles import Role, people_with
from incidents.mail import intake
from incidents.models import CallLogEntry, InboundStatus, Incident, Mailbox
from tests.conftest import PASSWORD
from tests.factories import SchoolFactory, UserFactory, file_incident
from tests.html import parse
from tests.inbound_helpers import message
from tests.test_hardening_password_reset import ask, run_queued

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


@pytest.fixture
def school(db):
    return default_school()


@pytest.fixture
def leaver(school):
    return UserFactory(
        username="lena",
        first_name="Lena",
        last_name="Leaver",
        email="lena@school.example",
        roles=[Role.USER],
        roles__school=school,
    )


def import_list(school, *lines, by):
    """Check and confirm a staff list, as the import page does."""
    reading = read_staff_list(("\n".join(lines) + "\n").encode())
    plan = plan_import(school, reading)
    assert plan.can_apply, plan.errors
    return staff_list_import(school=school, reading=reading, fingerprint=plan.fingerprint, by=by)


def leaves(person, school, by, on=None):
    day = (on or timezone.localdate()).isoformat()
    return import_list(
        school,
        "First name,Surname,Email,Leaving date",
        f"{person.first_name},{person.last_name},{person.email},{day}",
        by=by,
    )


def sign_in(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def test_a_leaver_is_switched_off_not_deleted_and_their_incidents_keep_their_name(
    client_for, leaver, school, site, desk, admin_user
):
    incident = file_incident(leaver, site=site, summary="Laptop will not charge")
    entries = CallLogEntry.objects.filter(incident=incident).count()

    plan = leaves(leaver, school, admin_user)

    assert [step.row.email for step in plan.of("leaves")] == [leaver.email]
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert not Membership.objects.filter(person=leaver).exists()
    record = StaffRecord.objects.get(person=leaver, school=school)
    assert record.leaves_on == record.left_on == timezone.localdate()
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.reporter == leaver
    assert CallLogEntry.objects.filter(incident=incident).count() == entries
    queue = client_for(desk).get(reverse("incidents:desk_queue")).content.decode()
    assert "Laptop will not charge" in queue and "Lena Leaver" in queue
    page = client_for(desk).get(reverse("incidents:detail", args=[incident.reference]))
    assert "Lena Leaver" in parse(page.content.decode()).text


def test_a_leaver_gets_the_wrong_password_answer_at_sign_in(leaver, school, admin_user):
    wrong = sign_in(Client(), "lena", "not-the-password").content.decode()
    leaves(leaver, school, admin_user)

    refused = sign_in(Client(), "lena")

    assert refused.status_code == 200  # the form again, nobody signed in
    assert "_auth_user_id" not in refused.wsgi_request.session
    words = "That username and password do not match. Check both and try again."
    assert words in refused.content.decode() and words in wrong


def test_a_leaver_gets_no_password_reset_email(leaver, school, admin_user):
    leaves(leaver, school, admin_user)
    known = ask(Client(), leaver.email)
    unknown = ask(Client(), "nobody@school.example", ip="203.0.113.9")

    run_queued()

    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_leavers_open_session_ends_at_their_next_request(leaver, school, admin_user):
    client = Client()
    assert sign_in(client, "lena").status_code == 302
    assert client.get(reverse("incidents:my_incidents")).status_code == 200

    leaves(leaver, school, admin_user)

    response = client.get(reverse("incidents:my_incidents"))
    assert response.status_code == 302 and LOGIN in response.url


def test_a_leavers_email_goes_to_the_unrecognised_list(leaver, school, admin_user, site):
    mailbox = Mailbox.objects.create(
        name="ICT", address="ict@school.example", host="127.0.0.1", username="ict", school=school
    )
    before = intake.receive(message(sender=leaver.email, subject="Before"), mailbox=mailbox)
    assert before.status == InboundStatus.FILED
    leaves(leaver, school, admin_user)

    after = intake.receive(message(sender=leaver.email, subject="After"), mailbox=mailbox)

    assert after.status == InboundStatus.UNRECOGNISED and after.incident is None
    assert Incident.objects.filter(summary="After").count() == 0


def test_desk_choice_lists_no_longer_offer_a_leaver(client_for, leaver, school, admin_user, desk):
    tech = UserFactory(
        username="tina", first_name="Tina", last_name="Techleaver", email="tina@school.example",
        roles=[Role.TECHNICIAN], roles__school=school,
    )  # fmt: skip
    page = client_for(desk).get(reverse("incidents:desk_log_call")).content.decode()
    assert "Lena Leaver" in page
    assert tech in people_with(Role.TECHNICIAN, school)

    leaves(leaver, school, admin_user)
    leaves(tech, school, admin_user)

    page = client_for(desk).get(reverse("incidents:desk_log_call")).content.decode()
    assert "Lena Leaver" not in page
    assert tech not in people_with(Role.TECHNICIAN, school)
    assert tech not in people_with(Role.DESK, school)


def test_leaving_one_school_keeps_the_other_and_the_account(leaver, school, admin_user):
    other = SchoolFactory(organisation=school.organisation, name="Beech School", code="beech")
    Membership.objects.create(person=leaver, school=other, role=Role.USER)

    plan = leaves(leaver, school, admin_user)

    assert plan.of("leaves")[0].keeps_account
    leaver.refresh_from_db()
    assert leaver.is_active
    assert list(Membership.objects.filter(person=leaver).values_list("school", flat=True)) == [
        other.pk
    ]
    assert sign_in(Client(), "lena").status_code == 302


def test_a_school_admin_who_leaves_loses_the_admin_site(school, admin_user):
    bursar = UserFactory(
        username="bursar", first_name="Bea", last_name="Bursar", email="bea@school.example",
        roles=[Role.SCHOOL_ADMIN], roles__school=school,
    )  # fmt: skip
    assert bursar.is_staff and bursar.groups.filter(name=Role.SCHOOL_ADMIN).exists()
    leaves(bursar, school, admin_user)
    bursar.refresh_from_db()
    assert not (bursar.is_active or bursar.is_staff)
    assert not bursar.groups.exists()


def test_a_future_leaving_date_takes_effect_on_the_day(leaver, school, admin_user):
    tomorrow = timezone.localdate() + timedelta(days=1)
    leaves(leaver, school, admin_user, on=tomorrow)
    leaver.refresh_from_db()
    assert leaver.is_active and StaffRecord.objects.get(person=leaver).left_on is None

    assert leavers_due() == 0
    assert leavers_due(today=tomorrow) == 1
    assert leavers_due(today=tomorrow) == 0  # once

    leaver.refresh_from_db()
    assert not leaver.is_active
    assert StaffRecord.objects.get(person=leaver).left_on == tomorrow


def test_the_reminders_loop_command_carries_out_leaving_dates_that_came(leaver, school, admin_user):
    leaves(leaver, school, admin_user, on=timezone.localdate() + timedelta(days=3))
    StaffRecord.objects.filter(person=leaver).update(leaves_on=timezone.localdate())

    call_command("apply_leavers", verbosity=2)

    leaver.refresh_from_db()
    assert not leaver.is_active
    with open("scripts/reminders") as loop:
        assert "manage.py apply_leavers" in loop.read()


def test_a_leaver_who_returns_is_switched_on_again(leaver, school, admin_user):
    leaves(leaver, school, admin_user, on=timezone.localdate() - timedelta(days=200))
    plan = import_list(
        school, "Name,Email,Leaving date", f"Lena Leaver,{leaver.email},", by=admin_user
    )

    step = plan.of("update")[0]
    assert step.returns and step.joins
    leaver.refresh_from_db()
    assert leaver.is_active
    assert Membership.objects.filter(person=leaver, school=school, role=Role.USER).exists()
    record = StaffRecord.objects.get(person=leaver)
    assert record.left_on is None and record.leaves_on is None


def test_an_account_switched_off_in_the_admin_is_not_switched_on_by_a_list(school, admin_user):
    person = UserFactory(
        username="off", email="off@school.example", roles=[Role.USER], roles__school=school
    )
    User.objects.filter(pk=person.pk).update(is_active=False)
    reading = read_staff_list(f"Name,Email\nOff Person,{person.email}\n".encode())
    plan = plan_import(school, reading)
    assert [error.message for error in plan.errors] == [
        "This person's account is switched off in the admin site: switch it on there "
        "first, or take the row out."
    ]
    assert not plan.can_apply


def test_an_imported_person_chooses_their_first_password_by_reset(school, admin_user):
    import_list(school, "Name,Email", "Nia New,nia@school.example", by=admin_user)
    nia = User.objects.get(email="nia@school.example")
    assert not nia.has_usable_password()

    ask(Client(), "NIA@school.example")
    run_queued()

    assert [message.to for message in mail.outbox] == [["nia@school.example"]]
    link = next(word for word in mail.outbox[0].body.split() if "/password/reset/" in word)
    client = Client()
    form = client.get(link, follow=True)
    new_password = "a-long-new-password-42"
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert sign_in(Client(), nia.username, new_password).status_code == 302


def test_a_leaver_stays_in_their_organisations_people_and_out_of_any_other(
    client_for, leaver, school, admin_user
):
    from tests.factories import OrganisationFactory

    stranger_admin = UserFactory(
        username="council-admin",
        roles=[Role.ADMIN],
        roles__organisation=OrganisationFactory(name="Other council"),
    )
    leaves(leaver, school, admin_user)
    people = reverse("admin:accounts_user_changelist")

    ours = client_for(admin_user).get(people).content.decode()
    theirs = client_for(stranger_admin).get(people).content.decode()

    assert "lena@school.example" in ours
    assert "lena@school.example" not in theirs
    change = reverse("admin:accounts_user_change", args=[leaver.pk])
    assert client_for(stranger_admin).get(change).status_code in (302, 404)


def test_the_dry_run_warns_of_a_leavers_open_calls(
    client_for, school, site, reporter, desk, admin_user
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from incidents import workflow

    tech = UserFactory(
        username="tina", first_name="Tina", last_name="Tech", email="tina@school.example",
        roles=[Role.TECHNICIAN], roles__school=school,
    )  # fmt: skip
    incident = file_incident(reporter, site=site)
    workflow.incident_accept(
        version=workflow.current_version(incident), incident=incident, by=desk,
        category=None, impact=2, urgency=2,
    )  # fmt: skip
    workflow.incident_request_technician(
        version=workflow.current_version(incident), incident=incident, by=desk, technician=tech
    )
    today = timezone.localdate().isoformat()
    upload = f"Name,Email,Leaving date\nTina Tech,{tech.email},{today}\n".encode()

    checked = client_for(admin_user).post(
        reverse("staff_import", args=[school.code]), {"file": SimpleUploadedFile("s.csv", upload)}
    )

    assert [step.open_calls for step in checked.context["plan"].of("leaves")] == [1]
    warning = parse(checked.content.decode()).testid("open-calls").text
    assert "1 open call here still name them" in warning
