"""Importing the equipment register from CSV: a good file imports every row, a file
with bad rows imports nothing and names each bad row with its line and reason."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.equipment_import import COLUMNS, import_register
from incidents.models import Equipment, EquipmentKind, Room
from tests.factories import EquipmentFactory, RoomFactory, SiteFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db
IMPORT = reverse("incidents:equipment_import")
HEADER = ",".join(COLUMNS)


@pytest.fixture
def places(site):
    RoomFactory(site=site, name="Staff room")
    SiteFactory(name="Annexe", code="ANX")
    SupportGroupFactory(name="Projectors Direct")


def csv_file(*lines, name="register.csv", encoding="utf-8"):
    return SimpleUploadedFile(
        name, ("\n".join(lines) + "\n").encode(encoding), content_type="text/csv"
    )


GOOD = [
    HEADER,
    "IT-001,Staff room printer,printer,HP,LaserJet M404,CNB123,MAIN,Staff room,,2023-09-01,2026-08-31",
    "IT-002,Hall projector,Projector,Epson,EB-685W,X5Y6,main,Main hall,projectors direct,01/09/2022,",
    'IT-003,"Whiteboard, lab 2",Interactive whiteboard,Promethean,AP7,,ANX,,,,',
]


def upload(client, *lines, check_only=False, **kwargs):
    data = {"file": csv_file(*lines, **kwargs)}
    if check_only:
        data["check_only"] = "on"
    return client.post(IMPORT, data)


def test_a_good_file_imports_every_row(client, admin_user, places, site):
    client.force_login(admin_user)
    response = upload(client, *GOOD)

    assert response.status_code == 200
    report = response.context["report"]
    assert report.imported and report.ok and report.rows == 3
    assert sorted(report.created) == ["IT-001", "IT-002", "IT-003"] and report.updated == []
    assert report.new_rooms == ["MAIN: Main hall"]
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
    assert projector.supplier.name == "Projectors Direct" and projector.purchased_on == date(
        2022, 9, 1
    )
    assert projector.room.name == "Main hall" and projector.warranty_until is None
    board = Equipment.objects.get(asset_tag="IT-003")
    assert (board.name, board.kind, board.site.code, board.room) == (
        "Whiteboard, lab 2",
        EquipmentKind.WHITEBOARD,
        "ANX",
        None,
    )
    assert Room.objects.filter(site=site, name="Main hall").count() == 1
    assert "Imported 3 row(s): 3 added, 0 updated." in response.content.decode()


def test_a_file_with_bad_rows_imports_nothing_and_names_each_bad_row(client, admin_user, places):
    client.force_login(admin_user)
    response = upload(
        client,
        HEADER,
        "IT-001,Good printer,printer,,,,MAIN,,,,",
        "IT-002,,toaster,,,,NOWHERE,,,2024-13-01,",
        "IT-001,Same tag again,pc,,,,MAIN,,,,",
        "IT-004,Bad supplier,pc,,,,MAIN,,Nobody Ltd,,",
        "IT-005,Warranty before purchase,pc,,,,MAIN,,,2024-05-01,2023-05-01",
        "IT-006,Too few values,pc",
        "IT-007,Good laptop,laptop,,,,MAIN,,,,",
    )

    assert response.status_code == 400
    assert Equipment.objects.count() == 0
    assert not Room.objects.filter(name="").exists()
    report = response.context["report"]
    assert not report.imported and report.rows == 7
    errors = {error.line: error for error in report.row_errors}
    assert sorted(errors) == [3, 4, 5, 6, 7]
    assert errors[3].reasons == [
        "name is empty",
        "kind “toaster” is not one of: " + ", ".join(EquipmentKind.values),
        "no site with code “NOWHERE”",
        "purchased_on “2024-13-01” is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
    ]
    assert errors[4].reasons == ["asset tag IT-001 is also on line 2"]
    assert errors[5].reasons == ["no support group called “Nobody Ltd” (add it in the admin first)"]
    assert errors[6].reasons == ["warranty_until is before purchased_on"]
    assert errors[7].reasons == ["has 3 values but the header has 11 columns"]
    body = response.content.decode()
    assert "Nothing was imported" in body and "5 of 7 rows need correcting" in body
    assert 'data-line="3"' in body and "Line 7" in body


def test_line_numbers_count_multiline_cells_and_blank_lines(places):
    data = "\n".join(
        [
            HEADER,
            '"IT-1","Printer with a',
            'two-line name",printer,,,,MAIN,,,,',
            "",
            "IT-2,Bad kind,kettle,,,,MAIN,,,,",
        ]
    ).encode()
    report = import_register(data)
    assert [(e.line, e.asset_tag) for e in report.row_errors] == [(5, "IT-2")]
    assert Equipment.objects.count() == 0


def test_known_tags_are_updated_and_absent_columns_left_alone(admin_user, places, site):
    EquipmentFactory(
        asset_tag="IT-001", name="Old name", site=site, make="Brother", serial_number="KEEP"
    )
    report = import_register(
        b"asset_tag,name,kind,site_code\nIT-001,New name,printer,MAIN\nIT-009,New one,pc,ANX\n"
    )
    assert report.imported and report.updated == ["IT-001"] and report.created == ["IT-009"]
    updated = Equipment.objects.get(asset_tag="IT-001")
    assert (updated.name, updated.make, updated.serial_number) == ("New name", "Brother", "KEEP")


def test_check_only_reports_without_importing(client, admin_user, places):
    client.force_login(admin_user)
    response = upload(client, *GOOD, check_only=True)
    report = response.context["report"]
    assert report.ok and not report.imported and len(report.created) == 3
    assert Equipment.objects.count() == 0 and not Room.objects.filter(name="Main hall").exists()
    assert "nothing imported yet" in response.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"asset_tag,name,kind,site_code\n", "no rows"),
        (b"asset_tag,name,site_code,colour\nX,Y,MAIN,red\n", "Unknown column “colour”"),
        (b"asset_tag,name,site_code\nX,Y,MAIN\n", "Missing column: kind"),
        (b"asset_tag,name,kind,site_code,name\nX,Y,pc,MAIN,Z\n", "Column named twice: name"),
        (b"PK\x03\x04\x00\x00binary", "not a CSV file"),
    ],
)
def test_file_level_problems_are_reported(places, content, message):
    report = import_register(content)
    assert not report.ok and not report.imported
    assert message in " ".join(report.file_errors)
    assert Equipment.objects.count() == 0


def test_windows_spreadsheet_exports_are_read(places):
    data = "asset_tag,name,kind,site_code\r\nIT-1,Caf\u00e9 till,pc,MAIN\r\n".encode("cp1252")
    report = import_register(data)
    assert report.imported
    assert Equipment.objects.get().name == "Caf\u00e9 till"


def test_a_byte_order_mark_and_spaced_headers_are_fine(places):
    data = "\ufeffAsset tag , Name,KIND,Site code\nIT-1,PC 1,pc,MAIN\n".encode()
    assert import_register(data).imported


def test_the_page_offers_an_example_file(client, admin_user):
    client.force_login(admin_user)
    response = client.get(IMPORT + "?example=1")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[0] == HEADER


def test_no_file_is_an_error_next_to_the_field(client, admin_user):
    client.force_login(admin_user)
    response = client.post(IMPORT, {})
    assert "file" in response.context["form"].errors


@pytest.mark.parametrize("who", ["reporter", "desk", "technician"])
def test_only_the_support_admin_imports(client, request, who, places):
    client.force_login(request.getfixturevalue(who))
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"file": csv_file(*GOOD)}).status_code == 403
    assert Equipment.objects.count() == 0
