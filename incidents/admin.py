"""The support admin's tools: every record, with search, filters and sensible columns.

The admin never offers what the workflow forbids: an incident's state, people,
priority, dates and resolution change only through the workflow (which logs each
change), incidents are never deleted, and the call log and diagnostics are
append-only (no add, change or delete here).
"""

from django.contrib import admin
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV

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
    RequestAnswer,
    RequestQuestion,
    RequestType,
    Room,
    Site,
    SupportContact,
    SupportGroup,
)
from .resources import EquipmentResource


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
class SupportGroupAdmin(admin.ModelAdmin):
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


class RequestAnswerInline(ReadOnlyAdminMixin, admin.TabularInline):
    """A request's answers, kept as written."""

    model = RequestAnswer
    fields = ["label", "value"]
    readonly_fields = ["label", "value"]
    extra = 0


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
    list_filter = ["kind", "status", "priority", "site", "category", "channel", "closure_code"]
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
    inlines = [SheetInline, RequestAnswerInline, DiagnosticInline, CallLogInline]
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
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "status", "is_known_error", "proactive", "created_at"]
    list_filter = ["status", "is_known_error", "proactive", "category"]
    search_fields = ["title", "description", "root_cause", "workaround"]
    raw_id_fields = ["opened_by", "equipment"]

    @admin.display(description="reference", ordering="id")
    def reference(self, obj):
        return obj.reference


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(admin.ModelAdmin):
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


# ---------------------------------------------------------------- e-mail in

from .models import InboundMail, Mailbox  # noqa: E402


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    """The mailboxes `fetch_mail` reads. Secrets stay in the environment: a mailbox
    names the variable that holds its password or OAuth client secret."""

    list_display = ["name", "address", "host", "port", "auth", "active", "last_checked_at"]
    list_filter = ["active", "auth"]
    search_fields = ["name", "address", "host", "username"]
    readonly_fields = ["last_checked_at", "last_error"]
    fieldsets = [
        (None, {"fields": ["name", "address", "active"]}),
        ("Server", {"fields": ["host", "port", "use_tls", "folder", "username", "auth"]}),
        ("Password sign-in", {"fields": ["password_env"]}),
        (
            "OAuth 2.0 sign-in (XOAUTH2)",
            {
                "fields": [
                    "oauth_token_url",
                    "oauth_client_id",
                    "oauth_client_secret_env",
                    "oauth_scope",
                ]
            },
        ),
        ("Last check", {"fields": ["last_checked_at", "last_error"]}),
    ]


@admin.register(InboundMail)
class InboundMailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every message read: what it became and why. The desk works the unrecognised
    ones from its own list (Unrecognised mail)."""

    list_display = ["received_at", "sender", "subject", "status", "incident", "mailbox"]
    list_filter = ["status", "mailbox"]
    search_fields = ["sender", "subject", "message_id"]
    list_select_related = ["incident", "mailbox"]
    exclude = ["raw"]


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


class RequestQuestionInline(admin.TabularInline):
    model = RequestQuestion
    fields = ["order", "label", "help_text", "kind", "options", "required"]
    extra = 1


@admin.register(RequestType)
class RequestTypeAdmin(admin.ModelAdmin):
    """The catalogue of service requests: what people may ask for, its questions,
    its target and whether a named person approves it first."""

    list_display = [
        "name",
        "is_active",
        "needs_approval",
        "approver",
        "response_minutes",
        "resolution_minutes",
        "hours",
        "order",
    ]
    list_filter = ["is_active", "needs_approval", "hours"]
    search_fields = ["name", "description"]
    list_select_related = ["approver"]
    autocomplete_fields = ["approver"]
    fields = [
        "name",
        "description",
        "order",
        "is_active",
        ("response_minutes", "resolution_minutes", "hours"),
        ("needs_approval", "approver"),
    ]
    inlines = [RequestQuestionInline]

    def has_delete_permission(self, request, obj=None):
        # A type that was asked for stays (its requests point at it): take it out of
        # the catalogue by unticking "offered" instead.
        if obj is not None and obj.requests.exists():
            return False
        return super().has_delete_permission(request, obj)
