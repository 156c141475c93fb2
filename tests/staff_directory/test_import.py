"""Importing a school's staff list from its management information system: the file is
checked first (a dry run that writes nothing), each bad row is named with its reason,
and a confirmed file is imported all rows or none."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, StaffRecord, User
from accounts.roles import Role
from tests.directory_helpers import (
    HEADER,
    check,
    confirm,
    errors_of,
    rows_of,
    url,
)
from tests.factories import SiteFactory, UserFactory, file_incident
from tests.html import parse

pytestmark = pytest.mark.django_db


def test_a_good_file_is_checked_then_imported_as_users_of_the_school(
    client_for, school_admin, north
):
    client = client_for(school_admin)
    checked = check(
        client,
        north,
        HEADER,
        "Amira,Khan,a.khan@northfield.sch.uk,Year 5 teacher,",
        "Paul,Grant,p.grant@NPS.example,Office manager,",
    )

    assert User.objects.filter(email__iendswith="northfield.sch.uk").count() == 0  # dry run
    assert rows_of(checked, "new") == [2, 3]
    preview = parse(checked.content.decode()).testid("plan-new").text
    assert "Amira Khan" in preview and "Year 5 teacher" in preview

    done = confirm(client, north, checked)

    assert done.status_code == 302 and done.url == url(north)
    amira = User.objects.get(email="a.khan@northfield.sch.uk")
    assert (amira.first_name, amira.last_name, amira.job_title) == (
        "Amira",
        "Khan",
        "Year 5 teacher",
    )
    assert amira.is_active and not amira.has_usable_password()
    assert amira.username == "a.khan@northfield.sch.uk"
    # The User role at this school, and nothing else: the staff role is a job title.
    assert list(Membership.objects.filter(person=amira).values_list("role", "school")) == [
        (Role.USER, north.pk)
    ]
    assert StaffRecord.objects.get(person=amira, school=north).staff_role == "Year 5 teacher"
    page = client.get(url(north))
    assert "Staff list imported: 2 new, 0 changed, 0 left, 0 unchanged." in page.content.decode()
    assert "a.khan@northfield.sch.uk" in parse(page.content.decode()).testid("directory").text


def test_bad_rows_are_named_with_their_reason_and_nothing_can_be_imported(
    client_for, admin_user, north, cedar
):
    outsider = UserFactory(
        username="outsider",
        first_name="Olga",
        last_name="Outsider",
        email="olga@northfield.sch.uk",
        roles=[Role.USER],
        roles__school=cedar,
    )
    checked = check(
        client_for(admin_user),
        north,
        HEADER,
        "Good,Person,good@northfield.sch.uk,Teacher,",
        "No,Address,,Teacher,",
        "Wrong,Domain,someone@gmail.com,Teacher,",
        "Same,Again,GOOD@northfield.sch.uk,Teacher,",
        "Bad,Date,bad.date@northfield.sch.uk,Teacher,31/02/2025",
        '=HYPERLINK("http://evil.example"),X,formula@northfield.sch.uk,Teacher,',
        "Olga,Moved,olga@northfield.sch.uk,Teacher,",
        ",,noname@northfield.sch.uk,,",
        "Not,Valid,not-an-address,,",
    )

    assert checked.context["token"] == ""  # all or nothing: no way to import
    assert errors_of(checked) == {
        3: "No e-mail address.",
        4: "The e-mail address is not at northfield.sch.uk, nps.example.",
        5: "The same e-mail address is on row 2.",
        6: "The leaving date “31/02/2025” is not a date (use 18/07/2025 or 2025-07-18).",
        7: 'The first name starts like a spreadsheet formula (“=HYPERLINK("http://evil.example")”).',
        8: "This e-mail address belongs to an account this school cannot change: ask the ICT manager.",
        9: "No name.",
        10: "The e-mail address is not valid.",
    }
    assert not User.objects.filter(email="good@northfield.sch.uk").exists()
    outsider.refresh_from_db()
    assert (outsider.last_name, outsider.is_active) == ("Outsider", True)
    assert not Membership.objects.filter(person=outsider, school=north).exists()
    body = checked.content.decode()
    assert "Outsider" not in body and "Cedar" not in body  # nothing of them is shown
    listed = parse(body).testid("row-errors").text
    assert "Row 6 (bad.date@northfield.sch.uk)" in listed


def test_markup_in_a_name_is_shown_as_text(client_for, admin_user, north, desk):
    checked = check(
        client_for(admin_user),
        north,
        "Name,Email",
        "<script>alert(1)</script> <b>Bold</b>,markup@northfield.sch.uk",
    )
    body = checked.content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    confirm(client_for(admin_user), north, checked)
    page = client_for(admin_user).get(url(north)).content.decode()
    assert "<b>Bold</b>" not in page and "&lt;b&gt;Bold&lt;/b&gt;" in page
    person = User.objects.get(email="markup@northfield.sch.uk")
    file_incident(person, site=SiteFactory(school=north, code="north-main"), summary="Escaped?")
    queue = client_for(desk).get(reverse("incidents:desk_queue")).content.decode()
    assert "Escaped?" in queue and "&lt;b&gt;Bold&lt;/b&gt;" in queue
    assert "<b>Bold</b>" not in queue and "<script>alert(1)" not in queue


def test_changes_are_shown_then_made(client_for, admin_user, north):
    person = UserFactory(
        username="hwood",
        first_name="Helen",
        last_name="Wood",
        email="H.Wood@northfield.sch.uk",
        job_title="Teacher",
        roles=[Role.USER],
        roles__school=north,
    )
    unchanged = UserFactory(
        username="pgrant",
        first_name="Paul",
        last_name="Grant",
        email="p.grant@northfield.sch.uk",
        job_title="Office",
        roles=[Role.USER],
        roles__school=north,
    )
    lines = [
        HEADER,
        "Helen,Wood-Jones,h.wood@northfield.sch.uk,Head of science,",
        "Paul,Grant,p.grant@northfield.sch.uk,Office,",
    ]
    checked = check(client_for(admin_user), north, *lines)
    assert rows_of(checked, "update") == [2] and rows_of(checked, "unchanged") == [3]
    changes = parse(checked.content.decode()).testid("plan-update").text
    assert "Surname: Wood → Wood-Jones" in changes
    assert "E-mail: H.Wood@northfield.sch.uk → h.wood@northfield.sch.uk" in changes
    assert "Staff role: Teacher → Head of science" in changes

    confirm(client_for(admin_user), north, checked)
    person.refresh_from_db()
    assert (person.last_name, person.email, person.job_title) == (
        "Wood-Jones",
        "h.wood@northfield.sch.uk",
        "Head of science",
    )
    assert User.objects.filter(email__iexact="h.wood@northfield.sch.uk").count() == 1
    # The same file again changes nothing.
    again = check(client_for(admin_user), north, *lines)
    assert rows_of(again, "unchanged") == [2, 3]
    assert unchanged.pk in [s.user.pk for s in again.context["plan"].of("unchanged")]


def test_a_person_of_another_school_of_the_organisation_joins_this_one(
    client_for, admin_user, north, river
):
    person = UserFactory(
        username="shared",
        first_name="Sam",
        last_name="Shared",
        email="sam@northfield.sch.uk",
        roles=[Role.TECHNICIAN],
        roles__school=river,
    )
    checked = check(client_for(admin_user), north, "Name,Email", "Sam Shared,sam@northfield.sch.uk")
    assert "Joins Northfield Primary (User role)" in parse(checked.content.decode()).text
    confirm(client_for(admin_user), north, checked)
    assert set(Membership.objects.filter(person=person).values_list("role", "school")) == {
        (Role.TECHNICIAN, river.pk),
        (Role.USER, north.pk),
    }


def test_someone_who_left_before_being_added_is_not_added(client_for, admin_user, north):
    checked = check(
        client_for(admin_user),
        north,
        HEADER,
        "Gone,Before,gone@northfield.sch.uk,Teacher,2020-07-20",
        "Here,Now,here@northfield.sch.uk,Teacher,",
    )
    assert rows_of(checked, "skipped") == [2]
    confirm(client_for(admin_user), north, checked)
    assert not User.objects.filter(email="gone@northfield.sch.uk").exists()
    assert User.objects.filter(email="here@northfield.sch.uk").exists()


def test_people_in_the_directory_but_not_in_the_file_are_listed_and_left_alone(
    client_for, admin_user, north
):
    first = check(
        client_for(admin_user),
        north,
        "Name,Email",
        "Amira Khan,a@northfield.sch.uk",
        "Paul Grant,p@northfield.sch.uk",
    )
    confirm(client_for(admin_user), north, first)
    second = check(client_for(admin_user), north, "Name,Email", "Amira Khan,a@northfield.sch.uk")
    assert "Paul Grant" in parse(second.content.decode()).testid("not-in-file").text
    assert User.objects.get(email="p@northfield.sch.uk").is_active


def test_the_people_changing_between_check_and_confirm_imports_nothing(
    client_for, admin_user, north
):
    person = UserFactory(
        username="hwood", first_name="Helen", last_name="Wood", email="h@northfield.sch.uk",
        roles=[Role.USER], roles__school=north,
    )  # fmt: skip
    client = client_for(admin_user)
    checked = check(
        client, north, "Name,Email", "Helen Wood-Jones,h@northfield.sch.uk", "New One,n@nps.example"
    )
    User.objects.filter(pk=person.pk).update(last_name="Changed elsewhere")

    again = confirm(client, north, checked)

    assert again.status_code == 200
    assert "nothing was imported" in parse(again.content.decode()).testid("plan-changed").text
    assert not User.objects.filter(email="n@nps.example").exists()
    person.refresh_from_db()
    assert person.last_name == "Changed elsewhere"
    assert "Surname: Changed elsewhere → Wood-Jones" in again.content.decode()


def test_dates_in_the_future_are_recorded_not_carried_out(client_for, admin_user, north):
    today = timezone.localdate()
    checked = check(
        client_for(admin_user),
        north,
        "Name,Email,Leaving date",
        f"Soon Gone,soon@northfield.sch.uk,{(today + timedelta(days=1)).isoformat()}",
    )
    confirm(client_for(admin_user), north, checked)
    record = StaffRecord.objects.get(person__email="soon@northfield.sch.uk")
    assert record.leaves_on == today + timedelta(days=1) and record.left_on is None
    assert record.person.is_active
    assert isinstance(record.leaves_on, date)


def test_the_import_page_marks_a_leaver_and_shows_them_in_the_directory(
    client_for, admin_user, north
):
    leaver = UserFactory(
        username="lena", first_name="Lena", last_name="Leaver", email="lena@northfield.sch.uk",
        roles=[Role.USER], roles__school=north,
    )  # fmt: skip
    client = client_for(admin_user)
    url = reverse("staff_import", args=[north.code])
    today = timezone.localdate().strftime("%d/%m/%Y")
    upload = f"Name,Email,Leaving date\nLena Leaver,{leaver.email},{today}\n".encode()
    checked = client.post(url, {"file": SimpleUploadedFile("s.csv", upload)})
    leaving = parse(checked.content.decode()).testid("plan-leaves").text
    assert "Lena Leaver" in leaving and "account switched off" in leaving
    assert User.objects.get(pk=leaver.pk).is_active  # the dry run changed nothing
    client.post(url, {"confirm": checked.context["token"]})
    directory = parse(client.get(url).content.decode()).testid("directory").text
    assert "Lena Leaver" in directory and "left" in directory


def test_a_person_holding_roles_across_the_organisation_does_not_join_again(
    client_for, admin_user, river, reporter
):
    checked = check(client_for(admin_user), river, "Name,Email", f"Rita Reporter,{reporter.email}")
    assert rows_of(checked, "unchanged") == [2]


def test_a_school_sized_file_goes_through_the_confirmation(client_for, admin_user, north):
    lines = ["First name,Surname,Email,Staff role,Leaving date"] + [
        f"Person{n},Surname{n},person{n}@northfield.sch.uk,Teaching assistant," for n in range(600)
    ]
    client = client_for(admin_user)
    checked = check(client, north, *lines)
    assert len(rows_of(checked, "new")) == 600
    confirm(client, north, checked)
    assert StaffRecord.objects.filter(school=north).count() == 600
    again = check(client, north, *lines)
    assert len(rows_of(again, "unchanged")) == 600


def test_the_directory_page_runs_the_same_queries_for_few_or_many_people(
    client_for, admin_user, north
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(admin_user)

    def queries_with(count):
        for n in range(StaffRecord.objects.count(), count):
            person = UserFactory(username=f"p{n}", roles=[Role.USER], roles__school=north)
            StaffRecord.objects.create(school=north, person=person, staff_role="Teacher")
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url(north))
        assert len(parse(page.content.decode()).testid("directory").find_all("tr")) == count + 1
        return len(captured)

    assert queries_with(2) == queries_with(25)
