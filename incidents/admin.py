"""The support admin's tools: every record, with search, filters and sensible columns.

Each list, each record and each choice list holds only the schools the person
administers (`accounts.roles.catalogue_schools`): a support admin their
organisation's schools, a school admin their school's catalogue (sites, rooms,
equipment, support groups and contacts, calendars). A superuser sees everything.

The admin never offers what the workflow forbids: an incident's state, people,
priority, dates and resolution change only through the workflow (which logs each
change), incidents are never deleted, and the call log and diagnostics are
append-only (no add, change or delete here).
"""

from django.contrib import admin
from django.db.models import Q
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV

from accounts import roles
from accounts.models import Organisation, School

from .models import (
    Attachment,
    CallLogEntry,
    Category,
    Closure,
    Consultation,
    DiagnosticEntry,
    Equipment,
    InboundMail,
    Incident,
    IncidentSheet,
    KnowledgeArticle,
    Mailbox,
    Notification,
    OpeningHours,
    PriorityTarget,
    Problem,
    RequestAnswer,
    RequestQuestion,
    RequestType,
    Room,
    SchoolCalendar,
    Site,
    SupportContact,
    SupportGroup,
)
from .resources import EquipmentResource


def _school_ids(request) -> frozenset[int] | None:
    """The schools the person administers; None for a superuser (every school)."""
    if request.user.is_superuser:
        return None
    return roles.catalogue_schools(request.user)


def _organisation_ids(request) -> frozenset[int] | None:
    """The organisations whose shared records the person administers (support admins)."""
    if request.user.is_superuser:
        return None
    return roles.organisations_where(request.user, roles.Role.ADMIN)


def within_schools(request, school_path: str) -> Q:
    """Records of the schools the person administers, by the path to their school."""
    schools = _school_ids(request)
    return Q() if schools is None else Q(**{f"{school_path}__in": schools})


def shared_or_within(request, prefix: str = "") -> Q:
    """Records of the person's schools, or shared by the organisations they administer."""
    schools, organisations = _school_ids(request), _organisation_ids(request)
    if schools is None or organisations is None:
        return Q()
    return Q(**{f"{prefix}school_id__in": schools}) | Q(
        **{f"{prefix}school__isnull": True, f"{prefix}organisation_id__in": organisations}
    )


# The choice lists of every form in the admin: only what the person administers.
CHOICES = {
    School: lambda request: School.objects.filter(within_schools(request, "pk")),
    Organisation: lambda request: Organisation.objects.filter(
        Q() if request.user.is_superuser else Q(pk__in=_organisation_ids(request))
    ),
    Site: lambda request: Site.objects.filter(within_schools(request, "school_id")),
    Room: lambda request: Room.objects.filter(within_schools(request, "site__school_id")),
    Equipment: lambda request: Equipment.objects.filter(within_schools(request, "site__school_id")),
    SchoolCalendar: lambda request: SchoolCalendar.objects.filter(
        within_schools(request, "site__school_id")
    ),
    SupportGroup: lambda request: SupportGroup.objects.filter(shared_or_within(request)),
    SupportContact: lambda request: SupportContact.objects.filter(
        shared_or_within(request, "group__")
    ),
    Problem: lambda request: Problem.objects.filter(shared_or_within(request)),
    Incident: lambda request: Incident.objects.filter(within_schools(request, "school_id")),
    RequestType: lambda request: RequestType.objects.filter(shared_or_within(request)),
    Mailbox: lambda request: Mailbox.objects.filter(shared_or_within(request)),
}


class SchoolScopedAdmin(admin.ModelAdmin):
    """Lists, records and choice lists limited to the schools the person administers.

    `school_path` leads from the record to its school; `shared` records (support
    groups, problems, articles) also show the ones shared by the organisation."""

    school_path = "school"
    shared = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.shared:
            return qs.filter(shared_or_within(request))
        return qs.filter(within_schools(request, self.school_path))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        chooser = CHOICES.get(db_field.related_model)
        if chooser is not None:
            kwargs["queryset"] = chooser(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedInline:
    """An inline's choice lists limited like its page's."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        chooser = CHOICES.get(db_field.related_model)
        if chooser is not None:
            kwargs["queryset"] = chooser(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class OrganisationOwnedAdmin(SchoolScopedAdmin):
    """Records shared by an organisation's schools or kept by one (support groups,
    problems, articles): a person working for one organisation never picks it."""

    shared = True

    def _only_organisation(self, request):
        organisations = roles.catalogue_organisations(request.user)
        return next(iter(organisations)) if len(organisations) == 1 else None

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if self._only_organisation(request) is not None:
            exclude.append("organisation")
        return exclude

    def get_fieldsets(self, request, obj=None):
        """Fieldsets without the organisation when the person has only one to pick."""
        fieldsets = super().get_fieldsets(request, obj)
        if self._only_organisation(request) is None:
            return fieldsets
        return [
            (name, {**options, "fields": _without_organisation(options["fields"])})
            for name, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        only = self._only_organisation(request)
        if only is not None and not obj.school_id:
            obj.organisation_id = only
        super().save_model(request, obj, form, change)


def _without_organisation(fields):
    kept = []
    for field in fields:
        if isinstance(field, (list, tuple)):
            field = tuple(name for name in field if name != "organisation")
            if not field:
                continue
            field = field[0] if len(field) == 1 else field
        elif field == "organisation":
            continue
        kept.append(field)
    return kept


class RoomInline(ScopedInline, admin.TabularInline):
    model = Room
    extra = 1


@admin.register(Site)
class SiteAdmin(SchoolScopedAdmin):
    school_path = "school_id"
    list_display = ["name", "code", "school", "is_active"]
    list_filter = ["is_active", "school"]
    list_select_related = ["school"]
    search_fields = ["name", "code"]
    inlines = [RoomInline]


@admin.register(Room)
class RoomAdmin(SchoolScopedAdmin):
    school_path = "site__school_id"

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


class SupportContactInline(ScopedInline, admin.StackedInline):
    model = SupportContact
    extra = 1
    fields = [("name", "role"), ("phone", "email"), ("hours", "account_reference"), "notes"]


@admin.register(SupportGroup)
class SupportGroupAdmin(OrganisationOwnedAdmin):
    list_display = ["name", "line", "kind", "school", "is_active"]
    list_filter = ["line", "kind", "is_active"]
    search_fields = ["name", "description", "contacts__name", "contacts__account_reference"]
    inlines = [SupportContactInline]


@admin.register(SupportContact)
class SupportContactAdmin(SchoolScopedAdmin):
    def get_queryset(self, request):
        return admin.ModelAdmin.get_queryset(self, request).filter(
            shared_or_within(request, "group__")
        )

    list_display = ["name", "group", "phone", "email", "hours", "account_reference"]
    list_filter = ["group__line", "group"]
    search_fields = ["name", "email", "phone", "account_reference", "group__name"]
    list_select_related = ["group"]


@admin.register(Equipment)
class EquipmentAdmin(ImportMixin, SchoolScopedAdmin):
    """The register, with an import from CSV: a dry run first, row errors shown, all or nothing."""

    school_path = "site__school_id"
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


class SheetInline(ScopedInline, admin.StackedInline):
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
class IncidentAdmin(SchoolScopedAdmin):
    school_path = "school_id"

    """A read-mostly view: state changes go through the workflow on the incident's page."""

    list_display = [
        "reference",
        "summary",
        "status",
        "priority",
        "school",
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
    list_select_related = ["school", "site", "reporter", "owner", "assignee"]
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
class CallLogEntryAdmin(ReadOnlyAdminMixin, SchoolScopedAdmin):
    school_path = "incident__school_id"

    list_display = ["at", "incident", "actor", "kind", "from_status", "to_status", "is_public"]
    list_filter = ["kind", "is_public"]
    search_fields = ["text", "incident__id"]
    list_select_related = ["incident", "actor"]
    raw_id_fields = ["incident", "actor"]
    show_full_result_count = False


@admin.register(DiagnosticEntry)
class DiagnosticEntryAdmin(ReadOnlyAdminMixin, SchoolScopedAdmin):
    school_path = "incident__school_id"

    list_display = ["performed_at", "incident", "author", "action_taken", "minutes_spent"]
    search_fields = ["action_taken", "result", "incident__id"]
    list_select_related = ["incident", "author"]
    raw_id_fields = ["incident", "author"]


@admin.register(Attachment)
class AttachmentAdmin(SchoolScopedAdmin):
    school_path = "incident__school_id"

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
class ConsultationAdmin(SchoolScopedAdmin):
    school_path = "incident__school_id"

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
class NotificationAdmin(SchoolScopedAdmin):
    """Notifications about the calls of the person's schools (and their own)."""

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        return qs.filter(within_schools(request, "incident__school_id") | Q(recipient=request.user))

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


@admin.register(Mailbox)
class MailboxAdmin(OrganisationOwnedAdmin):
    """The mailboxes `fetch_mail` reads. Secrets stay in the environment: a mailbox
    names the variable that holds its password or OAuth client secret."""

    list_display = ["name", "address", "host", "port", "auth", "active", "last_checked_at"]
    list_filter = ["active", "auth"]
    search_fields = ["name", "address", "host", "username"]
    readonly_fields = ["last_checked_at", "last_error"]
    fieldsets = [
        (None, {"fields": ["name", "address", "active"]}),
        ("Whose mail", {"fields": ["organisation", "school"]}),
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
    ones from its own list (Unrecognised mail). Only the mail of the mailboxes of the
    schools and organisations the person administers."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(shared_or_within(request, "mailbox__"))

    list_display = ["received_at", "sender", "subject", "status", "incident", "mailbox"]
    list_filter = ["status", "mailbox"]
    search_fields = ["sender", "subject", "message_id"]
    list_select_related = ["incident", "mailbox"]
    exclude = ["raw"]


# ---------------------------------------------------------------- school time


class OpeningHoursInline(ScopedInline, admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(ScopedInline, admin.TabularInline):
    model = Closure
    extra = 1


@admin.register(SchoolCalendar)
class SchoolCalendarAdmin(SchoolScopedAdmin):
    """A site's opening hours and closed days; targets in school hours skip the rest."""

    school_path = "site__school_id"
    list_display = ["site", "bank_holidays"]
    list_select_related = ["site"]
    inlines = [OpeningHoursInline, ClosureInline]


@admin.register(Closure)
class ClosureAdmin(SchoolScopedAdmin):
    school_path = "calendar__site__school_id"

    list_display = ["name", "kind", "first_day", "last_day", "calendar"]
    list_filter = ["kind", "calendar"]
    list_select_related = ["calendar__site"]
    date_hierarchy = "first_day"


class RequestQuestionInline(admin.TabularInline):
    model = RequestQuestion
    fields = ["order", "label", "help_text", "kind", "options", "required"]
    extra = 1


@admin.register(RequestType)
class RequestTypeAdmin(OrganisationOwnedAdmin):
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
        ("organisation", "school"),
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


# ---------------------------------------------------------------- the visit rota

from . import admin_rota  # noqa: E402, F401 - registers the rota's admin
