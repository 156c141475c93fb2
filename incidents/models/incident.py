"""The call: an incident and the photos attached to it.

Its states and their words are in `states`; the sheet the user wrote in `sheet`; the
call log and diagnostics in `calllog`; consultations with support groups in
`consultations`."""

import contextlib
import contextvars
import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorExact
from django.db import models
from django.db.models import F, ProtectedError, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import School

from .catalog import Category, Equipment, Impact, Priority, Room, Site, Urgency
from .requests import Approval, CallKind, RequestType
from .states import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    Audience,
    HoldReason,
    Status,
    status_label,
)

# The end of time, for a call not yet closed: `Coalesce(closed_at, FAR_FUTURE)` is
# when a call stops being open (the index `incident_period_open_until`).
FAR_FUTURE = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)

# What the reports' period queries read of a call, kept in their indexes.
PERIOD_COLUMNS = [
    "id",
    "kind",
    "school",
    "site",
    "priority",
    "status",
    "logged_at",
    "responded_at",
    "response_due_at",
    "assigned_at",
    "resolution_due_at",
    "closure_code",
    "resolution_kind",
    "reopen_count",
    "paused_since",
    "paused_seconds",
]


class Channel(models.TextChoices):
    WEB = "web", "Incident sheet (web)"
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    IN_PERSON = "in_person", "In person"


class ClosureCode(models.TextChoices):
    FIXED = "fixed", "Fixed"
    WORKAROUND = "workaround", "Workaround in place"
    RESOLVED_ITSELF = "resolved_itself", "Resolved itself"
    DUPLICATE = "duplicate", "Duplicate"
    NO_FAULT_FOUND = "no_fault_found", "No fault found"
    NOT_AN_INCIDENT = "not_an_incident", "Not an incident"
    DECLINED = "declined", "Request declined by the approver"


class ResolutionKind(models.TextChoices):
    FIX = "fix", "Fix"
    WORKAROUND = "workaround", "Workaround"


class SearchDocumentField(models.Field):
    """The incident's words for search (see `incidents.search`): a `tsvector` on
    PostgreSQL (`document=SearchQuery(...)` is `@@`), plain text on other databases."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


# Set while a search walks the incidents newest first (`newest_first_walk`).
_walking = contextvars.ContextVar("search_walk_newest_first", default=False)


@contextlib.contextmanager
def newest_first_walk():
    """Queries compiled inside match the search document in a form no index answers
    (`DocumentMatch`), so PostgreSQL reads the incidents newest first and stops at
    the page: one statement, no planner setting."""
    token = _walking.set(True)
    try:
        yield
    finally:
        _walking.reset(token)


class DocumentMatch(SearchVectorExact):
    """`document @@ query`, which the GIN index answers; during a newest-first walk
    the same match as `ts_match_vq(document, query)`, the operator's own function:
    no index takes a function call, and PostgreSQL, estimating it as common, walks
    the incidents newest first (it takes phrases for rare otherwise, and would
    collect every match through the index, or read the whole table, and sort)."""

    def as_sql(self, compiler, connection):
        if not _walking.get():
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"ts_match_vq({lhs}, {rhs})", (*lhs_params, *rhs_params)


SearchDocumentField.register_lookup(DocumentMatch)


class IncidentQuerySet(models.QuerySet):
    def delete(self):
        raise ProtectedError("Incidents are never deleted: close them instead.", self)


class IncidentManager(models.Manager.from_queryset(IncidentQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> IncidentQuerySet:
        # Pages never show the search document, and a record loaded without it never
        # writes a stale copy back when saved.
        return super().get_queryset().defer("search_document")


class Incident(models.Model):
    """The call. Its status only ever changes through `incidents.workflow`."""

    summary = models.CharField("what is wrong, in a few words", max_length=200)
    # An incident, or a service request from the catalogue (counted apart in reports).
    kind = models.CharField(max_length=10, choices=CallKind.choices, default=CallKind.INCIDENT)
    request_type = models.ForeignKey(
        RequestType, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    # A request that needs approval: who approves it, and what they said.
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests_to_approve",
    )
    approval = models.CharField(max_length=10, choices=Approval.choices, blank=True)
    approval_decided_at = models.DateTimeField(null=True, blank=True)
    approval_reason = models.TextField(blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_incidents"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="entered_incidents",
        help_text="Who typed the sheet in: the reporter, or the desk on their behalf.",
    )
    channel = models.CharField(
        "how reported", max_length=12, choices=Channel.choices, default=Channel.WEB
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="incidents",
        help_text="The school of the site: set when the call is filed.",
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="incidents")
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    equipment = models.ForeignKey(
        Equipment, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    equipment_description = models.CharField(
        "equipment not in the list", max_length=200, blank=True
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    impact = models.PositiveSmallIntegerField(choices=Impact.choices, default=Impact.LOW)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.MEDIUM)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    hold_reason = models.CharField(max_length=12, choices=HoldReason.choices, blank=True)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_incidents",
        help_text="The service desk person who owns the call.",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="received_incidents",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_incidents",
        help_text="The technician working on it; empty while it waits in the technician pool.",
    )
    visit_date = models.DateField("planned technician visit", null=True, blank=True)
    technician_note = models.TextField("note for the technician", blank=True)

    created_at = models.DateTimeField("reported", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    logged_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    user_notified_at = models.DateTimeField(null=True, blank=True)

    # Target clock. Due times move on by the length of each pause when it ends.
    response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)

    known_fix_applied = models.BooleanField(default=False)
    knowledge_articles = models.ManyToManyField(
        "incidents.KnowledgeArticle", blank=True, related_name="incidents"
    )
    cause = models.TextField("cause found", blank=True)
    parts_used = models.TextField(blank=True)
    workaround = models.TextField(blank=True)
    resolution = models.TextField(blank=True)
    resolution_kind = models.CharField(max_length=12, choices=ResolutionKind.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolved_incidents",
    )
    closure_code = models.CharField(max_length=20, choices=ClosureCode.choices, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="closed_incidents",
    )
    # The paper file: who put the closed sheet away, and when.
    filed_away_at = models.DateTimeField("filed", null=True, blank=True)
    filed_away_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="filed_away_incidents",
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    problem = models.ForeignKey(
        "incidents.Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
    )
    reopen_count = models.PositiveSmallIntegerField(default=0)

    # The user's word that it works again, before a technician's visit.
    working_again_at = models.DateTimeField(null=True, blank=True)
    working_again_note = models.CharField(max_length=500, blank=True)

    # A technician's update the owner has not looked at yet.
    owner_unread = models.BooleanField(default=False)
    # One incident per submitted form, however often it is posted.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    # Summary, sheet answers and call-log text in one document, rewritten by the
    # workflow whenever one of them changes (`incidents.search.refresh_search_document`).
    search_document = SearchDocumentField(null=True, blank=True, editable=False)

    objects = IncidentManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="incident_status_created"),
            models.Index(fields=["school", "status", "-created_at"], name="incident_school_status"),
            models.Index(fields=["reporter", "-created_at"], name="incident_reporter_created"),
            models.Index(fields=["owner", "status"], name="incident_owner_status"),
            models.Index(fields=["assignee", "status"], name="incident_assignee_status"),
            models.Index(fields=["resolution_due_at"], name="incident_resolution_due"),
            models.Index(fields=["equipment", "-created_at"], name="incident_equipment_created"),
            models.Index(fields=["visit_date", "site"], name="incident_visit"),
            models.Index(fields=["priority", "-created_at"], name="incident_priority_created"),
            # Open calls by age (the queue's default view, the dashboard's oldest calls) and
            # the service report's periods by resolution and closure: see bench/README.md.
            models.Index(
                fields=["created_at"],
                condition=~models.Q(status="closed"),
                name="incident_open_created",
            ),
            # The reports' periods, read from the indexes alone (a trust's month is
            # 28,000 calls at a million; their rows are wide): the calls reported,
            # resolved or closed in a period, and those not closed before a moment
            # (`reporting.expressions.open_until`). See bench/README.md.
            models.Index(
                fields=["created_at"],
                include=[
                    *PERIOD_COLUMNS,
                    "resolved_at",
                    "closed_at",
                    "category",
                    "equipment",
                    "room",
                ],
                name="incident_period_created",
            ),
            models.Index(
                fields=["resolved_at"],
                include=[
                    "id",
                    "kind",
                    "school",
                    "site",
                    "priority",
                    "created_at",
                    "resolution_due_at",
                    "paused_seconds",
                ],
                name="incident_period_resolved",
            ),
            models.Index(
                fields=["closed_at"],
                include=["id", "kind", "school", "site", "created_at"],
                name="incident_period_closed",
            ),
            models.Index(
                Coalesce("closed_at", Value(FAR_FUTURE)),
                include=[
                    *PERIOD_COLUMNS,
                    "created_at",
                    "resolved_at",
                    "closed_at",
                    "owner",
                    "assignee",
                    "request_type",
                    "approval",
                    "approval_decided_at",
                ],
                name="incident_period_open_until",
            ),
            # The dashboard's backlog of one school over the last weeks (the calls
            # open at some moment since): that school's range, from the index alone,
            # where the key above walks every school's calls to keep one's.
            models.Index(
                F("school"),
                Coalesce("closed_at", Value(FAR_FUTURE)),
                include=["created_at", "closed_at", "kind"],
                name="incident_school_open_until",
            ),
            models.Index(fields=["kind", "-created_at"], name="incident_kind_created"),
            models.Index(fields=["approver", "status"], name="incident_approver_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="incident", request_type__isnull=True)
                | Q(kind="request", request_type__isnull=False),
                name="incident_request_has_a_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.summary}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("incidents:detail", args=[self.reference])

    def delete(self, *args, **kwargs):
        raise ProtectedError("Incidents are never deleted: close them instead.", {self})

    @property
    def reference(self) -> str:
        return format_reference("INC", self.pk)

    @property
    def is_request(self) -> bool:
        return self.kind == CallKind.REQUEST

    @property
    def kind_label(self) -> str:
        """ "Incident" or "Request": the marker the queue and the pages show."""
        return CallKind(self.kind).label

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_active(self) -> bool:
        """Not resolved or closed: someone still has to act (see `states`)."""
        return self.status in ACTIVE_STATUSES

    @property
    def status_label(self) -> str:
        """The state in the words staff see."""
        return status_label(self.status, Audience.STAFF)

    @property
    def status_for_user(self) -> str:
        """The state in the words the reporter sees."""
        return status_label(self.status, Audience.REPORTER, hold_reason=self.hold_reason)

    @property
    def workaround_history(self) -> list[dict]:
        """Every workaround recorded on the call, oldest first (see incidents.history)."""
        from incidents.history import workarounds

        return workarounds(self)

    @property
    def waits_for_user(self) -> bool:
        """The desk waits for the user's answer: asked for more, or on hold for them."""
        return self.status == Status.AWAITING_USER or (
            self.status == Status.ON_HOLD and self.hold_reason == HoldReason.USER
        )


def format_reference(prefix: str, pk: int | None) -> str:
    return f"{prefix}-{pk:06d}" if pk else f"{prefix}-new"


def parse_reference(prefix: str, reference: str) -> int | None:
    """`INC-000123` (or `123`) → 123; anything else → None, so lookups become 404s."""
    text = str(reference).strip().upper()
    if text.startswith(prefix + "-"):
        text = text[len(prefix) + 1 :]
    # ASCII digits only: `str.isdigit()` also takes "²" and "①", which `int()` refuses.
    if not (0 < len(text) <= 12 and text.isascii() and text.isdigit()):
        return None
    return int(text)


def attachment_path(instance, filename: str) -> str:
    """A generated name: nothing the uploader chose reaches the file system."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name
