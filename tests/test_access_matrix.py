"""The access matrix: every named URL × every kind of person × the objects it shows.

The list of URLs comes from the URL resolver, so a new URL without a row here fails
the suite. Each cell checks what the person gets (the page, a 403, a 404 that does
not reveal the object exists, or the sign-in page), that nothing leaks (someone
else's incident text, internal notes and diagnostics), that no GET changes the
database, and that no POST is taken without its CSRF token.
"""

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from incidents import workflow
from incidents.models import (
    Attachment,
    CallLogEntry,
    Consultation,
    DiagnosticEntry,
    InboundMail,
    Incident,
    KnowledgeArticle,
    Notification,
    Problem,
)
from tests.factories import (
    EquipmentFactory,
    SupportContactFactory,
    file_incident,
    file_request,
    request_type,
)
from tests.portal_helpers import deliver_all

SENTINEL = "SENTINEL-7f3a-internal-only"
SUMMARY = "Room 12 projector shows no signal"
PEOPLE = ["anonymous", "reporter", "other_reporter", "desk", "technician", "admin_user"]
STAFF = {"desk", "technician", "admin_user"}
DESK = {"desk", "admin_user"}
SIGNED_IN = {"reporter", "other_reporter", *STAFF}
PUBLIC = {"anonymous", *SIGNED_IN}


@dataclass(frozen=True)
class Row:
    """What each person gets from one URL.

    `allowed` get a page (2xx, or a redirect that is not to the sign-in page);
    `hidden` get a 404 (the object's existence is not revealed); everyone else who
    is signed in gets 403 or 404; anonymous people are sent to sign in. People in
    `either` may be allowed or refused (a move their role may make in some states).
    """

    method: str
    args: str = ""
    allowed: frozenset = frozenset()
    hidden: frozenset = frozenset()
    either: frozenset = frozenset()
    public: bool = False


def row(method, args="", *, allowed=(), hidden=(), either=(), public=False):
    return Row(method, args, frozenset(allowed), frozenset(hidden), frozenset(either), public)


OWN_INCIDENT_VIEWERS = {"reporter", *STAFF}
REPORTER_MOVE = {"allowed": {"reporter"}, "hidden": {"other_reporter"}, "either": STAFF}
DESK_MOVE = {"allowed": DESK}
SUPPORT_MOVE = {"allowed": STAFF}

ROWS = {
    "healthz": row("GET", public=True, allowed=PUBLIC),
    "accessibility": row("GET", public=True, allowed=PUBLIC),
    "home": row("GET", allowed=SIGNED_IN),
    "login": row("GET", public=True, allowed=PUBLIC),
    "logout": row("POST", public=True, allowed=PUBLIC),
    "password_change": row("GET", allowed=SIGNED_IN),
    "password_change_done": row("GET", allowed=SIGNED_IN),
    "password_reset": row("GET", public=True, allowed=PUBLIC),
    "password_reset_done": row("GET", public=True, allowed=PUBLIC),
    "password_reset_complete": row("GET", public=True, allowed=PUBLIC),
    "password_reset_confirm": row("GET", "reset", public=True, allowed=PUBLIC),
    "mail_preferences": row("GET", allowed=SIGNED_IN),
    # The staff directory: a school's staff list, imported by the school's admins.
    "staff_directory": row("GET", allowed={"admin_user"}),
    "staff_import": row("GET", "school", allowed={"admin_user"}, hidden=SIGNED_IN - {"admin_user"}),
    # Signing in: the second factor's step (back to sign in without a password
    # first), and a school's sign-in: GET only asks to continue; the callback
    # without a sign-in started in this browser is refused (400).
    "second_factor": row("GET", public=True, allowed=PUBLIC),
    "sso_login": row("GET", "sso", public=True, allowed=PUBLIC),
    "sso_callback": row("GET", "sso", public=True, allowed=PUBLIC),
    # The incident and its side routes.
    "incidents:detail": row(
        "GET", "incident", allowed=OWN_INCIDENT_VIEWERS, hidden={"other_reporter"}
    ),
    "incidents:attachment": row(
        "GET", "attachment", allowed=OWN_INCIDENT_VIEWERS, hidden={"other_reporter"}
    ),
    "incidents:confirmation": row(
        "GET", "incident", allowed=OWN_INCIDENT_VIEWERS, hidden={"other_reporter"}
    ),
    "incidents:print": row("GET", "incident", allowed=STAFF, hidden={"other_reporter", "reporter"}),
    # The user's side.
    "incidents:report": row("GET", allowed=SIGNED_IN),
    "incidents:report_help": row("GET", allowed=SIGNED_IN),
    "incidents:equipment_search": row("GET", allowed=SIGNED_IN),
    "incidents:my_incidents": row("GET", allowed=SIGNED_IN),
    # Service requests: the catalogue, a type's form, and the approver's page and moves
    # (the world's request is the reporter's, approved by the support admin).
    "incidents:request_catalogue": row("GET", allowed=SIGNED_IN),
    "incidents:request_new": row("GET", "request_type", allowed=SIGNED_IN),
    "incidents:approvals": row("GET", allowed=SIGNED_IN),
    "incidents:approve": row("POST", "request", allowed={"admin_user"}, hidden={"other_reporter"}),
    "incidents:decline": row("POST", "request", allowed={"admin_user"}, hidden={"other_reporter"}),
    "incidents:answer": row("POST", "incident", **REPORTER_MOVE),
    "incidents:working_again": row("POST", "incident", **REPORTER_MOVE),
    "incidents:reopen": row("POST", "incident", **REPORTER_MOVE),
    "incidents:user_message": row("POST", "incident", **REPORTER_MOVE),
    "incidents:attach": row("POST", "incident", **REPORTER_MOVE),
    # Completing an e-mailed sheet: only before it is logged (the world's call is logged).
    "incidents:complete_sheet": row(
        "GET", "incident", allowed={"reporter"}, hidden={"other_reporter"}
    ),
    "incidents:notifications": row("GET", allowed=SIGNED_IN),
    "incidents:notification_open": row(
        "POST", "notification", allowed={"reporter"}, hidden=SIGNED_IN - {"reporter"}
    ),
    "incidents:notifications_read_all": row("POST", allowed=SIGNED_IN),
    "incidents:article_list": row("GET", allowed=SIGNED_IN),
    "incidents:article_detail": row("GET", "article", allowed=SIGNED_IN),
    # The service desk.
    "incidents:desk_queue": row("GET", allowed=DESK),
    "incidents:desk_export": row("GET", allowed=DESK),
    "incidents:desk_bulk": row("POST", allowed=DESK),
    "incidents:print_selection": row("GET", "selection", allowed=DESK),
    "incidents:print_closed": row("GET", allowed=DESK),
    "incidents:desk_log_call": row("GET", allowed=DESK),
    "incidents:desk_mail": row("GET", allowed=DESK),
    "incidents:desk_mail_attach": row("POST", "mail", allowed=DESK),
    "incidents:desk_mail_discard": row("POST", "mail", allowed=DESK),
    "incidents:return_to_user": row("POST", "incident", **DESK_MOVE),
    "incidents:accept": row("POST", "incident", **DESK_MOVE),
    "incidents:update_details": row("POST", "incident", **DESK_MOVE),
    "incidents:take_ownership": row("POST", "incident", **DESK_MOVE),
    "incidents:hand_over": row("POST", "incident", **DESK_MOVE),
    "incidents:request_technician": row("POST", "incident", **DESK_MOVE),
    "incidents:link_article": row("POST", "incident", **DESK_MOVE),
    "incidents:link_problem": row("POST", "incident", **DESK_MOVE),
    "incidents:close": row("POST", "incident", **DESK_MOVE),
    "incidents:mark_filed": row("POST", "incident", **DESK_MOVE),
    "incidents:mark_read": row("POST", "incident", **DESK_MOVE),
    "incidents:message_user": row("POST", "incident", **SUPPORT_MOVE),
    "incidents:add_note": row("POST", "incident", **SUPPORT_MOVE),
    # Technicians.
    "incidents:tech_home": row("GET", allowed={"technician", "admin_user"}),
    "incidents:visit_list": row("GET", allowed=STAFF),
    "incidents:visit_print": row("GET", allowed=STAFF),
    "incidents:take": row(
        "POST", "incident", allowed={"technician", "admin_user"}, either={"desk"}
    ),
    "incidents:start": row("POST", "incident", **SUPPORT_MOVE),
    "incidents:hold": row("GET", "incident", **SUPPORT_MOVE),
    "incidents:diagnose": row("GET", "incident", **SUPPORT_MOVE),
    "incidents:record_cause": row("GET", "incident", **SUPPORT_MOVE),
    "incidents:resolve": row("GET", "incident", **SUPPORT_MOVE),
    "incidents:consult": row("GET", "incident", **SUPPORT_MOVE),
    "incidents:escalate": row("GET", "incident", **SUPPORT_MOVE),
    "incidents:consultation_list": row("GET", allowed=STAFF),
    "incidents:consultation_detail": row("GET", "consultation", allowed=STAFF),
    # Problems and equipment.
    "incidents:problem_list": row("GET", allowed=STAFF),
    "incidents:problem_new": row("GET", allowed=STAFF),
    "incidents:problem_detail": row(
        "GET", "problem", allowed=STAFF, hidden={"reporter", "other_reporter"}
    ),
    "incidents:problem_edit": row(
        "GET", "problem", allowed=STAFF, hidden={"reporter", "other_reporter"}
    ),
    "incidents:problem_publish": row(
        "POST", "problem", allowed=STAFF, hidden={"reporter", "other_reporter"}
    ),
    "incidents:problem_resolve": row(
        "GET", "problem", allowed=STAFF, hidden={"reporter", "other_reporter"}
    ),
    "incidents:problem_investigate": row(
        "POST", "problem", allowed=STAFF, hidden={"reporter", "other_reporter"}
    ),
    "incidents:problem_close": row(
        "POST", "problem", allowed=STAFF, hidden={"reporter", "other_reporter"}
    ),
    "incidents:equipment_list": row("GET", allowed=STAFF),
    "incidents:equipment_detail": row(
        "GET", "equipment", allowed=STAFF, hidden={"reporter", "other_reporter"}
    ),
    # Reports.
    "incidents:dashboard": row("GET", allowed=DESK),
    "incidents:service_report": row("GET", allowed=DESK),
    "incidents:service_report_csv": row("GET", allowed=DESK),
}

# The visit rota: kept by the desk; a visit (a school and a day) seen by staff. A
# removal goes first for the desk, so the support admin after it may find it gone.
ROTA_ROWS = {
    "incidents:desk_rota": row("GET", allowed=DESK),
    "incidents:desk_rota_entry": row("GET", "rota_entry", allowed=DESK),
    "incidents:desk_rota_entry_remove": row(
        "POST", "rota_entry", allowed={"desk"}, either={"admin_user"}
    ),
    "incidents:desk_visit_change": row("POST", allowed=DESK),
    "incidents:desk_visit_change_remove": row(
        "POST", "visit_change", allowed={"desk"}, either={"admin_user"}
    ),
    "incidents:visit_day": row("GET", "visit", allowed=STAFF),
    "incidents:visit_day_print": row("GET", "visit", allowed=STAFF),
}
ROWS.update(ROTA_ROWS)


def _url_names(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


ALL_NAMES = sorted(set(_url_names()))
ADMIN_NAMES = [name for name in ALL_NAMES if name.startswith("admin:")]


def test_every_named_url_has_a_row():
    unlisted = [name for name in ALL_NAMES if name not in ROWS and not name.startswith("admin:")]
    assert unlisted == [], f"URLs without a row in the access matrix: {unlisted}"
    stale = [name for name in ROWS if name not in ALL_NAMES]
    assert stale == [], f"Rows for URLs that no longer exist: {stale}"


def build_world(request):
    """The reporter's incident with every kind of object hanging off it, and secrets inside."""
    reporter, desk, technician, admin_user, site = (
        request.getfixturevalue(name)
        for name in ("reporter", "desk", "technician", "admin_user", "site")
    )
    request.getfixturevalue("other_reporter")
    return populate(reporter, desk, technician, admin_user, site)


def populate(
    reporter, desk, technician, admin_user, site, *, summary=SUMMARY, secret=SENTINEL, school=None
):
    """The incident at `site` with every kind of object, its words `summary` and its
    internal text `secret`; the article and the group belong to `school` when given."""
    from django.core.files.base import ContentFile

    from tests.portal_helpers import image_bytes

    equipment = EquipmentFactory(site=site, name=f"{site.name} projector")
    incident = file_incident(reporter, site=site, summary=summary, equipment=equipment)
    attachment = Attachment.objects.create(
        incident=incident,
        uploaded_by=reporter,
        file=ContentFile(image_bytes(), name="photo.png"),
        original_name="photo.png",
        content_type="image/png",
        size=100,
    )
    workflow.incident_accept(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        category=None,
        impact=2,
        urgency=2,
    )
    workflow.incident_add_note(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        text=f"Internal: {secret}",
    )
    workflow.incident_request_technician(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        technician=technician,
    )
    workflow.incident_start(
        version=workflow.current_version(incident), incident=incident, by=technician
    )
    workflow.incident_diagnose(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        action_taken=f"Checked {secret}",
        result="ok",
    )
    contact = (
        SupportContactFactory(group__school=school, group__organisation=school.organisation)
        if school is not None
        else SupportContactFactory()
    )
    consultation = workflow.consultation_open(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        group=contact.group,
        contact=contact,
        reason=f"Why {secret}",
    )
    problem = workflow.problem_escalate(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        workaround=f"Spare projector {secret}",
        title="Projectors overheat",
    )
    workflow.incident_message_reporter(
        version=workflow.current_version(incident), incident=incident, by=desk, text="We are on it."
    )
    article = KnowledgeArticle.objects.create(
        title="Projector shows no signal" if school is None else f"Article at {summary}",
        symptoms="No signal",
        body="Press Source.",
        created_by=admin_user,
        **({"school": school, "organisation": school.organisation} if school else {}),
    )
    notification = Notification.objects.filter(recipient=reporter).first()
    from accounts.models import default_school
    from incidents.mail.intake import receive
    from incidents.models import Mailbox
    from tests.inbound_helpers import message

    mailbox_school = school or default_school()
    mailbox = Mailbox.objects.create(
        name=f"{mailbox_school.name} ICT",
        address=f"ict@{mailbox_school.code}.example",
        host="127.0.0.1",
        username="ict",
        school=mailbox_school,
    )
    unknown_mail = receive(
        message(sender="stranger@home.example", subject=summary, text=f"Hello {secret}"),
        mailbox=mailbox,
    )
    incident.refresh_from_db()
    kind = request_type(
        name="New account", approver=admin_user, **({"school": school} if school else {})
    )
    return {
        "request_type": kind,
        "request": file_request(
            reporter, kind, site=site, summary="An account for a new colleague"
        ),
        "incident": incident,
        "attachment": attachment,
        "consultation": consultation,
        "problem": problem,
        "equipment": equipment,
        "article": article,
        "notification": notification,
        "mail": unknown_mail,
    }


def _rota_args(row, world) -> list | None:
    """The rota's objects, made the first time a row needs them."""
    if row.args not in ("rota_entry", "visit_change", "visit"):
        return None
    from django.utils import timezone

    from incidents.models import RotaEntry, VisitChange, VisitChangeKind

    incident = world["incident"]
    technician = incident.assignee
    today = timezone.localdate()
    if row.args == "visit":
        return [incident.school.code, today.isoformat()]
    if row.args == "rota_entry":
        entry = RotaEntry.objects.create(
            technician=technician, school=incident.school, weekday=today.weekday(), starts_on=today
        )
        return [entry.pk]
    change = VisitChange.objects.create(
        technician=technician,
        school=incident.school,
        day=today,
        kind=VisitChangeKind.EXTRA,
        reason="Extra visit",
    )
    return [change.pk]


def _sso_args(row, world) -> list | None:
    """A school sign-in at the incident's school, made the first time a row needs it."""
    if row.args != "sso":
        return None
    from accounts.models import SchoolIdentity

    identity, _ = SchoolIdentity.objects.get_or_create(
        school=world["incident"].school,
        provider="microsoft",
        defaults={"tenant_id": "tenant-north", "client_id": "helpdesk", "secret_env": "NONE"},
    )
    return [identity.provider_id]


def _url(name, row, world):
    obj = world["incident"]
    rota_args = _rota_args(row, world) or _sso_args(row, world)
    if rota_args is not None:
        return reverse(name, args=rota_args)
    args = {
        "": [],
        "incident": [obj.reference],
        "attachment": [obj.reference, world["attachment"].pk],
        "notification": [world["notification"].pk],
        "article": [world["article"].pk],
        "consultation": [world["consultation"].pk],
        "problem": [world["problem"].reference],
        "equipment": [world["equipment"].pk],
        "mail": [world["mail"].pk],
        "reset": ["MQ", "set-password"],
        "school": [obj.school.code],
        "request": [world["request"].reference],
        "request_type": [world["request_type"].pk],
        "selection": [],
    }[row.args]
    url = reverse(name, args=args)
    if row.args == "selection":
        url += f"?ids={obj.pk}"
    return url


def _fingerprint():
    """What a GET must never change."""
    return (
        Incident.objects.count(),
        sum(Incident.objects.values_list("version", flat=True)),
        Incident.objects.filter(owner_unread=True).count(),
        CallLogEntry.objects.count(),
        DiagnosticEntry.objects.count(),
        Consultation.objects.count(),
        Problem.objects.count(),
        Attachment.objects.count(),
        Notification.objects.count(),
        Notification.objects.filter(read_at__isnull=True).count(),
        InboundMail.objects.count(),
        InboundMail.objects.filter(status__in=["unrecognised", "held"]).count(),
    )


def _client_for(person, request):
    client = Client()
    if person != "anonymous":
        client.force_login(request.getfixturevalue(person))
    return client


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.mark.parametrize("name", list(ROWS))
def test_access(name, world, request, matrix_tally):
    row = ROWS[name]
    url = _url(name, row, world)
    cells = leaks = 0
    try:
        for person in PEOPLE:
            client = _client_for(person, request)
            before = _fingerprint()
            response = client.get(url) if row.method == "GET" else client.post(url, {})
            body = _body(response)
            status = response.status_code
            assert status < 500, f"{name} as {person}: {status}"
            if row.method == "GET":
                assert _fingerprint() == before, f"GET {name} as {person} changed the database"

            if person in row.either and person != "anonymous":
                continue  # allowed or refused by state: nothing to check here
            cells += 1
            if person == "anonymous" and not row.public:
                assert status == 302 and "/login/" in response.url, (
                    f"{name}: anonymous got {status}"
                )
                continue
            if person in row.allowed:
                refused_by_sign_in = status == 302 and "/login/" in response.url and not row.public
                assert status in (200, 302, 400) and not refused_by_sign_in, (
                    f"{name} as {person}: {status}"
                )
            elif person in row.hidden:
                assert status == 404, f"{name} as {person}: {status}, expected 404"
            else:
                assert status in (403, 404), f"{name} as {person}: {status}, expected 403/404"
                leaks += SUMMARY in body
            if person in ("reporter", "other_reporter", "anonymous"):
                leaks += SENTINEL in body
            if person == "other_reporter":
                leaks += SUMMARY in body
            assert leaks == 0, f"{name} showed someone else's incident or internal text to {person}"
    finally:
        matrix_tally(url=name, cells=cells, leaks=leaks)
    assert cells >= len(PEOPLE) - len(row.either)


def test_matrix_figure(figure):
    """Every URL has a row and every row says who gets the page.

    The figure itself ("N cells, 0 leaks") is added up from the cells `test_access`
    actually checked and printed at the end of the run (see tests/conftest.py)."""
    unlisted = [name for name in ALL_NAMES if name not in ROWS and not name.startswith("admin:")]
    assert unlisted == []
    assert all(row.allowed or row.public for row in ROWS.values())
    assert set(ROWS) == {name for name in ALL_NAMES if not name.startswith("admin:")}
    figure(f"access matrix: {len(unlisted)} unlisted URLs of {len(ALL_NAMES)} named URLs")


def test_the_reporter_never_receives_internal_text_by_email(world, reporter):
    deliver_all()
    to_reporter = [m for m in mail.outbox if reporter.email in m.to]
    assert to_reporter, "the reporter was told about their incident"
    for message in to_reporter:
        assert SENTINEL not in message.subject + message.body


def _admin_url_for(name):
    """Admin URLs without arguments, or with an incident's primary key."""
    from django.urls import NoReverseMatch

    try:
        return reverse(name)
    except NoReverseMatch:
        pass
    return None


@pytest.mark.parametrize("person", ["anonymous", "reporter", "desk", "technician"])
def test_the_admin_namespace_is_for_support_admins_only(person, request, world):
    client = _client_for(person, request)
    checked = 0
    for name in ADMIN_NAMES:
        url = _admin_url_for(name)
        if url is None or name in ("admin:login", "admin:logout", "admin:jsi18n"):
            continue
        response = client.get(url)
        checked += 1
        assert response.status_code in (302, 403, 404), (
            f"{name} as {person}: {response.status_code}"
        )
        if response.status_code == 302:
            assert "/admin/login/" in response.url
    incident = world["incident"]
    for url in (
        reverse("admin:incidents_incident_change", args=[incident.pk]),
        reverse("admin:incidents_incident_history", args=[incident.pk]),
        reverse("admin:incidents_calllogentry_change", args=[incident.log.first().pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404)
        assert SENTINEL not in _body(response)
    assert checked > len(admin.site._registry)


def test_support_admin_opens_admin_object_pages(client_for, admin_user, world):
    incident = world["incident"]
    page = client_for(admin_user).get(
        reverse("admin:incidents_incident_change", args=[incident.pk])
    )
    assert page.status_code == 200
    assert SUMMARY in page.content.decode()


POSTS = [name for name, r in ROWS.items() if r.method == "POST"] + [
    "incidents:report",
    "incidents:hold",
    "incidents:diagnose",
    "incidents:resolve",
    "incidents:consult",
    "incidents:escalate",
    "incidents:problem_edit",
    "incidents:problem_resolve",
    "incidents:desk_log_call",
    "incidents:consultation_detail",
    "incidents:problem_new",
    "password_change",
    "staff_import",
]


@pytest.mark.parametrize("name", POSTS)
def test_a_post_without_its_csrf_token_is_refused(name, world, request):
    row = ROWS[name]
    person = (
        "admin_user" if not row.allowed or "admin_user" in row.allowed else sorted(row.allowed)[0]
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(request.getfixturevalue(person))
    before = _fingerprint()
    response = client.post(
        _url(name, row, world), {"text": "hello", "answer": "hello", "note": "x"}
    )
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    assert _fingerprint() == before


# ---------------------------------------------------------------- the school dimension

OWN, SAME_ORGANISATION, OTHER_ORGANISATION = (
    "own school",
    "another school of the organisation",
    "another organisation",
)
PLACES = [OWN, SAME_ORGANISATION, OTHER_ORGANISATION]
# The people of school A only, and whose cells of the matrix they follow at their own
# school (a person with a role at no incident there is like the other reporter).
SCHOOL_PEOPLE = {
    "reporter_a": "other_reporter",
    "desk_a": "desk",
    "technician_a": "technician",
    "admin_a": "admin_user",
    "school_admin_a": "other_reporter",
}


@pytest.fixture
def school_worlds(world, request):
    """The matrix's world at school A of the first organisation, the same at school B
    of that organisation and at school C of another, and people of school A only."""
    from accounts.models import default_school
    from accounts.roles import Role
    from tests.factories import OrganisationFactory, SchoolFactory, SiteFactory, UserFactory

    a = default_school()
    b = SchoolFactory(organisation=a.organisation, name="Beech School", code="beech")
    c = SchoolFactory(
        organisation=OrganisationFactory(name="Other council"), name="Cedar School", code="cedar"
    )
    worlds = {OWN: world}
    for place, school in ((SAME_ORGANISATION, b), (OTHER_ORGANISATION, c)):
        people = [
            UserFactory(username=f"{role}-{school.code}", roles=[role], roles__school=school)
            for role in (Role.USER, Role.DESK, Role.TECHNICIAN, Role.ADMIN)
        ]
        site = SiteFactory(school=school, name=f"{school.name} site", code=f"{school.code}-site")
        worlds[place] = populate(
            *people,
            site,
            summary=f"Call at {school.name} {school.code}-words",
            secret=f"SECRET-of-{school.code}",
            school=school,
        )
        worlds[place]["words"] = (f"{school.code}-words", f"SECRET-of-{school.code}")
    roles_of_a = {
        "reporter_a": [Role.USER],
        "desk_a": [Role.USER, Role.DESK],
        "technician_a": [Role.USER, Role.TECHNICIAN],
        "admin_a": [Role.USER, Role.ADMIN],
        "school_admin_a": [Role.SCHOOL_ADMIN],
    }
    people_of_a = {
        name: UserFactory(username=name, roles=roles, roles__school=a)
        for name, roles in roles_of_a.items()
    }
    return worlds, people_of_a


# Moves only one named person may make (the request's approver).
NAMED_PERSON_ONLY = {"incidents:approve", "incidents:decline"}
# Pages a school admin opens at their own school (the matrix's cast has none).
SCHOOL_ADMIN_PAGES = {"staff_directory", "staff_import"}


@pytest.mark.parametrize("name", list(ROWS))
def test_access_across_schools(name, school_worlds, matrix_tally):
    """Every URL × the people of school A × an object at A, at another school of the
    organisation and at another organisation: at A as the matrix says, elsewhere a
    404 (or 403 where the role has no business), and no page shows another school's
    words or internal text."""
    worlds, people = school_worlds
    row = ROWS[name]
    cells = leaks = 0
    try:
        for place in PLACES:
            url = _url(name, row, worlds[place])
            for person, follows in SCHOOL_PEOPLE.items():
                client = Client()
                client.force_login(people[person])
                before = _fingerprint()
                response = client.get(url) if row.method == "GET" else client.post(url, {})
                body = _body(response)
                status = response.status_code
                assert status < 500, f"{name} as {person} at {place}: {status}"
                if row.method == "GET":
                    assert _fingerprint() == before, f"GET {name} as {person} changed the database"
                if follows in row.either:
                    continue
                cells += 1
                if place == OWN:
                    if person == "school_admin_a" and name in SCHOOL_ADMIN_PAGES:
                        assert status in (200, 302), f"{name} as {person}: {status}"
                    elif follows in row.allowed and name in NAMED_PERSON_ONLY:
                        # Only the named approver decides: another admin is refused.
                        assert status in (200, 302, 400, 403), f"{name} as {person}: {status}"
                    elif follows in row.allowed:
                        assert status in (200, 302, 400), f"{name} as {person}: {status}"
                    elif follows in row.hidden:
                        assert status == 404, f"{name} as {person}: {status}, expected 404"
                    else:
                        assert status in (403, 404), f"{name} as {person}: {status}"
                    continue
                words, secret = worlds[place]["words"]
                # A school's sign-in is how its people arrive: any school's answers anyone.
                if row.args not in ("", "reset", "selection", "sso"):
                    expected = (404,) if follows in row.allowed | row.hidden else (403, 404)
                    assert status in expected, (
                        f"{name} as {person} with an object at {place}: {status}, "
                        f"expected {expected}"
                    )
                leaks += (words in body) + (secret in body)
                assert leaks == 0, f"{name} showed {person} something of {place}"
    finally:
        matrix_tally(url=name, cells=cells, leaks=leaks, schools=True)
    assert cells >= len(PLACES) * (len(SCHOOL_PEOPLE) - len(row.either))
