"""Demo data that looks like a real school: people for every role, two sites,
the equipment that breaks, support groups, knowledge articles, and ~40 incidents
in every state, each moved through the real workflow so its call log, diagnostics
and notifications are what the application itself would have written.

Running it twice changes nothing the second time.
"""

import random
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.roles import Role, grant
from incidents import workflow
from incidents.models import (
    DEFAULT_TARGETS,
    ArticleKind,
    Category,
    Channel,
    ClosureCode,
    EmailStatus,
    Equipment,
    EquipmentKind,
    Incident,
    KnowledgeArticle,
    Notification,
    PriorityTarget,
    ResolutionKind,
    Room,
    Site,
    SupportContact,
    SupportGroup,
)

DEMO_PASSWORD = "helpdesk-demo"  # noqa: S105 - the demo's published password

PEOPLE = [
    # username, first, last, job title, roles
    ("teacher", "Amira", "Khan", "Year 5 teacher", [Role.USER]),
    ("office", "Paul", "Grant", "School office", [Role.USER]),
    ("science", "Helen", "Wood", "Head of science", [Role.USER]),
    ("desk", "Sam", "Patel", "Service desk", [Role.USER, Role.DESK]),
    ("tech", "Jordan", "Lee", "ICT technician", [Role.USER, Role.TECHNICIAN]),
    (
        "desktech",
        "Chris",
        "Taylor",
        "Technician and service desk",
        [Role.USER, Role.DESK, Role.TECHNICIAN],
    ),
    ("admin", "Morgan", "Ellis", "ICT manager", [Role.USER, Role.ADMIN]),
]

SITES = {
    "MAIN": (
        "Main building",
        [
            "Room 1",
            "Room 2",
            "Room 3",
            "Room 4",
            "Room 12",
            "Library",
            "Hall",
            "Office",
            "Staff room",
        ],
    ),
    "SCI": ("Science block", ["Lab 1", "Lab 2", "Lab 3", "Prep room", "ICT suite"]),
}

GROUPS = [
    (
        "In-school senior technician",
        "first",
        "specialised_technician",
        [
            (
                "Dana Brooks",
                "Senior technician",
                "ext 214",
                "dana.brooks@school.example",
                "Mon–Fri 8:00–16:30",
                "",
            )
        ],
    ),
    (
        "Change management – trust ICT",
        "first",
        "configuration",
        [
            (
                "Trust ICT change desk",
                "Change manager",
                "0161 496 0100",
                "changes@trust.example",
                "Mon–Fri 9:00–17:00",
                "TRUST-ICT-22",
            )
        ],
    ),
    (
        "Edu Tech Support Ltd",
        "first",
        "third_party",
        [
            (
                "Helpdesk",
                "",
                "0161 496 0200",
                "support@edutech.example",
                "Mon–Fri 8:00–18:00",
                "ETS-44871",
            )
        ],
    ),
    (
        "Schools ICT forum",
        "first",
        "online",
        [("Forum moderators", "", "", "", "Online, any time", "")],
    ),
    (
        "St Anne's Primary technician",
        "first",
        "other_school",
        [
            (
                "Lee Morris",
                "Technician",
                "0161 496 0300",
                "l.morris@stannes.example",
                "Tue and Thu",
                "",
            )
        ],
    ),
    (
        "MIS vendor support",
        "second",
        "software",
        [
            (
                "MIS support line",
                "",
                "0161 496 0400",
                "help@mis-vendor.example",
                "Mon–Fri 8:00–17:30",
                "SCH-000417",
            )
        ],
    ),
    (
        "PrintCo managed print",
        "second",
        "hardware",
        [
            (
                "Service desk",
                "",
                "0161 496 0500",
                "service@printco.example",
                "Mon–Fri 8:00–17:00",
                "MPS-2291",
            )
        ],
    ),
    (
        "BrightBoard whiteboards",
        "third",
        "supplier",
        [
            (
                "Technical support",
                "",
                "0161 496 0600",
                "tech@brightboard.example",
                "Mon–Fri 9:00–17:00",
                "BB-77120",
            )
        ],
    ),
    (
        "ProjectorPoint",
        "third",
        "supplier",
        [
            (
                "Repairs",
                "",
                "0161 496 0700",
                "repairs@projectorpoint.example",
                "Mon–Fri 8:30–16:30",
                "PP-5531",
            )
        ],
    ),
]

EQUIPMENT = [
    # tag, name, kind, make, model, site, room, supplier
    (
        "PRN-001",
        "Office printer",
        EquipmentKind.PRINTER,
        "Kyocera",
        "TASKalfa 2554ci",
        "MAIN",
        "Office",
        "PrintCo managed print",
    ),
    (
        "PRN-002",
        "Staff room printer",
        EquipmentKind.PRINTER,
        "Kyocera",
        "ECOSYS M3145dn",
        "MAIN",
        "Staff room",
        "PrintCo managed print",
    ),
    (
        "PRN-003",
        "Science printer",
        EquipmentKind.PRINTER,
        "HP",
        "LaserJet M404",
        "SCI",
        "Prep room",
        "PrintCo managed print",
    ),
    (
        "PRJ-012",
        "Room 12 projector",
        EquipmentKind.PROJECTOR,
        "Epson",
        "EB-695Wi",
        "MAIN",
        "Room 12",
        "ProjectorPoint",
    ),
    (
        "PRJ-003",
        "Room 3 projector",
        EquipmentKind.PROJECTOR,
        "Epson",
        "EB-695Wi",
        "MAIN",
        "Room 3",
        "ProjectorPoint",
    ),
    (
        "PRJ-HALL",
        "Hall projector",
        EquipmentKind.PROJECTOR,
        "BenQ",
        "LU935",
        "MAIN",
        "Hall",
        "ProjectorPoint",
    ),
    (
        "IWB-001",
        "Room 1 whiteboard",
        EquipmentKind.WHITEBOARD,
        "BrightBoard",
        "BB-86 Touch",
        "MAIN",
        "Room 1",
        "BrightBoard whiteboards",
    ),
    (
        "IWB-002",
        "Room 2 whiteboard",
        EquipmentKind.WHITEBOARD,
        "BrightBoard",
        "BB-86 Touch",
        "MAIN",
        "Room 2",
        "BrightBoard whiteboards",
    ),
    (
        "IWB-L1",
        "Lab 1 whiteboard",
        EquipmentKind.WHITEBOARD,
        "BrightBoard",
        "BB-75",
        "SCI",
        "Lab 1",
        "BrightBoard whiteboards",
    ),
    (
        "VIS-004",
        "Room 4 visualiser",
        EquipmentKind.VISUALISER,
        "IPEVO",
        "V4K",
        "MAIN",
        "Room 4",
        "Edu Tech Support Ltd",
    ),
    (
        "VIS-L2",
        "Lab 2 visualiser",
        EquipmentKind.VISUALISER,
        "IPEVO",
        "V4K",
        "SCI",
        "Lab 2",
        "Edu Tech Support Ltd",
    ),
    (
        "TRL-A",
        "Laptop trolley A (30 laptops)",
        EquipmentKind.LAPTOP_TROLLEY,
        "LapSafe",
        "Diamond 32",
        "MAIN",
        "Library",
        "Edu Tech Support Ltd",
    ),
    (
        "TRL-B",
        "Laptop trolley B (30 laptops)",
        EquipmentKind.LAPTOP_TROLLEY,
        "LapSafe",
        "Diamond 32",
        "SCI",
        "ICT suite",
        "Edu Tech Support Ltd",
    ),
    (
        "WAP-MAIN-1",
        "Wi-Fi access point, main corridor",
        EquipmentKind.NETWORK,
        "Ubiquiti",
        "U6-Pro",
        "MAIN",
        "Hall",
        "Edu Tech Support Ltd",
    ),
    (
        "WAP-SCI-1",
        "Wi-Fi access point, science block",
        EquipmentKind.NETWORK,
        "Ubiquiti",
        "U6-Pro",
        "SCI",
        "Lab 3",
        "Edu Tech Support Ltd",
    ),
    (
        "MIS",
        "MIS (pupil records)",
        EquipmentKind.SOFTWARE,
        "",
        "",
        "MAIN",
        "Office",
        "MIS vendor support",
    ),
    (
        "PC-OFF-01",
        "Office PC 1",
        EquipmentKind.PC,
        "Dell",
        "OptiPlex 7010",
        "MAIN",
        "Office",
        "Edu Tech Support Ltd",
    ),
    (
        "PC-ICT-07",
        "ICT suite PC 7",
        EquipmentKind.PC,
        "Dell",
        "OptiPlex 3000",
        "SCI",
        "ICT suite",
        "Edu Tech Support Ltd",
    ),
]

CATEGORIES = [
    "Printing",
    "Projectors and displays",
    "Interactive whiteboards",
    "Network and Wi-Fi",
    "MIS and accounts",
    "Laptops and PCs",
    "Audio-visual",
    "Software",
]

ARTICLES = [
    (
        "Printer prints blank pages",
        ArticleKind.RESOLUTION,
        EquipmentKind.PRINTER,
        "Printing",
        "The printer's power light is on but pages come out blank.",
        "1. Open the front cover and take out the toner cartridge.\n2. Remove the orange protective strip if it is still there.\n3. Shake the cartridge gently and put it back until it clicks.\n4. Print a test page.",
        "blank page toner empty",
    ),
    (
        "Projector shows 'No signal'",
        ArticleKind.RESOLUTION,
        EquipmentKind.PROJECTOR,
        "Projectors and displays",
        "The projector is on but shows 'No signal' or a blue screen.",
        "1. Check the HDMI cable is pushed in at the wall plate and the laptop.\n2. Press the Source button on the remote until HDMI 1 shows.\n3. On the laptop, press Windows+P and choose Duplicate.",
        "no signal blue screen hdmi source",
    ),
    (
        "Whiteboard pen does not write where you touch",
        ArticleKind.RESOLUTION,
        EquipmentKind.WHITEBOARD,
        "Interactive whiteboards",
        "The pen writes a few centimetres away from where it touches the board.",
        "Run the calibration: right-click the BrightBoard icon by the clock, choose Calibrate, and touch each cross in turn.",
        "calibrate pen touch offset",
    ),
    (
        "Cannot sign in to the MIS after the password change",
        ArticleKind.RESOLUTION,
        EquipmentKind.SOFTWARE,
        "MIS and accounts",
        "The MIS says 'account locked' or 'password expired' at sign-in.",
        "Use 'Forgotten password' on the MIS sign-in page; the reset e-mail arrives within five minutes. If the account is locked, ask the service desk to unlock it.",
        "mis login password locked sims",
    ),
    (
        "Visualiser image is upside down or blurry",
        ArticleKind.HOW_TO,
        EquipmentKind.VISUALISER,
        "Audio-visual",
        "The visualiser picture is upside down, mirrored or out of focus.",
        "Press the AF button on the visualiser head for focus; use the rotate button in the visualiser software to turn the picture.",
        "visualiser camera focus rotate",
    ),
]

# (summary, reporter, tag, category, days ago, final state, extra)
INCIDENTS = [
    ("Office printer prints blank pages", "office", "PRN-001", "Printing", 2, "submitted", {}),
    (
        "Projector in Room 12 shows no signal",
        "teacher",
        "PRJ-012",
        "Projectors and displays",
        0,
        "submitted",
        {},
    ),
    (
        "Wi-Fi drops in the hall during assemblies",
        "teacher",
        "WAP-MAIN-1",
        "Network and Wi-Fi",
        1,
        "submitted",
        {"thin": True},
    ),
    (
        "Laptop trolley B: six laptops will not charge",
        "science",
        "TRL-B",
        "Laptops and PCs",
        1,
        "submitted",
        {},
    ),
    (
        "Cannot log in to the MIS to take the register",
        "teacher",
        "MIS",
        "MIS and accounts",
        3,
        "awaiting_user",
        {},
    ),
    (
        "Whiteboard pen writes in the wrong place",
        "teacher",
        "IWB-001",
        "Interactive whiteboards",
        4,
        "awaiting_user",
        {},
    ),
    ("Staff room printer jams on every page", "office", "PRN-002", "Printing", 3, "logged", {}),
    ("Visualiser picture is blurry", "teacher", "VIS-004", "Audio-visual", 2, "logged", {}),
    ("ICT suite PC 7 will not start", "science", "PC-ICT-07", "Laptops and PCs", 5, "logged", {}),
    (
        "Hall projector lamp warning",
        "office",
        "PRJ-HALL",
        "Projectors and displays",
        6,
        "assigned",
        {"visit": 1},
    ),
    (
        "Room 2 whiteboard not responding to touch",
        "teacher",
        "IWB-002",
        "Interactive whiteboards",
        4,
        "assigned",
        {"visit": 1},
    ),
    (
        "Science printer out of toner message but toner is new",
        "science",
        "PRN-003",
        "Printing",
        3,
        "assigned",
        {"pool": True, "visit": 0},
    ),
    (
        "Lab 1 whiteboard flickers",
        "science",
        "IWB-L1",
        "Interactive whiteboards",
        2,
        "assigned",
        {"visit": 0, "working_again": True},
    ),
    (
        "Wi-Fi in the science block is very slow",
        "science",
        "WAP-SCI-1",
        "Network and Wi-Fi",
        7,
        "in_progress",
        {"consult": "Edu Tech Support Ltd"},
    ),
    (
        "Room 3 projector switches off after ten minutes",
        "teacher",
        "PRJ-003",
        "Projectors and displays",
        9,
        "in_progress",
        {"problem": "projector"},
    ),
    (
        "Office PC 1 very slow in the mornings",
        "office",
        "PC-OFF-01",
        "Laptops and PCs",
        8,
        "in_progress",
        {},
    ),
    (
        "Laptop trolley A: laptops not on the network",
        "teacher",
        "TRL-A",
        "Laptops and PCs",
        10,
        "on_hold",
        {"hold": "parts"},
    ),
    (
        "Room 12 projector: remote control lost",
        "teacher",
        "PRJ-012",
        "Projectors and displays",
        12,
        "on_hold",
        {"hold": "supplier", "consult": "ProjectorPoint"},
    ),
    (
        "MIS report card export fails",
        "office",
        "MIS",
        "MIS and accounts",
        11,
        "on_hold",
        {"hold": "supplier", "consult": "MIS vendor support"},
    ),
    (
        "Office printer: scan to e-mail not arriving",
        "office",
        "PRN-001",
        "Printing",
        6,
        "resolved",
        {},
    ),
    (
        "Room 1 whiteboard needs calibrating again",
        "teacher",
        "IWB-001",
        "Interactive whiteboards",
        5,
        "resolved",
        {"kb": "Whiteboard pen does not write where you touch"},
    ),
    (
        "Lab 2 visualiser not detected by laptop",
        "science",
        "VIS-L2",
        "Audio-visual",
        8,
        "resolved",
        {"workaround": True},
    ),
    (
        "Room 3 projector switched off during a lesson",
        "teacher",
        "PRJ-003",
        "Projectors and displays",
        20,
        "closed",
        {"problem": "projector", "workaround": True},
    ),
    (
        "Room 3 projector overheating warning",
        "teacher",
        "PRJ-003",
        "Projectors and displays",
        27,
        "closed",
        {"problem": "projector", "workaround": True},
    ),
    (
        "Office printer blank pages after toner change",
        "office",
        "PRN-001",
        "Printing",
        33,
        "closed",
        {"kb": "Printer prints blank pages", "desk_fix": True},
    ),
    (
        "Cannot sign in to the MIS after password change",
        "teacher",
        "MIS",
        "MIS and accounts",
        35,
        "closed",
        {"kb": "Cannot sign in to the MIS after the password change", "desk_fix": True},
    ),
    ("Wi-Fi down in Room 4", "teacher", "WAP-MAIN-1", "Network and Wi-Fi", 38, "closed", {}),
    (
        "Staff room printer offline",
        "office",
        "PRN-002",
        "Printing",
        41,
        "closed",
        {"code": ClosureCode.RESOLVED_ITSELF},
    ),
    (
        "Room 2 whiteboard black screen",
        "teacher",
        "IWB-002",
        "Interactive whiteboards",
        44,
        "closed",
        {"consult": "BrightBoard whiteboards"},
    ),
    ("Hall projector no sound", "office", "PRJ-HALL", "Audio-visual", 47, "closed", {}),
    ("Laptop trolley A will not lock", "teacher", "TRL-A", "Laptops and PCs", 50, "closed", {}),
    (
        "Science printer paper jam",
        "science",
        "PRN-003",
        "Printing",
        52,
        "closed",
        {"code": ClosureCode.NO_FAULT_FOUND},
    ),
    (
        "Projector in Room 12 no signal",
        "teacher",
        "PRJ-012",
        "Projectors and displays",
        55,
        "closed",
        {"kb": "Projector shows 'No signal'", "desk_fix": True},
    ),
    (
        "Request for a new staff laptop",
        "science",
        None,
        "Laptops and PCs",
        57,
        "closed",
        {"code": ClosureCode.NOT_AN_INCIDENT},
    ),
    (
        "Office printer prints blank pages (again)",
        "office",
        "PRN-001",
        "Printing",
        32,
        "closed",
        {"duplicate": True},
    ),
    (
        "Lab 1 whiteboard pen missing",
        "science",
        "IWB-L1",
        "Interactive whiteboards",
        60,
        "closed",
        {},
    ),
    (
        "ICT suite PC 7 blue screen",
        "science",
        "PC-ICT-07",
        "Laptops and PCs",
        63,
        "closed",
        {"reopened": True},
    ),
    (
        "Visualiser shows upside-down image",
        "teacher",
        "VIS-004",
        "Audio-visual",
        66,
        "closed",
        {"kb": "Visualiser image is upside down or blurry", "desk_fix": True},
    ),
    (
        "MIS very slow at registration time",
        "office",
        "MIS",
        "MIS and accounts",
        70,
        "closed",
        {"consult": "MIS vendor support"},
    ),
    (
        "Room 3 projector fan noise",
        "teacher",
        "PRJ-003",
        "Projectors and displays",
        75,
        "closed",
        {"problem": "projector"},
    ),
]

SHEETS = {
    "Printing": (
        "The printer to print my worksheets.",
        "The power light was on, but a blank page printed.",
        "There is paper in the tray and the cable is in.",
    ),
    "Projectors and displays": (
        "The projector to show my laptop screen.",
        "It says 'No signal' and then turns itself off.",
        "The HDMI cable is plugged in at both ends.",
    ),
    "Interactive whiteboards": (
        "To write on the board with the pen.",
        "The board does not respond, or writes in the wrong place.",
        "Restarted the PC attached to the board.",
    ),
    "Network and Wi-Fi": (
        "Laptops to stay on the Wi-Fi.",
        "They drop off every few minutes and the pages will not load.",
        "Other devices in the room have the same problem.",
    ),
    "MIS and accounts": (
        "To log in and take the register.",
        "It says my account is locked.",
        "Typed the password carefully, caps lock is off.",
    ),
    "Laptops and PCs": (
        "The computer to start and log in.",
        "It shows a spinning circle and never reaches the login screen.",
        "It is plugged in and the charger light is on.",
    ),
    "Audio-visual": (
        "The visualiser to show the book on the board.",
        "The picture is blurry and upside down.",
        "Pressed the focus button.",
    ),
}


@contextmanager
def clock(start: datetime):
    """Run the workflow at a pretend time, moving on a little with each step."""
    state = {"now": start}

    def now():
        state["now"] += timedelta(minutes=random.randint(3, 40))  # noqa: S311 - demo pacing
        return state["now"]

    with mock.patch("django.utils.timezone.now", now):
        yield state


class Command(BaseCommand):
    help = "Load demo data: people for every role, a school's equipment and ~40 incidents."

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(username="desk", email="sam.patel@school.example").exists():
            self.stdout.write("Demo data is already loaded.")
            return
        random.seed(2026)
        with transaction.atomic():
            people = self._people()
            self._catalogue(people)
            self._incidents(people)
            # Demo history is not news: nobody is e-mailed about it.
            Notification.objects.filter(email_status=EmailStatus.PENDING).update(
                email_status=EmailStatus.NOT_WANTED
            )
            # People have read what happened before the last two days.
            Notification.objects.filter(
                incident__updated_at__lt=timezone.now() - timedelta(days=2)
            ).update(read_at=timezone.now())
            DBTaskResult.objects.all().delete()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in with any demo person:"))
        for username, first, last, job, _roles in PEOPLE:
            self.stdout.write(f"  {username:10} {DEMO_PASSWORD}   {first} {last}, {job}")

    def _people(self):
        User = get_user_model()
        people = {}
        for username, first, last, job, roles in PEOPLE:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "job_title": job,
                    "email": f"{first.lower()}.{last.lower()}@school.example",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            grant(user, *roles)
            people[username] = user
        return people

    def _catalogue(self, people):
        for priority, (response, resolution) in DEFAULT_TARGETS.items():
            PriorityTarget.objects.get_or_create(
                priority=priority,
                defaults={"response_minutes": response, "resolution_minutes": resolution},
            )
        for code, (name, rooms) in SITES.items():
            site, _ = Site.objects.get_or_create(code=code.lower(), defaults={"name": name})
            for room in rooms:
                Room.objects.get_or_create(site=site, name=room)
        for name in CATEGORIES:
            Category.objects.get_or_create(name=name)
        for name, line, kind, contacts in GROUPS:
            group, _ = SupportGroup.objects.get_or_create(
                name=name, defaults={"line": line, "kind": kind}
            )
            for contact_name, role, phone, email, hours, account in contacts:
                SupportContact.objects.get_or_create(
                    group=group,
                    name=contact_name,
                    defaults={
                        "role": role,
                        "phone": phone,
                        "email": email,
                        "hours": hours,
                        "account_reference": account,
                    },
                )
        for tag, name, kind, make, model, code, room, supplier in EQUIPMENT:
            site = Site.objects.get(code=code.lower())
            Equipment.objects.get_or_create(
                asset_tag=tag,
                defaults={
                    "name": name,
                    "kind": kind,
                    "make": make,
                    "model": model,
                    "site": site,
                    "room": Room.objects.get(site=site, name=room),
                    "supplier": SupportGroup.objects.get(name=supplier),
                },
            )
        for title, kind, equipment_kind, category, symptoms, body, keywords in ARTICLES:
            KnowledgeArticle.objects.get_or_create(
                title=title,
                defaults={
                    "kind": kind,
                    "equipment_kind": equipment_kind,
                    "symptoms": symptoms,
                    "body": body,
                    "keywords": keywords,
                    "category": Category.objects.get(name=category),
                    "created_by": people["admin"],
                },
            )

    def _incidents(self, people):
        desk, tech, desktech = people["desk"], people["tech"], people["desktech"]
        today = timezone.localdate()
        projector_problem = None
        first_blank_pages = None
        for summary, reporter_name, tag, category_name, days_ago, final, extra in INCIDENTS:
            reporter = people[reporter_name]
            equipment = (
                Equipment.objects.filter(asset_tag=tag).select_related("site", "room").first()
                if tag
                else None
            )
            site = equipment.site if equipment else Site.objects.get(code="main")
            category = Category.objects.get(name=category_name)
            expected, happened, checked = SHEETS.get(category_name, SHEETS["Laptops and PCs"])
            start = timezone.make_aware(
                datetime.combine(today - timedelta(days=days_ago), time(8, random.randint(0, 50)))  # noqa: S311
            )
            with clock(start) as moment:
                by_phone = days_ago % 7 == 3
                incident, _ = workflow.incident_file(
                    by=desk if by_phone else reporter,
                    reporter=reporter,
                    summary=summary,
                    site=site,
                    room=equipment.room if equipment else None,
                    equipment=equipment,
                    equipment_description=""
                    if equipment
                    else "A new laptop for the science department",
                    channel=Channel.PHONE if by_phone else Channel.WEB,
                    sheet={
                        "tried_to_repeat": "recurred",
                        "expected": "" if extra.get("thin") else expected,
                        "happened": "Keeps dropping." if extra.get("thin") else happened,
                        "checked": "" if extra.get("thin") else checked,
                        "last_worked": "Yesterday" if days_ago % 2 else "Last week",
                        "had_before": "yes" if days_ago % 3 == 0 else "unknown",
                        "further_info": "",
                        "available_to_discuss": days_ago % 2 == 0,
                        "availability": "Break time or after school" if days_ago % 2 == 0 else "",
                        "answered_by": reporter.display_name if by_phone else "",
                    },
                )
                if summary.startswith("Office printer blank pages"):
                    first_blank_pages = incident
                if final == "submitted":
                    continue
                if final == "awaiting_user":
                    workflow.incident_return_to_user(
                        version=workflow.current_version(incident),
                        incident=incident,
                        by=desk,
                        question="Which device are you using, and what exactly does the error message say?",
                    )
                    continue
                impact, urgency = (
                    (1, 1) if "MIS" in summary else (2 if "trolley" in summary else 3, 2)
                )
                workflow.incident_accept(
                    version=workflow.current_version(incident),
                    incident=incident,
                    by=desk if days_ago % 2 else desktech,
                    category=category,
                    impact=impact,
                    urgency=urgency,
                )
                if extra.get("kb"):
                    article = KnowledgeArticle.objects.get(title=extra["kb"])
                    workflow.incident_link_article(
                        version=workflow.current_version(incident),
                        incident=incident,
                        by=desk,
                        article=article,
                        fix_applied=bool(extra.get("desk_fix")),
                    )
                if extra.get("desk_fix"):
                    workflow.incident_close(
                        version=workflow.current_version(incident),
                        incident=incident,
                        by=desk,
                        code=ClosureCode.FIXED,
                        resolution=f"Fixed on the phone with the user using the article '{extra['kb']}'.",
                    )
                    continue
                if extra.get("code") in (ClosureCode.NOT_AN_INCIDENT,):
                    workflow.incident_close(
                        version=workflow.current_version(incident),
                        incident=incident,
                        by=desk,
                        code=extra["code"],
                        resolution="This is a request for new equipment: passed to the ICT manager.",
                    )
                    continue
                if extra.get("duplicate") and first_blank_pages:
                    workflow.incident_close(
                        version=workflow.current_version(incident),
                        incident=incident,
                        by=desk,
                        code=ClosureCode.DUPLICATE,
                        duplicate_of=first_blank_pages,
                    )
                    continue
                if final == "logged":
                    workflow.incident_diagnose(
                        version=workflow.current_version(incident),
                        incident=incident,
                        by=desk,
                        action_taken="Talked it through with the user on the phone.",
                        result="Not fixed remotely: a technician will need to look.",
                        minutes_spent=10,
                    )
                    continue
                technician = None if extra.get("pool") else (tech if days_ago % 2 else desktech)
                visit = today + timedelta(days=extra["visit"]) if "visit" in extra else None
                workflow.incident_request_technician(
                    version=workflow.current_version(incident),
                    incident=incident,
                    by=desk,
                    technician=technician,
                    note="Please look at this on your next visit." if visit else "",
                    visit_date=visit,
                )
                if extra.get("working_again"):
                    workflow.incident_working_again(
                        version=workflow.current_version(incident),
                        incident=incident,
                        by=reporter,
                        note="It started working after the PC was restarted.",
                    )
                if final == "assigned":
                    continue
                worker = technician or tech
                workflow.incident_start(
                    version=workflow.current_version(incident), incident=incident, by=worker
                )
                workflow.incident_diagnose(
                    version=workflow.current_version(incident),
                    incident=incident,
                    by=worker,
                    action_taken="Checked cables, power and the device's error log.",
                    result="Fault reproduced.",
                    minutes_spent=15,
                )
                workflow.incident_diagnose(
                    version=workflow.current_version(incident),
                    incident=incident,
                    by=worker,
                    action_taken="Tried the known fixes for this model.",
                    result="No change."
                    if extra.get("consult") or extra.get("problem")
                    else "That fixed it.",
                    minutes_spent=20,
                )
                if extra.get("consult"):
                    group = SupportGroup.objects.get(name=extra["consult"])
                    consultation = workflow.consultation_open(
                        version=workflow.current_version(incident),
                        incident=incident,
                        by=worker,
                        group=group,
                        contact=group.contacts.first(),
                        reason="Fault persists after our own checks; needs the supplier.",
                        case_reference=f"CASE-{incident.pk:05d}",
                        chase_on=today + timedelta(days=2)
                        if final != "closed"
                        else today - timedelta(days=days_ago - 3),
                    )
                    if final == "closed":
                        workflow.consultation_update(
                            version=workflow.current_version(consultation),
                            consultation=consultation,
                            by=worker,
                            answer="Supplier sent a firmware update; applied.",
                            close=True,
                        )
                if extra.get("problem"):
                    if projector_problem is None:
                        projector_problem = workflow.problem_escalate(
                            version=workflow.current_version(incident),
                            incident=incident,
                            by=worker,
                            workaround="Use the spare portable projector from the office.",
                            title="Epson EB-695Wi projectors overheat and switch off",
                            description="Room 3 projector keeps overheating and switching itself off; "
                            "the same model is in Room 12.",
                        )
                        workflow.problem_update(
                            version=workflow.current_version(projector_problem),
                            problem=projector_problem,
                            by=worker,
                            root_cause="Dust in the air filter; the filter-clean reminder is turned off.",
                        )
                    else:
                        workflow.problem_escalate(
                            version=workflow.current_version(incident),
                            incident=incident,
                            by=worker,
                            problem=projector_problem,
                            workaround="Use the spare portable projector from the office.",
                        )
                if final == "in_progress":
                    continue
                if final == "on_hold":
                    workflow.incident_hold(
                        version=workflow.current_version(incident),
                        incident=incident,
                        by=worker,
                        reason=extra["hold"],
                        note="Ordered on the supplier's portal.",
                    )
                    continue
                if extra.get("reopened"):
                    workflow.incident_resolve(
                        version=workflow.current_version(incident),
                        incident=incident,
                        by=worker,
                        resolution="Updated the graphics driver.",
                    )
                    workflow.incident_reopen(
                        version=workflow.current_version(incident),
                        incident=incident,
                        by=reporter,
                        reason="It crashed again the next morning.",
                    )
                    workflow.incident_diagnose(
                        version=workflow.current_version(incident),
                        incident=incident,
                        by=worker,
                        action_taken="Replaced the memory module.",
                        result="Stable for a whole day.",
                        minutes_spent=40,
                    )
                kind = ResolutionKind.WORKAROUND if extra.get("workaround") else ResolutionKind.FIX
                resolution = (
                    "Using the spare portable projector until the filter is replaced."
                    if extra.get("problem")
                    else "Connected through the USB-C adaptor from the office."
                    if kind == ResolutionKind.WORKAROUND
                    else "Replaced the faulty part and tested with the user."
                )
                workflow.incident_resolve(
                    version=workflow.current_version(incident),
                    incident=incident,
                    by=worker,
                    resolution=resolution,
                    kind=kind,
                )
                if final == "resolved":
                    continue
                moment["now"] += timedelta(hours=random.randint(1, 20))  # noqa: S311
                workflow.incident_close(
                    version=workflow.current_version(incident),
                    incident=incident,
                    by=desk,
                    code=extra.get("code")
                    or (
                        ClosureCode.WORKAROUND
                        if kind == ResolutionKind.WORKAROUND
                        else ClosureCode.FIXED
                    ),
                )
        if projector_problem is not None:
            workflow.problem_publish_known_error(
                version=workflow.current_version(projector_problem),
                problem=projector_problem,
                by=people["tech"],
                symptoms="Epson projector switches itself off after a few minutes with a temperature warning.",
            )
        with clock(timezone.now() - timedelta(days=3)):
            workflow.problem_open(
                by=people["tech"],
                title="Wi-Fi certificates expire at the end of term",
                description="The RADIUS certificate used by the staff Wi-Fi expires on 19 December; "
                "every device will fail to join until it is renewed.",
                proactive=True,
                category=Category.objects.get(name="Network and Wi-Fi"),
            )
        Incident.objects.filter(owner_unread=True).update(owner_unread=False)
