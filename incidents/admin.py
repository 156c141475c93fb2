"""The support admin's tools: every record, with search, filters and sensible columns.

The admin never offers what the workflow forbids: an incident's state, people,
priority, dates and resolution change only through the workflow (which logs each
change), incidents are never deleted, and the call log and diagnostics are
append-only (no add, change or delete here).
"""

from django.contrib import admin
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV

from accounts import roles

from .models import (
    Attachment,
    CallLogEntry,
    Category,
    Consultation,
    DiagnosticEntry,
    Equipment,
    Incident,
    IncidentSheet,
    KnowledgeArticle,
    Notification,
    PriorityTarget,
    Problem,
    Room,
    Site,
    SupportContact,
    SupportGroup,
)
from .resources import EquipmentResource


class OrganisationOwnedAdmin(admin.ModelAdmin):
    """Records shared by an organisation's schools or kept by one (support groups,
    problems, articles): a person working for one organisation never picks it."""

    def _only_organisation(self, request):
        organisations = roles.catalogue_organisations(request.user)
        return next(iter(organisations)) if len(organisations) == 1 else None

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if self._only_organisation(request) is not None:
            exclude.append("organisation")
        return exclude

    def save_model(self, request, obj, form, change):
        only = self._only_organisation(request)
        if only is not None and not obj.school_id:
            obj.organisation_id = only
        super().save_model(request, obj, form, change)


class RoomInline(admin.TabularInline):
    model = Room
    extra = 1


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    inlines = [RoomInline]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "is_active"]
    list_filter = ["site", "is_active"]
    search_fields = ["name", "site__name"]
    list_select_related = ["site"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(PriorityTarget)
class PriorityTargetAdmin(admin.ModelAdmin):
    list_display = ["priority", "response_minutes", "resolution_minutes", "hours"]


class SupportContactInline(admin.StackedInline):
    model = SupportContact
    extra = 1
    fields = [("name", "role"), ("phone", "email"), ("hours", "account_reference"), "notes"]


@admin.register(SupportGroup)
class SupportGroupAdmin(OrganisationOwnedAdmin):
    list_display = ["name", "line", "kind", "is_active"]
    list_filter = ["line", "kind", "is_active"]
    search_fields = ["name", "description", "contacts__name", "contacts__account_reference"]
    inlines = [SupportContactInline]


@admin.register(SupportContact)
class SupportContactAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "phone", "email", "hours", "account_reference"]
    list_filter = ["group__line", "group"]
    search_fields = ["name", "email", "phone", "account_reference", "group__name"]
    list_select_related = ["group"]


@admin.register(Equipment)
class EquipmentAdmin(ImportMixin, admin.ModelAdmin):
    """The register, with an import from CSV: a dry run first, row errors shown, all or nothing."""

    resource_classes = [EquipmentResource]
    import_formats = [CSV]
    list_display = [
        "asset_tag",
        "name",
        "kind",
        "make",
        "model",
        "site",
        "room",
        "supplier",
        "is_active",
    ]
    list_filter = ["kind", "site", "is_active", "supplier"]
    search_fields = ["asset_tag", "name", "make", "model", "serial_number", "room__name"]
    list_select_related = ["site", "room", "supplier"]
    autocomplete_fields = ["room", "supplier"]


class ReadOnlyAdminMixin:
    """Shown, never added, changed or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SheetInline(admin.StackedInline):
    """The reporter's own words: kept as they were written."""

    model = IncidentSheet
    can_delete = False
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False


class CallLogInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CallLogEntry
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "kind", "from_status", "to_status", "is_public", "text")
    fields = readonly_fields


class DiagnosticInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DiagnosticEntry
    extra = 0
    readonly_fields = ("performed_at", "author", "action_taken", "result", "minutes_spent")
    fields = readonly_fields
    can_delete = False


# What the support admin may correct on an incident; everything else (state, people,
# priority, dates, version, resolution and closure) changes only through the workflow.
INCIDENT_EDITABLE = ["summary", "site", "room", "equipment", "equipment_description", "category"]
INCIDENT_WORKFLOW_FIELDS = [
    field.name
    for field in Incident._meta.get_fields()
    if field.concrete and not field.auto_created and field.name not in INCIDENT_EDITABLE
]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """A read-mostly view: state changes go through the workflow on the incident's page."""

    list_display = [
        "reference",
        "summary",
        "status",
        "priority",
        "site",
        "reporter",
        "owner",
        "assignee",
        "created_at",
    ]
    list_filter = ["status", "priority", "site", "category", "channel", "closure_code"]
    search_fields = [
        "id",
        "summary",
        "reporter__username",
        "reporter__last_name",
        "sheet__happened",
    ]
    list_select_related = ["site", "reporter", "owner", "assignee"]
    date_hierarchy = "created_at"
    raw_id_fields = ["equipment", "room"]
    fields = (*INCIDENT_EDITABLE, *INCIDENT_WORKFLOW_FIELDS)
    readonly_fields = tuple(INCIDENT_WORKFLOW_FIELDS)
    inlines = [SheetInline, DiagnosticInline, CallLogInline]
    show_full_result_count = False
    actions = None

    def has_add_permission(self, request):
        return False  # incidents are filed through the sheet or the desk's "log a call"

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="reference", ordering="id")
    def reference(self, obj):
        return obj.reference


@admin.register(CallLogEntry)
class CallLogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "incident", "actor", "kind", "from_status", "to_status", "is_public"]
    list_filter = ["kind", "is_public"]
    search_fields = ["text", "incident__id"]
    list_select_related = ["incident", "actor"]
    raw_id_fields = ["incident", "actor"]
    show_full_result_count = False


@admin.register(DiagnosticEntry)
class DiagnosticEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["performed_at", "incident", "author", "action_taken", "minutes_spent"]
    search_fields = ["action_taken", "result", "incident__id"]
    list_select_related = ["incident", "author"]
    raw_id_fields = ["incident", "author"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "incident",
        "content_type",
        "size",
        "uploaded_by",
        "created_at",
    ]
    search_fields = ["original_name", "incident__id"]
    list_select_related = ["incident", "uploaded_by"]
    raw_id_fields = ["incident", "uploaded_by"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = [
        "incident",
        "group",
        "contact",
        "case_reference",
        "status",
        "chase_on",
        "contacted_at",
    ]
    list_filter = ["status", "group__line", "group"]
    search_fields = ["case_reference", "reason", "answer", "group__name"]
    list_select_related = ["incident", "group", "contact"]
    raw_id_fields = ["incident", "opened_by"]


@admin.register(Problem)
class ProblemAdmin(OrganisationOwnedAdmin):
    list_display = ["reference", "title", "status", "is_known_error", "proactive", "created_at"]
    list_filter = ["status", "is_known_error", "proactive", "category"]
    search_fields = ["title", "description", "root_cause", "workaround"]
    raw_id_fields = ["opened_by", "equipment"]

    @admin.display(description="reference", ordering="id")
    def reference(self, obj):
        return obj.reference


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(OrganisationOwnedAdmin):
    list_display = ["title", "kind", "category", "equipment_kind", "is_published", "updated_at"]
    list_filter = ["kind", "is_published", "category", "equipment_kind"]
    search_fields = ["title", "symptoms", "body", "keywords"]
    raw_id_fields = ["problem", "created_by"]
    list_select_related = ["category"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "recipient",
        "event",
        "subject",
        "email_status",
        "attempts",
        "read_at",
    ]
    list_filter = ["event", "email_status"]
    search_fields = ["subject", "recipient__username"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "incident"]
    readonly_fields = ["attempts", "last_error", "sent_at"]


# ---------------------------------------------------------------- school time

from .models import Closure, OpeningHours, SchoolCalendar  # noqa: E402


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 1


@admin.register(SchoolCalendar)
class SchoolCalendarAdmin(admin.ModelAdmin):
    """A site's opening hours and closed days; targets in school hours skip the rest."""

    list_display = ["site", "bank_holidays"]
    list_select_related = ["site"]
    inlines = [OpeningHoursInline, ClosureInline]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "first_day", "last_day", "calendar"]
    list_filter = ["kind", "calendar"]
    list_select_related = ["calendar__site"]
    date_hierarchy = "first_day"


# ---------------------------------------------------------------- the visit rota

from . import admin_rota  # noqa: E402, F401 - registers the rota's admin
