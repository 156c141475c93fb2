"""Importing the equipment register from a spreadsheet, in the admin (django-import-export).

The admin first checks the whole file in a dry run and shows each row's changes or its
errors; only a file without errors can be confirmed, and the import then runs in one
transaction, so it is all rows or none. New asset tags are added, known ones updated
(columns the file leaves out are left alone), and rooms the register names are created.

Columns (header row, any order, spaces or capitals in names are fine; the first four
are required):

    asset_tag,name,kind,make,model,serial_number,site_code,room,supplier,purchased_on,warranty_until
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

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
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")
KINDS = {
    **{label.lower(): value for value, label in EquipmentKind.choices},
    **{value.lower(): value for value in EquipmentKind.values},
}


def column_name(name: str) -> str:
    return name.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("-", "_")


class KindWidget(widgets.Widget):
    """A kind by its value or its label, in any case."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return ""
        kind = KINDS.get(text.lower())
        if kind is None:
            raise ValueError(f"kind “{text}” is not one of: {', '.join(EquipmentKind.values)}")
        return kind


class DayWidget(widgets.DateWidget):
    """A date as schools' spreadsheets write it: 2024-09-01, 01/09/2024 or 01.09.2024."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        for form in DATE_FORMATS:
            try:
                return datetime.strptime(text, form).date()
            except ValueError:
                continue
        raise ValueError(f"“{text}” is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


class NamedWidget(widgets.ForeignKeyWidget):
    """A related row by a name or code, in any case, with a message that says which."""

    def __init__(self, model, field, missing):
        super().__init__(model, field)
        self.missing = missing

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        found = self.get_queryset(text, row).filter(**{f"{self.field}__iexact": text}).first()
        if found is None:
            raise ValueError(self.missing.format(text))
        return found


class RoomWidget(NamedWidget):
    """A room of the row's site; the import creates rooms it does not know yet."""

    def get_queryset(self, value, row, *args, **kwargs):
        return Room.objects.filter(site__code__iexact=str(row.get("site_code") or "").strip())


class EquipmentResource(resources.ModelResource):
    kind = fields.Field(attribute="kind", column_name="kind", widget=KindWidget())
    site_code = fields.Field(
        attribute="site",
        column_name="site_code",
        widget=NamedWidget(Site, "code", "no site with code “{}”"),
    )
    room = fields.Field(
        attribute="room", column_name="room", widget=RoomWidget(Room, "name", "no room “{}”")
    )
    supplier = fields.Field(
        attribute="supplier",
        column_name="supplier",
        widget=NamedWidget(
            SupportGroup, "name", "no support group called “{}” (add it in the admin first)"
        ),
    )
    purchased_on = fields.Field(
        attribute="purchased_on",
        column_name="purchased_on",
        widget=DayWidget(),
    )
    warranty_until = fields.Field(
        attribute="warranty_until",
        column_name="warranty_until",
        widget=DayWidget(),
    )

    class Meta:
        model = Equipment
        fields = COLUMNS
        import_id_fields = ["asset_tag"]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = False

    def before_import(self, dataset, **kwargs):
        """Read the header kindly, and refuse a file whose columns are wrong."""
        dataset.headers = [column_name(name) for name in dataset.headers or []]
        headers = dataset.headers
        problems = []
        unknown = [name for name in headers if name not in COLUMNS]
        if unknown:
            problems.append(
                f"Unknown column{'s' if len(unknown) > 1 else ''} "
                + ", ".join(f"“{name}”" for name in unknown)
                + f". The columns are: {', '.join(COLUMNS)}."
            )
        missing = [name for name in REQUIRED if name not in headers]
        if missing:
            problems.append(
                f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}."
            )
        repeated = sorted({name for name in headers if headers.count(name) > 1})
        if repeated:
            problems.append("Column named twice: " + ", ".join(repeated) + ".")
        if problems:
            raise ValueError(" ".join(problems))
        self._first_row_of: dict[str, int] = {}

    def before_import_row(self, row, row_number=None, **kwargs):
        for name in list(row):
            row[name] = str(row[name]).strip() if row[name] is not None else ""
        tag = row.get("asset_tag", "")
        if tag in self._first_row_of:
            raise ValidationError(
                {"asset_tag": f"asset tag {tag} is also on row {self._first_row_of[tag]}"}
            )
        if tag:
            self._first_row_of[tag] = row_number
        room, site_code = row.get("room"), row.get("site_code")
        site = Site.objects.filter(code__iexact=site_code).first() if site_code else None
        if room and site and not Room.objects.filter(site=site, name__iexact=room).exists():
            Room.objects.create(site=site, name=room)  # rolled back with a dry run or a bad file

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        bought, ends = instance.purchased_on, instance.warranty_until
        if bought and ends and ends < bought:
            raise ValidationError({"warranty_until": "warranty_until is before purchased_on"})
