"""What real staff list exports look like, and files that cannot be read: each is read
kindly or refused with a message next to the upload field, and nothing is saved."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import StaffRecord, User
from tests.directory_helpers import (
    check,
    confirm,
    errors_of,
)
from tests.html import parse

pytestmark = pytest.mark.django_db


def test_a_real_export_with_its_own_spellings_a_bom_semicolons_and_uk_dates(
    client_for, admin_user, north
):
    later = (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y")
    checked = check(
        admin_user and client_for(admin_user),
        north,
        "\ufeffTitle;Forename;Legal Surname;E-mail Address;Job Title;Date of Leaving",
        f"Mrs;Helen;Wood;h.wood@northfield.sch.uk;Head of science;{later}",
        "Mr;Ian;O'Neil;i.oneil@northfield.sch.uk;;",
    )
    assert errors_of(checked) == {}
    assert checked.context["plan"].reading.ignored_columns == ["Title"]
    confirm(client_for(admin_user), north, checked)
    helen = StaffRecord.objects.get(person__email="h.wood@northfield.sch.uk")
    assert helen.leaves_on == timezone.localdate() + timedelta(days=30)
    assert helen.person.is_active and helen.left_on is None  # leaves on the day, not before
    assert User.objects.get(email="i.oneil@northfield.sch.uk").last_name == "O'Neil"


def test_one_name_column_surname_first_or_not(client_for, admin_user, north):
    checked = check(
        client_for(admin_user),
        north,
        "Staff name,Work email",
        '"Khan, Amira",a.khan@northfield.sch.uk',
        "Mary Ann Smith,m.smith@northfield.sch.uk",
    )
    confirm(client_for(admin_user), north, checked)
    assert User.objects.filter(first_name="Amira", last_name="Khan").exists()
    assert User.objects.filter(first_name="Mary Ann", last_name="Smith").exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("staff.xlsx", b"First name,Email\n", "is not a CSV file"),
        ("staff.csv", b"PK\x03\x04\x14\x00\x06\x00", "This is an Excel workbook, not a CSV file"),
        ("staff.csv", b"Name,Email\nA\x00B,a@northfield.sch.uk\n", "NUL characters"),
        ("staff.csv", b"", "The submitted file is empty."),
        ("staff.csv", b"   \n", "The file is empty"),
        ("staff.csv", b"Name,Phone\nAmira,0161\n", "The file has no e-mail column"),
        ("staff.csv", b"Email,Email\n", "Two columns are email"),
        ("staff.csv", b"Role,Email\nTeacher,a@b.example\n", "The file has no name column"),
        ("staff.csv", b"Name,Email\n" + b"x" * (1024 * 1024), "the limit is 1.0"),
        ("staff.csv", b"Name,Email\n" + b"A,a@nps.example\n" * 5001, "at most 5,000"),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_message_next_to_the_field(
    client_for, admin_user, north, name, data, message
):
    response = check(client_for(admin_user), north, name=name, raw=data)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert message in parse(response.content.decode()).testid("upload").text
    assert not User.objects.filter(email__iendswith="nps.example").exists()
    assert StaffRecord.objects.count() == 0


def test_windows_and_utf16_exports_are_read(client_for, admin_user, north):
    cp1252 = "Name,Email\nZoë Brontë,zoe@northfield.sch.uk\n".encode("cp1252")
    checked = check(client_for(admin_user), north, raw=cp1252)
    assert [s.row.first_name for s in checked.context["plan"].of("new")] == ["Zoë"]
    utf16 = "Name\tEmail\nJosé Núñez\tjose@northfield.sch.uk\n".encode("utf-16")
    checked = check(client_for(admin_user), north, raw=utf16)
    assert [s.row.last_name for s in checked.context["plan"].of("new")] == ["Núñez"]


def test_line_breaks_and_control_characters_in_a_cell_become_one_line(
    client_for, admin_user, north
):
    checked = check(
        client_for(admin_user),
        north,
        raw=b'First name,Surname,Email,Staff role\n"Amira\nJane",Kh\x07an\xe2\x80\xae,'
        b'a@northfield.sch.uk,"Year 5\r\nteacher"\n',
    )
    (step,) = checked.context["plan"].of("new")
    assert (step.row.first_name, step.row.last_name, step.row.staff_role) == (
        "Amira Jane",
        "Khan",
        "Year 5 teacher",
    )
