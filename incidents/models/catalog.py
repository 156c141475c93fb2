"""The school's places, things and people to call: sites, rooms, categories,
priority targets, the equipment register and the support groups.

A site belongs to one school (its rooms, calendar and equipment follow it); support
groups belong to an organisation, shared by its schools or kept by one school."""

from django.db import models
from django.db.models.functions import Lower

from accounts.models import Organisation, School, default_organisation_id, default_school_id


class Site(models.Model):
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="sites", default=default_school_id
    )
    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=20, unique=True, help_text="Short code, e.g. MAIN.")
    address = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="site_name_unique_per_school"),
        ]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="room_unique_per_site"),
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Priority(models.IntegerChoices):
    CRITICAL = 1, "1 – Critical"
    HIGH = 2, "2 – High"
    MEDIUM = 3, "3 – Medium"
    LOW = 4, "4 – Low"
    PLANNING = 5, "5 – Planning"


class Impact(models.IntegerChoices):
    HIGH = 1, "High – a whole class, site or service"
    MEDIUM = 2, "Medium – several people"
    LOW = 3, "Low – one person"


class Urgency(models.IntegerChoices):
    HIGH = 1, "High – stops teaching now"
    MEDIUM = 2, "Medium – a work-around exists for today"
    LOW = 3, "Low – can wait"


def priority_for(impact: int, urgency: int) -> int:
    """Impact × urgency → priority: high/high is 1, low/low is 5."""
    return int(impact) + int(urgency) - 1


class TargetHours(models.TextChoices):
    """Which time a target counts: the site's opening hours, or every hour of the week."""

    SCHOOL = "school", "School hours (the site's calendar)"
    ALL = "all", "All hours (around the clock)"


class PriorityTarget(models.Model):
    """How fast the desk must respond and the service be restored, per priority."""

    priority = models.PositiveSmallIntegerField(choices=Priority.choices, unique=True)
    response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()
    hours = models.CharField(
        "counts",
        max_length=10,
        choices=TargetHours.choices,
        default=TargetHours.SCHOOL,
        help_text="School hours skip evenings, weekends, holidays and closure days.",
    )

    class Meta:
        ordering = ["priority"]

    def __str__(self) -> str:
        return self.get_priority_display()


# A school day in the default calendar (08:00–17:00), in minutes.
SCHOOL_DAY = 9 * 60

# (response, resolution) minutes per priority when the admin has set none. Priority 1
# counts all hours (an outage is chased in the evening too); the others count school
# hours, so "3 school days" is three days of the site's opening hours.
DEFAULT_TARGETS: dict[int, tuple[int, int]] = {
    Priority.CRITICAL: (30, 4 * 60),
    Priority.HIGH: (60, 8 * 60),
    Priority.MEDIUM: (4 * 60, 3 * SCHOOL_DAY),
    Priority.LOW: (SCHOOL_DAY, 5 * SCHOOL_DAY),
    Priority.PLANNING: (2 * SCHOOL_DAY, 10 * SCHOOL_DAY),
}
DEFAULT_TARGET_HOURS: dict[int, str] = {
    priority: TargetHours.ALL if priority == Priority.CRITICAL else TargetHours.SCHOOL
    for priority in Priority
}


class SupportLine(models.TextChoices):
    FIRST = "first", "Additional first-line"
    SECOND = "second", "Second-line"
    THIRD = "third", "Third-line"


class SupportGroupKind(models.TextChoices):
    SPECIALISED_TECHNICIAN = "specialised_technician", "More specialised technician in the school"
    CONFIGURATION = "configuration", "Configuration or change management specialist"
    THIRD_PARTY = "third_party", "Third-party support provider"
    ONLINE = "online", "Internet support group or online forum"
    OTHER_SCHOOL = "other_school", "Technician in another school or focus group"
    SOFTWARE = "software", "Specialist software support (operating systems, applications)"
    HARDWARE = "hardware", "Specialist hardware support (manufacturers of printers, PCs)"
    SUPPLIER = "supplier", "Specialist supplier (whiteboards, projectors, digital systems)"


class SupportGroup(models.Model):
    """A group the desk or a technician consults: in school, online or a supplier.

    Shared by every school of its organisation, or kept by one school."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="support_groups",
        default=default_organisation_id,
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_groups",
        help_text="Empty: shared by every school of the organisation.",
    )
    name = models.CharField(max_length=120)
    line = models.CharField(max_length=10, choices=SupportLine.choices)
    kind = models.CharField(max_length=30, choices=SupportGroupKind.choices)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["line", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="support_group_name_unique_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.school_id:
            self.organisation_id = self.school.organisation_id
        super().save(*args, **kwargs)

    def serves(self, school: School) -> bool:
        """Kept by this school, or shared by the school's organisation."""
        if self.school_id is not None:
            return self.school_id == school.pk
        return self.organisation_id == school.organisation_id


class SupportContact(models.Model):
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    hours = models.CharField(max_length=120, blank=True, help_text="e.g. Mon–Fri 8:00–17:00")
    account_reference = models.CharField("contract or account number", max_length=80, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["group__name", "name"]

    def __str__(self) -> str:
        return self.name


class EquipmentKind(models.TextChoices):
    PC = "pc", "PC"
    LAPTOP = "laptop", "Laptop"
    LAPTOP_TROLLEY = "laptop_trolley", "Laptop trolley"
    TABLET = "tablet", "Tablet"
    PRINTER = "printer", "Printer"
    PROJECTOR = "projector", "Projector"
    WHITEBOARD = "whiteboard", "Interactive whiteboard"
    DISPLAY = "display", "Display or screen"
    VISUALISER = "visualiser", "Visualiser"
    NETWORK = "network", "Network or Wi-Fi"
    SOFTWARE = "software", "Software or service"
    AUDIO = "audio", "Audio"
    OTHER = "other", "Other"


class Equipment(models.Model):
    """The asset register: what broke before answers "has it had this problem before"."""

    asset_tag = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=EquipmentKind.choices)
    make = models.CharField(max_length=80, blank=True)
    model = models.CharField(max_length=80, blank=True)
    serial_number = models.CharField(max_length=80, blank=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="equipment")
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="equipment"
    )
    supplier = models.ForeignKey(
        SupportGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="equipment",
        help_text="Who supplies or supports it.",
    )
    purchased_on = models.DateField(null=True, blank=True)
    warranty_until = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["asset_tag"]
        verbose_name_plural = "equipment"
        indexes = [
            models.Index(Lower("name"), name="equipment_name_lower"),
            models.Index(fields=["room"], name="equipment_room"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_tag} · {self.name}"
