"""Importing the equipment register from CSV in the admin: the file is checked in a dry
run first (nothing written), each bad row is named with its reason, a file with bad
rows cannot be confirmed and imports nothing, and a confirmed good file imports every
row in one go."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.models import Equipment, EquipmentKind, Room
from incidents.resources import COLUMNS
from tests.factories import EquipmentFactory, RoomFactory, SiteFactory, SupportGroupFactory
from tests.html import parse

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:incidents_equipment_import")
PROCESS = reverse("admin:incidents_equipment_process_import")
HEADER = ",".join(COLUMNS)
GOOD = [
    HEADER,
    "IT-001,Staff room printer,printer,HP,LaserJet M404,CNB123,MAIN,Staff room,,2023-09-01,2026-08-31",
    "IT-002,Hall projector,Projector,Epson,EB-685W,X5Y6,main,Main hall,projectors direct,01/09/2022,",
    'IT-003,"Whiteboard, lab 2",Interactive whiteboard,Promethean,AP7,,ANX,,,,',
]


@pytest.fixture
def places(site):
    RoomFactory(site=site, name="Staff room")
    SiteFactory(name="Annexe", code="ANX")
    SupportGroupFactory(name="Projectors Direct")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def check(client, *lines, encoding="utf-8"):
    """Upload a file: the admin's dry run."""
    upload = SimpleUploadedFile(
        "register.csv", ("\n".join(lines) + "\n").encode(encoding), content_type="text/csv"
    )
    return client.post(IMPORT, {"import_file": upload, "format": "0"})


def confirm(client, checked):
    """Confirm the import the dry run offered."""
    form = checked.context["confirm_form"]
    assert form is not None, "the dry run offered no confirmation"
    data = {name: form[name].value() for name in form.fields}
    return client.post(PROCESS, data)


def row_errors(response) -> dict[int, list[str]]:
    """Each bad row's number and its messages, as the page lists them."""
    result = response.context["result"]
    errors = {}
    for invalid in result.invalid_rows:
        errors[invalid.number] = [
            message for messages in invalid.error_dict.values() for message in messages
        ]
    for number, problems in result.row_errors():
        errors.setdefault(number, []).extend(str(problem.error) for problem in problems)
    return errors


def test_a_good_file_is_checked_then_imports_every_row(admin_client, places, site):
    checked = check(admin_client, *GOOD)

    assert checked.status_code == 200
    assert Equipment.objects.count() == 0  # the dry run writes nothing
    assert not Room.objects.filter(name="Main hall").exists()
    result = checked.context["result"]
    assert result.totals["new"] == 3 and not result.has_errors()
    page = parse(checked.content.decode())
    assert "IT-001" in page.text and "Confirm import" in page.text

    done = confirm(admin_client, checked)

    assert done.status_code == 302
    printer = Equipment.objects.get(asset_tag="IT-001")
    assert (printer.kind, printer.make, printer.model, printer.serial_number) == (
        EquipmentKind.PRINTER,
        "HP",
        "LaserJet M404",
        "CNB123",
    )
    assert (printer.site, printer.room.name) == (site, "Staff room")
    assert (printer.purchased_on, printer.warranty_until) == (date(2023, 9, 1), date(2026, 8, 31))
    projector = Equipment.objects.get(asset_tag="IT-002")
    assert projector.supplier.name == "Projectors Direct"
    assert projector.purchased_on == date(2022, 9, 1) and projector.warranty_until is None
    assert projector.room.name == "Main hall" and projector.site == site
    board = Equipment.objects.get(asset_tag="IT-003")
    assert (board.name, board.kind, board.site.code, board.room) == (
        "Whiteboard, lab 2",
        EquipmentKind.WHITEBOARD,
        "ANX",
        None,
    )
    assert Room.objects.filter(site=site, name="Main hall").count() == 1


def test_a_file_with_bad_rows_names_each_and_cannot_be_imported(admin_client, places):
    checked = check(
        admin_client,
        HEADER,
        "IT-001,Good printer,printer,,,,MAIN,,,,",
        "IT-002,,toaster,,,,NOWHERE,,,2024-13-01,",
        "IT-001,Same tag again,pc,,,,MAIN,,,,",
        "IT-004,Bad supplier,pc,,,,MAIN,,Nobody Ltd,,",
        "IT-005,Warranty before purchase,pc,,,,MAIN,,,2024-05-01,2023-05-01",
        "IT-007,Good laptop,laptop,,,,MAIN,New room,,,",
    )

    assert checked.context.get("confirm_form") is None  # all or nothing: no way to import
    assert Equipment.objects.count() == 0
    assert not Room.objects.filter(name="New room").exists()
    errors = row_errors(checked)
    assert sorted(errors) == [2, 3, 4, 5]
    second = " ".join(errors[2])
    assert "kind “toaster” is not one of: " + ", ".join(EquipmentKind.values) in second
    assert "no site with code “NOWHERE”" in second
    assert "This field cannot be blank." in second  # the name
    assert "2024-13-01" in second  # the date that is not one
    assert errors[3] == ["asset tag IT-001 is also on row 1"]
    assert errors[4] == ["no support group called “Nobody Ltd” (add it in the admin first)"]
    assert errors[5] == ["warranty_until is before purchased_on"]
    body = checked.content.decode()
    assert "toaster" in body and "Nobody Ltd" in body  # shown to the support admin


def test_known_tags_are_updated_and_absent_columns_left_alone(admin_client, places, site):
    EquipmentFactory(
        asset_tag="IT-001", name="Old name", site=site, make="Brother", serial_number="KEEP"
    )
    checked = check(
        admin_client,
        "asset_tag,name,kind,site_code",
        "IT-001,New name,printer,MAIN",
        "IT-009,New one,pc,ANX",
    )
    result = checked.context["result"]
    assert (result.totals["new"], result.totals["update"]) == (1, 1)
    confirm(admin_client, checked)
    updated = Equipment.objects.get(asset_tag="IT-001")
    assert (updated.name, updated.make, updated.serial_number) == ("New name", "Brother", "KEEP")
    assert Equipment.objects.get(asset_tag="IT-009").site.code == "ANX"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["asset_tag,name,site_code,colour", "X,Y,MAIN,red"], "Unknown column “colour”"),
        (["asset_tag,name,site_code", "X,Y,MAIN"], "Missing column: kind"),
        (["asset_tag,name,kind,site_code,name", "X,Y,pc,MAIN,Z"], "Column named twice: name"),
    ],
)
def test_a_file_with_wrong_columns_is_refused(admin_client, places, lines, message):
    checked = check(admin_client, *lines)
    assert checked.context.get("confirm_form") is None
    assert message in checked.content.decode()
    assert Equipment.objects.count() == 0


def test_a_byte_order_mark_and_spaced_headers_are_fine(admin_client, places):
    checked = check(admin_client, "\ufeffAsset tag , Name,KIND,Site code", "IT-1,PC 1,pc,MAIN")
    confirm(admin_client, checked)
    assert Equipment.objects.get(asset_tag="IT-1").name == "PC 1"


def test_the_equipment_register_links_the_support_admin_to_the_import(admin_client):
    page = parse(admin_client.get(reverse("incidents:equipment_list")).content.decode())
    assert IMPORT in page.hrefs()


@pytest.mark.parametrize("who", ["reporter", "desk", "technician"])
def test_only_the_support_admin_imports(client, request, who, places):
    client.force_login(request.getfixturevalue(who))
    assert client.get(IMPORT).status_code == 302  # to the admin's sign-in
    response = check(client, *GOOD)
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert Equipment.objects.count() == 0
