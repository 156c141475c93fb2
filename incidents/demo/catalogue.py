"""The school's catalogue: priority targets, sites and rooms, categories, support
groups and their contacts, the equipment register and the knowledge base."""

from incidents.models import (
    DEFAULT_TARGETS,
    Category,
    Equipment,
    KnowledgeArticle,
    PriorityTarget,
    Room,
    Site,
    SupportContact,
    SupportGroup,
)

from .equipment import ARTICLES, CATEGORIES, EQUIPMENT
from .places import GROUPS, SITES
from .schools import SCHOOL_EQUIPMENT, SCHOOL_SITES


def load_catalogue(people: dict, schools: dict) -> None:
    """Create what is missing; what exists already is left as it is. The primary's
    sites, equipment and groups are the trust's first school's; the knowledge base
    is shared by the trust."""
    primary = schools["NPS"]
    for priority, (response, resolution) in DEFAULT_TARGETS.items():
        PriorityTarget.objects.get_or_create(
            priority=priority,
            defaults={"response_minutes": response, "resolution_minutes": resolution},
        )
    for code, (name, rooms) in SITES.items():
        site, _ = Site.objects.get_or_create(
            code=code.lower(), defaults={"name": name, "school": primary}
        )
        for room in rooms:
            Room.objects.get_or_create(site=site, name=room)
    for school_code, sites in SCHOOL_SITES.items():
        for code, (name, rooms) in sites.items():
            site, _ = Site.objects.get_or_create(
                code=code.lower(), defaults={"name": name, "school": schools[school_code]}
            )
            for room in rooms:
                Room.objects.get_or_create(site=site, name=room)
    for name in CATEGORIES:
        Category.objects.get_or_create(name=name)
    for name, line, kind, contacts in GROUPS:
        group, _ = SupportGroup.objects.get_or_create(
            name=name,
            organisation=primary.organisation,
            defaults={"line": line, "kind": kind},
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
                "supplier": SupportGroup.objects.get(
                    name=supplier, organisation=primary.organisation
                ),
            },
        )
    for tag, name, kind, make, model, code, room in SCHOOL_EQUIPMENT:
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
                "organisation": primary.organisation,
            },
        )
