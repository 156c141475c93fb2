"""Reading a staff list exported from a school's management information system.

Exports differ from one system (and one school) to the next, so the reader is kind
about the shape and strict about the content: any of the usual header spellings,
UTF-8 with or without a byte order mark (or Windows-1252, or UTF-16 as Excel's
"Unicode text"), commas, semicolons or tabs, dates as 2025-07-18 or 18/07/2025.
A row it cannot trust is reported with its row number (as the spreadsheet shows
it: the header is row 1) and the reason; a file it cannot read at all is refused
with one message for the upload field.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
NAME_MAX = 150
ROLE_MAX = 120
EMAIL_MAX = 254
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y")

# Each column the import reads, by the names exports give it (compared after
# `header_key`: lower case, anything but letters and digits as one "_").
HEADERS = {
    "first_name": {
        "first_name", "firstname", "forename", "forenames", "given_name", "preferred_forename",
        "legal_forename", "preferred_first_name", "first",
    },
    "last_name": {
        "last_name", "lastname", "surname", "family_name", "legal_surname",
        "preferred_surname", "last",
    },
    "name": {"name", "full_name", "staff_name", "display_name", "preferred_name", "fullname"},
    "email": {
        "email", "e_mail", "email_address", "e_mail_address", "work_email", "school_email",
        "work_email_address", "school_email_address", "mail",
    },
    "staff_role": {
        "staff_role", "role", "job_title", "jobtitle", "post", "position", "job_role",
        "staff_type", "title_of_post",
    },
    "leaving_date": {
        "leaving_date", "date_of_leaving", "leave_date", "end_date", "employment_end_date",
        "date_left", "left_on", "leaving_on", "contract_end_date", "end_of_employment",
    },
}  # fmt: skip
_COLUMN_OF = {spelling: column for column, names in HEADERS.items() for spelling in names}
# A cell that a spreadsheet would run as a formula when the list is opened again.
_FORMULA = re.compile(r"^[=+\-@\t\r]")
# Line breaks and tabs inside a quoted cell: a name or a role is one line.
_BREAKS = re.compile(r"[\t\r\n\v\f\u2028\u2029\x85]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


class FileRefused(Exception):
    """The file as a whole cannot be read: the message is for the upload field."""


@dataclass(frozen=True)
class Person:
    """One good row: who the export says the person is."""

    number: int
    email: str
    first_name: str
    last_name: str
    staff_role: str
    leaves_on: date | None


@dataclass(frozen=True)
class RowError:
    number: int
    email: str
    message: str


@dataclass
class Reading:
    people: list[Person] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Which of the optional columns the file has: a column it leaves out changes nothing.
    has_role: bool = False
    has_leaving_date: bool = False
    ignored_columns: list[str] = field(default_factory=list)


def header_key(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lstrip("\ufeff").lower()).strip("_")


def decode(data: bytes) -> str:
    """The file's text, or FileRefused when it is not a text file we can read."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            "This is an Excel workbook, not a CSV file. In Excel choose File → Save As → "
            "“CSV UTF-8 (comma delimited)” and upload that file."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused("This file is not text: upload the staff list saved as CSV.")
    if "\x00" in text:
        raise FileRefused(
            "This file holds NUL characters, so it is not a plain CSV file: "
            "save the staff list as CSV and upload it again."
        )
    return text.lstrip("\ufeff")


def _delimiter(first_line: str) -> str:
    return max(",;\t", key=first_line.count)


def parse_date(text: str) -> date:
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(text)


def _cell(values: list[str], index: int | None) -> str:
    if index is None or index >= len(values):
        return ""
    return " ".join(_CONTROLS.sub("", _BREAKS.sub(" ", values[index])).split())


def _split_name(full: str) -> tuple[str, str]:
    """ "Khan, Amira" (surname first, as many systems write it) or "Amira Khan"."""
    if "," in full:
        last, first = (part.strip() for part in full.split(",", 1))
        return first, last
    first, _, last = full.rpartition(" ")
    return (first, last) if first else (full, "")


def read_staff_list(data: bytes) -> Reading:
    """The people of an export and its bad rows; FileRefused for an unreadable file."""
    if not data.strip():
        raise FileRefused("The file is empty: upload the staff list exported as CSV.")
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line)))
    except csv.Error as error:
        raise FileRefused(f"This file cannot be read as CSV ({error}).") from None
    if not records:
        raise FileRefused("The file is empty: upload the staff list exported as CSV.")
    header, *rows = records
    columns: dict[str, int] = {}
    reading = Reading()
    for index, name in enumerate(header):
        key = header_key(name)
        column = _COLUMN_OF.get(key)
        if column is None:
            if name.strip():
                reading.ignored_columns.append(_CONTROLS.sub("", name.strip())[:60])
            continue
        if column in columns:
            raise FileRefused(f"Two columns are {column.replace('_', ' ')}: keep one of them.")
        columns[column] = index
    if "email" not in columns:
        raise FileRefused(
            "The file has no e-mail column. The first row must name the columns, for "
            "example: First name, Surname, Email, Staff role, Leaving date."
        )
    if "name" not in columns and not {"first_name", "last_name"} & set(columns):
        raise FileRefused(
            "The file has no name column: add Name, or First name and Surname, to the first row."
        )
    if len(rows) > MAX_ROWS:
        raise FileRefused(f"The file has {len(rows):,} rows; at most {MAX_ROWS:,} can be read.")
    reading.has_role = "staff_role" in columns
    reading.has_leaving_date = "leaving_date" in columns
    first_row_of: dict[str, int] = {}
    for offset, values in enumerate(rows):
        number = offset + 2
        if not any(value.strip() for value in values):
            continue
        row = _read_row(number, values, columns, first_row_of)
        if isinstance(row, RowError):
            reading.errors.append(row)
        else:
            reading.people.append(row)
    return reading


def _read_row(
    number: int, values: list[str], columns: dict[str, int], first_row_of: dict[str, int]
) -> Person | RowError:
    email = _cell(values, columns.get("email"))
    shown = email[:EMAIL_MAX]

    def refuse(message: str) -> RowError:
        return RowError(number, shown, message)

    if not email:
        return refuse("No e-mail address.")
    if _FORMULA.match(email):
        return refuse("The e-mail address starts like a spreadsheet formula.")
    try:
        validate_email(email)
    except ValidationError:
        return refuse("The e-mail address is not valid.")
    if len(email) > EMAIL_MAX:
        return refuse(f"The e-mail address is longer than {EMAIL_MAX} characters.")
    key = email.lower()
    if key in first_row_of:
        return refuse(f"The same e-mail address is on row {first_row_of[key]}.")
    first_row_of[key] = number
    first, last = _cell(values, columns.get("first_name")), _cell(values, columns.get("last_name"))
    full = _cell(values, columns.get("name"))
    if full and not (first or last):
        first, last = _split_name(full)
    if not (first or last):
        return refuse("No name.")
    role = _cell(values, columns.get("staff_role"))
    for label, value, limit in (
        ("first name", first, NAME_MAX),
        ("surname", last, NAME_MAX),
        ("staff role", role, ROLE_MAX),
    ):
        if _FORMULA.match(value) and value.strip("-"):
            return refuse(f"The {label} starts like a spreadsheet formula (“{value[:40]}”).")
        if len(value) > limit:
            return refuse(f"The {label} is longer than {limit} characters.")
    if role.strip("-") == "":
        role = ""
    leaving = _cell(values, columns.get("leaving_date"))
    leaves_on = None
    if leaving:
        try:
            leaves_on = parse_date(leaving)
        except ValueError:
            return refuse(
                f"The leaving date “{leaving[:40]}” is not a date (use 18/07/2025 or 2025-07-18)."
            )
    return Person(number, email, first, last, role, leaves_on)
