"""Hand-made data for the report tests: a February 2026 whose figures are known.

Incidents are filed through the workflow, then their timestamps are set to exact
values with ``.update()``, so the right answer is known in advance. February in
London is on GMT, so the times below are the same in UTC and in local time.

The cast (site Main unless said; targets are the defaults: P1 30 min / 4 h,
P2 1 h / 8 h, P3 4 h / 3 d, P4 1 d / 5 d):

    A  P1  2 Feb 09:00  responded +10 min (met), resolved +3 h fix (met), closed 3 Feb
    B  P1  3 Feb 10:00  responded +40 min (missed), clock paused 2 h, resolved 17:00
                        by workaround: 5 h net, due 16:00 (missed); reopened once
    C  P3 10 Feb 08:00  +30 min, resolved and closed by the desk at 09:00 (first contact)
    D  P3 11 Feb 14:00  +5 min, closed "resolved itself" after 24 h (first contact)
    E  P2 20 Feb 11:00  +30 min, still in progress at the end
    F  P4 15 Jan 09:00  open at the start, resolved 4 Feb after 20 days (missed), closed 5 Feb
    G  P3 20 Jan 09:00  on hold (clock paused) all along: open at both ends
    H  P3 27 Feb 16:00  never answered, response due 20:00: a missed response
    I  P3 25 Feb 10:00  +1 h, resolved 1 Mar, closed 2 Mar: open at the period's end
    J  P3  5 Feb 10:00  at the Annex: counted only for all sites
    K  P3  5 Mar 10:00  after the period
"""

from datetime import UTC, datetime

from incidents.models import (
    ArticleKind,
    Consultation,
    ConsultationStatus,
    Incident,
    KnowledgeArticle,
    Problem,
    Status,
)
from tests.factories import (
    CategoryFactory,
    EquipmentFactory,
    RoomFactory,
    SiteFactory,
    SupportGroupFactory,
    file_incident,
)

HOUR = 3600
DAY = 24 * HOUR


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def make(reporter, site, **fields) -> Incident:
    """File through the workflow, then set the exact timestamps and state. A call the
    desk answered was logged (accepted) then; H, never answered, was never logged."""
    fields.setdefault("logged_at", fields.get("responded_at"))
    incident = file_incident(reporter, site=site)
    Incident.objects.filter(pk=incident.pk).update(**fields)
    return Incident.objects.get(pk=incident.pk)


def build_february(*, reporter, desk, technician, site) -> dict:
    """The cast above, with its problems, articles and consultations."""
    annex = SiteFactory(name="Annex", code="ANNEX")
    printing = CategoryFactory(name="Printing")
    network = CategoryFactory(name="Network")
    projectors = CategoryFactory(name="Projectors")
    room_1 = RoomFactory(site=site, name="Room 1")
    room_2 = RoomFactory(site=site, name="Room 2")
    printer = EquipmentFactory(site=site, room=room_1, asset_tag="PR-001", name="Staff printer")
    switch = EquipmentFactory(site=site, room=room_2, asset_tag="SW-002", name="Switch")
    closed = {"status": Status.CLOSED, "closed_by": desk}
    cast = {}
    cast["A"] = make(
        reporter,
        site,
        priority=1,
        created_at=at(2, 2, 9),
        responded_at=at(2, 2, 9, 10),
        response_due_at=at(2, 2, 9, 30),
        resolution_due_at=at(2, 2, 13),
        assigned_at=at(2, 2, 9, 20),
        assignee=technician,
        resolved_at=at(2, 2, 12),
        resolution_kind="fix",
        closed_at=at(2, 3, 10),
        closure_code="fixed",
        category=printing,
        room=room_1,
        equipment=printer,
        owner=desk,
        **closed,
    )
    cast["B"] = make(
        reporter,
        site,
        priority=1,
        created_at=at(2, 3, 10),
        responded_at=at(2, 3, 10, 40),
        response_due_at=at(2, 3, 10, 30),
        paused_seconds=2 * HOUR,
        resolution_due_at=at(2, 3, 16),
        assigned_at=at(2, 3, 10, 45),
        assignee=technician,
        resolved_at=at(2, 3, 17),
        resolution_kind="workaround",
        reopen_count=1,
        closed_at=at(2, 4, 9),
        closure_code="workaround",
        category=printing,
        room=room_1,
        equipment=printer,
        owner=desk,
        **closed,
    )
    cast["C"] = make(
        reporter,
        site,
        priority=3,
        created_at=at(2, 10, 8),
        responded_at=at(2, 10, 8, 30),
        response_due_at=at(2, 10, 12),
        resolution_due_at=at(2, 13, 8),
        resolved_at=at(2, 10, 9),
        closed_at=at(2, 10, 9),
        closure_code="fixed",
        category=network,
        room=room_2,
        equipment=switch,
        owner=desk,
        **closed,
    )
    cast["D"] = make(
        reporter,
        site,
        priority=3,
        created_at=at(2, 11, 14),
        responded_at=at(2, 11, 14, 5),
        response_due_at=at(2, 11, 18),
        resolution_due_at=at(2, 14, 14),
        resolved_at=at(2, 12, 14),
        closed_at=at(2, 12, 14),
        closure_code="resolved_itself",
        category=printing,
        room=room_1,
        owner=desk,
        **closed,
    )
    cast["E"] = make(
        reporter,
        site,
        priority=2,
        status=Status.IN_PROGRESS,
        created_at=at(2, 20, 11),
        responded_at=at(2, 20, 11, 30),
        response_due_at=at(2, 20, 12),
        resolution_due_at=at(2, 20, 19),
        assigned_at=at(2, 20, 11, 40),
        assignee=technician,
        category=network,
        owner=desk,
    )
    cast["F"] = make(
        reporter,
        site,
        priority=4,
        created_at=at(1, 15, 9),
        responded_at=at(1, 15, 10),
        response_due_at=at(1, 16, 9),
        resolution_due_at=at(1, 20, 9),
        assigned_at=at(1, 15, 11),
        assignee=technician,
        resolved_at=at(2, 4, 9),
        resolution_kind="fix",
        closed_at=at(2, 5, 9),
        closure_code="fixed",
        owner=desk,
        **closed,
    )
    cast["G"] = make(
        reporter,
        site,
        priority=3,
        status=Status.ON_HOLD,
        hold_reason="supplier",
        created_at=at(1, 20, 9),
        responded_at=at(1, 20, 9, 30),
        response_due_at=at(1, 20, 13),
        resolution_due_at=at(1, 23, 9),
        paused_since=at(1, 25, 9),
        assigned_at=at(1, 20, 10),
        assignee=technician,
        owner=desk,
    )
    cast["H"] = make(
        reporter,
        site,
        priority=3,
        created_at=at(2, 27, 16),
        response_due_at=at(2, 27, 20),
        resolution_due_at=at(3, 2, 16),
    )
    cast["I"] = make(
        reporter,
        site,
        priority=3,
        created_at=at(2, 25, 10),
        responded_at=at(2, 25, 11),
        response_due_at=at(2, 25, 14),
        resolution_due_at=at(2, 28, 10),
        assigned_at=at(2, 25, 12),
        assignee=technician,
        resolved_at=at(3, 1, 10),
        resolution_kind="fix",
        closed_at=at(3, 2, 9),
        closure_code="fixed",
        category=projectors,
        owner=desk,
        **closed,
    )
    cast["J"] = make(
        reporter,
        annex,
        priority=3,
        created_at=at(2, 5, 10),
        responded_at=at(2, 5, 10, 30),
        response_due_at=at(2, 5, 14),
        resolution_due_at=at(2, 8, 10),
        resolved_at=at(2, 6, 10),
        closed_at=at(2, 6, 10),
        closure_code="fixed",
        category=network,
        owner=desk,
        **closed,
    )
    cast["K"] = make(
        reporter,
        site,
        priority=3,
        created_at=at(3, 5, 10),
        responded_at=at(3, 5, 10, 30),
        response_due_at=at(3, 5, 14),
        resolution_due_at=at(3, 8, 10),
        category=printing,
    )

    # Problem management: one reactive (from A), one proactive on the printer, one
    # before the period, and one proactive at the Annex only.
    reactive = Problem.objects.create(
        title="Fuser fails",
        description="…",
        proactive=False,
        opened_by=technician,
        created_at=at(2, 4, 12),
    )
    Incident.objects.filter(pk=cast["A"].pk).update(problem=reactive)
    Problem.objects.create(
        title="Toner recall",
        description="…",
        proactive=True,
        equipment=printer,
        opened_by=technician,
        created_at=at(2, 16, 9),
    )
    Problem.objects.create(
        title="Old",
        description="…",
        proactive=True,
        equipment=printer,
        opened_by=technician,
        created_at=at(1, 10, 9),
    )
    annex_kit = EquipmentFactory(site=annex, asset_tag="AX-1")
    Problem.objects.create(
        title="Annex Wi-Fi",
        description="…",
        proactive=True,
        equipment=annex_kit,
        opened_by=technician,
        created_at=at(2, 17, 9),
    )
    article = {"symptoms": "Blank pages", "body": "Use tray 2", "created_by": technician}
    KnowledgeArticle.objects.create(
        title="Fuser",
        kind=ArticleKind.KNOWN_ERROR,
        problem=reactive,
        created_at=at(2, 15, 9),
        **article,
    )
    KnowledgeArticle.objects.create(
        title="How to print", kind=ArticleKind.HOW_TO, created_at=at(2, 15, 9), **article
    )
    KnowledgeArticle.objects.create(
        title="Older", kind=ArticleKind.KNOWN_ERROR, created_at=at(1, 15, 9), **article
    )

    # Consultations: the supplier answered twice (2 h and 4 h); the network team not yet.
    supplier = SupportGroupFactory(name="Printer supplier")
    network_team = SupportGroupFactory(name="Network team")
    for incident, contacted, answered in [
        (cast["A"], at(2, 2, 9, 30), at(2, 2, 11, 30)),
        (cast["B"], at(2, 3, 11), at(2, 3, 15)),
    ]:
        Consultation.objects.create(
            incident=incident,
            group=supplier,
            reason="Fault",
            contacted_at=contacted,
            answered_at=answered,
            status=ConsultationStatus.ANSWERED,
            opened_by=technician,
        )
    Consultation.objects.create(
        incident=cast["E"],
        group=network_team,
        reason="Switch",
        contacted_at=at(2, 20, 12),
        opened_by=technician,
    )
    Consultation.objects.create(
        incident=cast["J"],
        group=network_team,
        reason="Annex",
        contacted_at=at(2, 5, 11),
        opened_by=technician,
    )
    return {"site": site, "annex": annex, **cast}
