"""The demo's calls, each moved through the real workflow at its own time, so its call
log, diagnostics, notifications and problems are what the application would have
written on those days."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from incidents import workflow
from incidents.models import (
    Category,
    Channel,
    ClosureCode,
    Equipment,
    Incident,
    KnowledgeArticle,
    ResolutionKind,
    Site,
    SupportGroup,
)

from .calls import INCIDENTS, SHEETS
from .clock import DemoClock, story_time


def load_incidents(people: dict, clock: DemoClock) -> None:
    shared: dict = {"problem": None, "blank_pages": None}
    for call in INCIDENTS:
        days_ago = call[4]
        day = clock.today - timedelta(days=days_ago)
        start = timezone.make_aware(datetime.combine(day, time(8, clock.rng.randint(0, 50))))
        with story_time(clock, start):
            _tell(call, people, clock, shared)
    problem = shared["problem"]
    if problem is not None:
        with story_time(clock, clock.until - timedelta(days=8, hours=6)):
            workflow.problem_publish_known_error(
                version=workflow.current_version(problem),
                problem=problem,
                by=people["tech"],
                symptoms="Epson projector switches itself off after a few minutes with a temperature warning.",
            )
    with story_time(clock, clock.until - timedelta(days=3, hours=5)):
        workflow.problem_open(
            by=people["tech"],
            title="Wi-Fi certificates expire at the end of term",
            description="The RADIUS certificate used by the staff Wi-Fi expires on 19 December; "
            "every device will fail to join until it is renewed.",
            proactive=True,
            category=Category.objects.get(name="Network and Wi-Fi"),
        )
    Incident.objects.filter(owner_unread=True).update(owner_unread=False)


def _tell(call, people: dict, clock: DemoClock, shared: dict) -> None:
    """One call's story, from the sheet to where it stands today."""
    summary, reporter_name, tag, category_name, days_ago, final, extra = call
    desk, tech, desktech = people["desk"], people["tech"], people["desktech"]
    reporter = people[reporter_name]
    equipment = (
        Equipment.objects.filter(asset_tag=tag).select_related("site", "room").first()
        if tag
        else None
    )
    site = equipment.site if equipment else Site.objects.get(code="main")
    category = Category.objects.get(name=category_name)
    expected, happened, checked = SHEETS.get(category_name, SHEETS["Laptops and PCs"])
    by_phone = days_ago % 7 == 3
    incident, _ = workflow.incident_file(
        by=desk if by_phone else reporter,
        reporter=reporter,
        summary=summary,
        site=site,
        room=equipment.room if equipment else None,
        equipment=equipment,
        equipment_description="" if equipment else "A new laptop for the science department",
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
        shared["blank_pages"] = incident
    if final == "submitted":
        return
    if final == "awaiting_user":
        workflow.incident_return_to_user(
            version=workflow.current_version(incident),
            incident=incident,
            by=desk,
            question="Which device are you using, and what exactly does the error message say?",
        )
        return
    impact, urgency = (1, 1) if "MIS" in summary else (2 if "trolley" in summary else 3, 2)
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
        return
    if extra.get("code") in (ClosureCode.NOT_AN_INCIDENT,):
        workflow.incident_close(
            version=workflow.current_version(incident),
            incident=incident,
            by=desk,
            code=extra["code"],
            resolution="This is a request for new equipment: passed to the ICT manager.",
        )
        return
    if extra.get("duplicate") and shared["blank_pages"]:
        workflow.incident_close(
            version=workflow.current_version(incident),
            incident=incident,
            by=desk,
            code=ClosureCode.DUPLICATE,
            duplicate_of=shared["blank_pages"],
        )
        return
    if final == "logged":
        workflow.incident_diagnose(
            version=workflow.current_version(incident),
            incident=incident,
            by=desk,
            action_taken="Talked it through with the user on the phone.",
            result="Not fixed remotely: a technician will need to look.",
            minutes_spent=10,
        )
        return
    technician = None if extra.get("pool") else (tech if days_ago % 2 else desktech)
    visit = clock.today + timedelta(days=extra["visit"]) if "visit" in extra else None
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
        return
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
        result="No change." if extra.get("consult") or extra.get("problem") else "That fixed it.",
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
            chase_on=clock.today + timedelta(days=2)
            if final != "closed"
            else clock.today - timedelta(days=days_ago - 3),
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
        if shared["problem"] is None:
            problem = workflow.problem_escalate(
                version=workflow.current_version(incident),
                incident=incident,
                by=worker,
                workaround="Use the spare portable projector from the office.",
                title="Epson EB-695Wi projectors overheat and switch off",
                description="Room 3 projector keeps overheating and switching itself off; "
                "the same model is in Room 12.",
            )
            shared["problem"] = problem
            workflow.problem_update(
                version=workflow.current_version(problem),
                problem=problem,
                by=worker,
                root_cause="Dust in the air filter; the filter-clean reminder is turned off.",
            )
        else:
            workflow.problem_escalate(
                version=workflow.current_version(incident),
                incident=incident,
                by=worker,
                problem=shared["problem"],
                workaround="Use the spare portable projector from the office.",
            )
    if final == "in_progress":
        return
    if final == "on_hold":
        workflow.incident_hold(
            version=workflow.current_version(incident),
            incident=incident,
            by=worker,
            reason=extra["hold"],
            note="Ordered on the supplier's portal.",
        )
        return
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
        return
    clock.wait(hours=clock.rng.randint(1, 20))
    workflow.incident_close(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        code=extra.get("code")
        or (ClosureCode.WORKAROUND if kind == ResolutionKind.WORKAROUND else ClosureCode.FIXED),
    )


# The other schools' calls: summary, reporter, asset tag, category, days ago, who
# accepts it (None: still waiting), who works on it (None: nobody yet), resolved.
OTHER_SCHOOLS = [
    (
        "R1 whiteboard pen does not write",
        "rteacher",
        "RIV-WB-R1",
        "Projectors and displays",
        3,
        "rict",
        "rict",
        True,
    ),
    (
        "Library printer jams on every page",
        "rteacher",
        "RIV-PRN-LIB",
        "Printing",
        0,
        None,
        None,
        False,
    ),
    (
        "Sensory room tablet will not charge",
        "oteacher",
        "OAK-TAB-01",
        "Laptops and PCs",
        1,
        "desk",
        "tech",
        False,
    ),
    (
        "H1 projector flickers",
        "hteacher",
        "HILL-PRJ-H1",
        "Projectors and displays",
        1,
        "hdesk",
        None,
        False,
    ),
]


def load_other_schools(people: dict, clock: DemoClock) -> None:
    """A few calls at the trust's other schools and at the second organisation's,
    each handled by the people serving that school."""
    for summary, reporter, tag, category, days_ago, desk, worker, resolved in OTHER_SCHOOLS:
        day = clock.today - timedelta(days=days_ago)
        start = timezone.make_aware(datetime.combine(day, time(9, clock.rng.randint(0, 50))))
        with story_time(clock, start):
            equipment = Equipment.objects.select_related("site", "room").get(asset_tag=tag)
            expected, happened, checked = SHEETS.get(category, SHEETS["Laptops and PCs"])
            incident, _ = workflow.incident_file(
                by=people[reporter],
                summary=summary,
                site=equipment.site,
                room=equipment.room,
                equipment=equipment,
                sheet={
                    "tried_to_repeat": "recurred",
                    "expected": expected,
                    "happened": happened,
                    "checked": checked,
                    "last_worked": "Yesterday",
                    "had_before": "no",
                    "further_info": "",
                    "available_to_discuss": True,
                    "availability": "After school",
                },
            )
            if desk is None:
                continue
            clock.wait(hours=1)
            workflow.incident_accept(
                version=workflow.current_version(incident),
                incident=incident,
                by=people[desk],
                category=Category.objects.get(name=category),
                impact=3,
                urgency=2,
            )
            if worker is None:
                continue
            clock.wait(hours=1)
            workflow.incident_request_technician(
                version=workflow.current_version(incident),
                incident=incident,
                by=people[desk],
                technician=people[worker],
            )
            if not resolved:
                continue
            clock.wait(hours=2)
            workflow.incident_start(
                version=workflow.current_version(incident), incident=incident, by=people[worker]
            )
            workflow.incident_resolve(
                version=workflow.current_version(incident),
                incident=incident,
                by=people[worker],
                resolution="Replaced the pen's battery and recalibrated the panel.",
            )
