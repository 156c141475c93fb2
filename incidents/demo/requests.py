"""The demo's service-request catalogue (one type approved by the head teacher) and a
few requests, each moved through the real workflow on its own day."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from incidents import workflow
from incidents.models import (
    SCHOOL_DAY,
    CallKind,
    Category,
    ClosureCode,
    Incident,
    QuestionKind,
    RequestType,
    ResolutionKind,
    Room,
    Site,
    TargetHours,
)

from .clock import DemoClock, story_time

# name, description, (response, resolution) minutes, approver (username or None),
# questions: (label, help text, kind, options, required)
CATALOGUE = [
    (
        "New account",
        "A school account for someone joining the staff: e-mail, network sign-in and the "
        "management information system.",
        (4 * 60, 2 * SCHOOL_DAY),
        "head",
        [
            ("Full name of the new person", "As it appears on their contract.", "short", "", True),
            ("Job title", "", "short", "", True),
            ("First working day", "For example: Monday 5 January.", "short", "", True),
            (
                "Access needed",
                "",
                "choice",
                "Teaching staff\nSupport staff\nOffice and finance",
                True,
            ),
            ("Needs a laptop too?", "", "yes_no", "", True),
        ],
    ),
    (
        "Software install",
        "Installing a program on classroom or staff computers. Licensed software needs the "
        "licence before it can be installed.",
        (SCHOOL_DAY, 3 * SCHOOL_DAY),
        None,
        [
            ("Program and version", "For example: Scratch 3.", "short", "", True),
            (
                "Which computers?",
                "Asset tags, or the room if every computer there.",
                "long",
                "",
                True,
            ),
            ("Does the school have a licence?", "", "yes_no", "", True),
        ],
    ),
    (
        "Equipment move",
        "Moving a computer, printer, projector or whiteboard to another room.",
        (SCHOOL_DAY, 5 * SCHOOL_DAY),
        None,
        [
            ("What is to be moved?", "Asset tags if you know them.", "long", "", True),
            ("To which room?", "", "short", "", True),
            ("When can it be done?", "For example: after school on Wednesday.", "short", "", False),
        ],
    ),
    (
        "Room set-up",
        "Projector, sound and laptops ready in a room for an event, a parents' evening or an exam.",
        (2 * 60, SCHOOL_DAY),
        None,
        [
            ("What is the event?", "", "short", "", True),
            ("Date and time", "", "short", "", True),
            (
                "What is needed?",
                "",
                "choice",
                "Projector only\nProjector and sound\nLaptops for everyone",
                True,
            ),
            ("Anything else?", "", "long", "", False),
        ],
    ),
]


def load_request_catalogue(people: dict, schools: dict) -> None:
    """Create the request types that are missing, with their questions: the trust's
    catalogue, shared by its schools."""
    trust = schools["NPS"].organisation
    for order, (name, description, (response, resolution), approver, questions) in enumerate(
        CATALOGUE
    ):
        request_type, created = RequestType.objects.get_or_create(
            organisation=trust,
            name=name,
            defaults={
                "description": description,
                "response_minutes": response,
                "resolution_minutes": resolution,
                "hours": TargetHours.SCHOOL,
                "needs_approval": approver is not None,
                "approver": people[approver] if approver else None,
                "order": order,
            },
        )
        if not created:
            continue
        for index, (label, help_text, kind, options, required) in enumerate(questions):
            request_type.questions.create(
                label=label,
                help_text=help_text,
                kind=QuestionKind(kind),
                options=options,
                required=required,
                order=index,
            )


def _answers(request_type: RequestType, values: list[str]) -> list:
    return list(zip(request_type.questions.order_by("order"), values, strict=True))


def load_requests(people: dict, clock: DemoClock) -> None:
    """A fulfilled software install, an approved new account being worked on, and a
    room set-up just asked for; a new account waits for the head teacher."""
    if Incident.objects.filter(kind=CallKind.REQUEST).exists():
        return
    desk, tech = people["desk"], people["tech"]
    site = Site.objects.get(code="main")
    room = Room.objects.filter(site=site).order_by("name").first()
    category = Category.objects.order_by("name").first()
    install = RequestType.objects.get(name="Software install")
    account = RequestType.objects.get(name="New account")
    setup = RequestType.objects.get(name="Room set-up")

    day = clock.today - timedelta(days=12)
    with story_time(clock, timezone.make_aware(datetime.combine(day, time(9, 5)))):
        made, _ = workflow.request_file(
            by=people["science"],
            request_type=install,
            summary="Stellarium for the Year 9 astronomy topic",
            site=site,
            room=room,
            answers=_answers(
                install, ["Stellarium 23", "All 30 computers in the science lab", "Yes"]
            ),
        )
        clock.wait(minutes=40)
        _accept(made, desk, category)
        clock.wait(minutes=10)
        workflow.incident_request_technician(
            incident=made, by=desk, technician=tech, version=workflow.current_version(made)
        )
        clock.wait(hours=26)
        workflow.incident_start(incident=made, by=tech, version=workflow.current_version(made))
        clock.wait(hours=2)
        workflow.incident_resolve(
            incident=made,
            by=tech,
            resolution="Installed Stellarium 23 on all 30 lab computers and checked one.",
            kind=ResolutionKind.FIX,
            version=workflow.current_version(made),
        )
        clock.wait(hours=3)
        workflow.incident_close(
            incident=made, by=desk, code=ClosureCode.FIXED, version=workflow.current_version(made)
        )

    day = clock.today - timedelta(days=3)
    with story_time(clock, timezone.make_aware(datetime.combine(day, time(8, 20)))):
        made, _ = workflow.request_file(
            by=people["office"],
            request_type=account,
            summary="Account for our new teaching assistant, Sam Okafor",
            site=site,
            answers=_answers(
                account,
                ["Sam Okafor", "Teaching assistant", "Monday next week", "Support staff", "No"],
            ),
        )
        clock.wait(hours=2)
        workflow.request_approve(
            incident=made,
            by=people["head"],
            note="Yes: Sam starts with Year 2.",
            version=workflow.current_version(made),
        )
        clock.wait(minutes=30)
        _accept(made, desk, category)

    day = clock.today - timedelta(days=1)
    with story_time(clock, timezone.make_aware(datetime.combine(day, time(15, 40)))):
        workflow.request_file(
            by=people["teacher"],
            request_type=account,
            summary="Account for a student teacher on placement",
            site=site,
            answers=_answers(
                account, ["Jo Hughes", "Student teacher", "Next Monday", "Teaching staff", "No"]
            ),
        )
        clock.wait(minutes=15)
        workflow.request_file(
            by=people["teacher"],
            request_type=setup,
            summary="Hall set up for the Year 5 assembly",
            site=site,
            answers=_answers(setup, ["Year 5 assembly", "Friday 9:00", "Projector and sound", ""]),
        )


def _accept(made: Incident, desk, category) -> None:
    workflow.incident_accept(
        incident=made,
        by=desk,
        category=category,
        impact=3,
        urgency=3,
        version=workflow.current_version(made),
    )
