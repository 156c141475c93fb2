"""Importing the equipment register from CSV: all or nothing.

The whole file is read and every row checked before anything is written. A file
with one bad row imports nothing, and the report names each bad row by its line
number with the reason. A good file is written in one transaction: new asset tags
are added, known ones updated, and rooms the register mentions are created.

Columns (header row, any order; the first four are required):

    asset_tag,name,kind,make,model,serial_number,site_code,room,supplier,purchased_on,warranty_until
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction

from .models import Equipment, EquipmentKind, Room, Site, SupportGroup

COLUMNS = [
    "asset_tag",
    "name",
    "kind",
    "make",
    "model",
    "serial_number",
    "site_code",
    "room",
    "supplier",
    "purchased_on",
    "warranty_until",
]
REQUIRED = ["asset_tag", "name", "kind", "site_code"]
MAX_ROWS = 20_000
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"]

# Fields written from each column; `room` and `supplier` are resolved to rows.
LENGTHS = {
    "asset_tag": Equipment._meta.get_field("asset_tag").max_length,
    "name": Equipment._meta.get_field("name").max_length,
    "make": Equipment._meta.get_field("make").max_length,
    "model": Equipment._meta.get_field("model").max_length,
    "serial_number": Equipment._meta.get_field("serial_number").max_length,
    "room": Room._meta.get_field("name").max_length,
}
KINDS = {
    **{label.lower(): value for value, label in EquipmentKind.choices},
    **{value.lower(): value for value in EquipmentKind.values},
}


@dataclass
class RowError:
    line: int
    asset_tag: str
    reasons: list[str]


@dataclass
class ImportReport:
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    new_rooms: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    row_errors: list[RowError] = field(default_factory=list)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.row_errors


@dataclass
class _Row:
    line: int
    values: dict
    site: Site | None = None
    room_name: str = ""
    supplier: SupportGroup | None = None


def import_register(data: bytes, *, commit: bool = True) -> ImportReport:
    """Check the CSV and, when every row is good and `commit` is set, import it all."""
    report = ImportReport()
    text = _decode(data, report)
    if text is None:
        return report
    header, records = _read(text, report)
    if not report.ok:
        return report
    rows = _check_rows(header, records, report)
    if not report.ok:
        return report
    plan = _plan(header, rows, report)
    if not commit:
        return report
    try:
        with transaction.atomic():
            _write(header, plan)
    except IntegrityError:
        report.file_errors.append(
            "The register changed while the file was being imported. Nothing was imported: try again."
        )
        return report
    report.imported = True
    return report


def _decode(data: bytes, report: ImportReport) -> str | None:
    if b"\x00" in data[:4096]:
        report.file_errors.append(
            "That is not a CSV file (it looks like a spreadsheet or a binary file)."
        )
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    report.file_errors.append("The file's text could not be read: save it as CSV (UTF-8).")
    return None


def _read(text: str, report: ImportReport) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the records, each with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [_column_name(name) for name in next(reader)]
    except StopIteration:
        report.file_errors.append("The file is empty: it needs a header row and one row per item.")
        return [], []
    except csv.Error as error:
        report.file_errors.append(f"Line 1: {error}.")
        return [], []
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if unknown:
        report.file_errors.append(
            "Unknown column"
            + ("s " if len(unknown) > 1 else " ")
            + ", ".join(f"“{n}”" for n in unknown)
            + f". The columns are: {', '.join(COLUMNS)}."
        )
    if missing:
        report.file_errors.append(
            "Missing column" + ("s: " if len(missing) > 1 else ": ") + ", ".join(missing) + "."
        )
    if repeated:
        report.file_errors.append("Column named twice: " + ", ".join(repeated) + ".")
    if not report.ok:
        return header, []
    records = []
    line = reader.line_num + 1
    try:
        for record in reader:
            if any(value.strip() for value in record):
                records.append((line, record))
            if len(records) > MAX_ROWS:
                report.file_errors.append(f"The file has more than {MAX_ROWS:,} rows: split it.")
                return header, []
            line = reader.line_num + 1
    except csv.Error as error:
        report.file_errors.append(f"Line {line}: {error}.")
        return header, []
    if not records:
        report.file_errors.append("The file has a header but no rows.")
    return header, records


def _column_name(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _check_rows(header: list[str], records, report: ImportReport) -> list[_Row]:
    sites = {site.code.lower(): site for site in Site.objects.all()}
    groups = {group.name.lower(): group for group in SupportGroup.objects.all()}
    first_line_of: dict[str, int] = {}
    rows = []
    for line, record in records:
        reasons: list[str] = []
        if len(record) != len(header):
            tag = (
                record[header.index("asset_tag")].strip()
                if len(record) > header.index("asset_tag")
                else ""
            )
            report.row_errors.append(
                RowError(
                    line,
                    tag,
                    [f"has {len(record)} values but the header has {len(header)} columns"],
                )
            )
            continue
        values = {name: value.strip() for name, value in zip(header, record, strict=True)}
        row = _Row(line=line, values=values)
        for name in REQUIRED:
            if not values[name]:
                reasons.append(f"{name} is empty")
        for name, limit in LENGTHS.items():
            if limit is not None and len(values.get(name, "")) > limit:
                reasons.append(f"{name} is longer than {limit} characters")
        tag = values["asset_tag"]
        if tag:
            if tag in first_line_of:
                reasons.append(f"asset tag {tag} is also on line {first_line_of[tag]}")
            else:
                first_line_of[tag] = line
        if values["kind"]:
            kind = KINDS.get(values["kind"].lower())
            if kind is None:
                reasons.append(
                    f"kind “{values['kind']}” is not one of: {', '.join(EquipmentKind.values)}"
                )
            values["kind"] = kind
        if values["site_code"]:
            row.site = sites.get(values["site_code"].lower())
            if row.site is None:
                reasons.append(f"no site with code “{values['site_code']}”")
        row.room_name = values.get("room", "")
        if values.get("supplier"):
            row.supplier = groups.get(values["supplier"].lower())
            if row.supplier is None:
                reasons.append(
                    f"no support group called “{values['supplier']}” (add it in the admin first)"
                )
        for name in ("purchased_on", "warranty_until"):
            if name in values:
                parsed = _date(values[name])
                if parsed is False:
                    reasons.append(
                        f"{name} “{values[name]}” is not a date (use YYYY-MM-DD or DD/MM/YYYY)"
                    )
                    parsed = None
                values[name] = parsed
        if (
            values.get("purchased_on")
            and values.get("warranty_until")
            and (values["warranty_until"] < values["purchased_on"])
        ):
            reasons.append("warranty_until is before purchased_on")
        if reasons:
            report.row_errors.append(RowError(line, tag, reasons))
        else:
            rows.append(row)
    report.rows = len(records)
    return rows


def _date(text: str) -> date | bool | None:
    """A date, None for an empty cell, or False when it cannot be read."""
    if not text:
        return None
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return False


@dataclass
class _Plan:
    rooms_to_create: dict = field(default_factory=dict)  # (site_id, name lower) -> Room
    rooms: dict = field(default_factory=dict)
    new: list = field(default_factory=list)
    existing: list = field(default_factory=list)


def _plan(header: list[str], rows: list[_Row], report: ImportReport) -> _Plan:
    """Work out what would change: new and updated equipment, rooms to create."""
    plan = _Plan()
    site_ids = {row.site.pk for row in rows}
    for room in Room.objects.filter(site_id__in=site_ids):
        plan.rooms[(room.site_id, room.name.lower())] = room
    for row in rows:
        if row.room_name:
            key = (row.site.pk, row.room_name.lower())
            if key not in plan.rooms:
                plan.rooms[key] = plan.rooms_to_create[key] = Room(
                    site=row.site, name=row.room_name
                )
                report.new_rooms.append(f"{row.site.code}: {row.room_name}")
    tags = [row.values["asset_tag"] for row in rows]
    known = {}
    for start in range(0, len(tags), 500):
        for item in Equipment.objects.filter(asset_tag__in=tags[start : start + 500]):
            known[item.asset_tag] = item
    for row in rows:
        existing = known.get(row.values["asset_tag"])
        if existing is None:
            item = Equipment(asset_tag=row.values["asset_tag"])
            plan.new.append((row, item))
            report.created.append(item.asset_tag)
        else:
            plan.existing.append((row, existing))
            report.updated.append(item.asset_tag)
    return plan


def _write(header: list[str], plan: _Plan) -> None:
    Room.objects.bulk_create(plan.rooms_to_create.values())
    if plan.rooms_to_create:
        # Some databases do not return the new keys from bulk_create: read them back.
        for room in Room.objects.filter(site_id__in={key[0] for key in plan.rooms_to_create}):
            plan.rooms[(room.site_id, room.name.lower())] = room
    fields = _fields_from(header)
    for row, item in plan.new + plan.existing:
        _fill(item, row, fields, plan.rooms)
    Equipment.objects.bulk_create([item for _, item in plan.new], batch_size=500)
    if plan.existing:
        Equipment.objects.bulk_update([item for _, item in plan.existing], fields, batch_size=500)


def _fields_from(header: list[str]) -> list[str]:
    """The model fields the file's columns set (an absent column leaves its field alone)."""
    names = {"site_code": "site"}
    return [names.get(column, column) for column in header if column != "asset_tag"]


def _fill(item: Equipment, row: _Row, fields: list[str], rooms: dict) -> None:
    for name in fields:
        if name == "site" and row.site is not None:  # every row has its site by now
            item.site = row.site
        elif name == "room":
            item.room = rooms[(row.site.pk, row.room_name.lower())] if row.room_name else None
        elif name == "supplier":
            item.supplier = row.supplier
        else:
            setattr(item, name, row.values[name])


def template_csv() -> str:
    """An example file with the header and one row, offered for download on the page."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "IT-00123",
            "Staff room printer",
            "printer",
            "HP",
            "LaserJet M404",
            "CNB1234567",
            "MAIN",
            "Staff room",
            "",
            "2023-09-01",
            "2026-08-31",
        ]
    )
    return out.getvalue()
