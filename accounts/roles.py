"""Who may do what, and where: the one place that knows about roles.

A person holds roles through memberships (`accounts.models.Membership`): a role at
one school, or at every school of an organisation (the central desk, a trust ICT
manager). A person may hold several (in a small school the technician is also the
service desk; a technician covers six schools). Views, selectors and the workflow ask
these helpers; templates only ever see flags computed from them.

Who counts as service desk at a school (one rule, used by the workflow, the lists of
people and the notifications): a person with a "Service desk" membership there or
organisation-wide, or a support admin there (or a superuser, who is support admin
everywhere). The same holds for technicians. `people_with(role, school=…)` answers
the same question for lists of people.

Django groups only carry the admin site's permissions ("Support admin" and "School
admin"); the memberships say where those permissions apply.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, QuerySet


class Role(models.TextChoices):
    USER = "User", "User"
    DESK = "Service desk", "Service desk"
    TECHNICIAN = "Technician", "Technician"
    ADMIN = "Support admin", "Support admin"
    SCHOOL_ADMIN = "School admin", "School admin"


# Roles a support admin holds wherever they are support admin.
ADMIN_IMPLIES = (Role.DESK, Role.TECHNICIAN)
# Roles that see the school's calls, problems, consultations and equipment.
STAFF_ROLES = (Role.DESK, Role.TECHNICIAN, Role.ADMIN)
# Roles with the admin site's permissions, by the group that carries them.
ADMIN_SITE_ROLES = (Role.ADMIN, Role.SCHOOL_ADMIN)
# What a school admin manages in the admin site: their school's catalogue.
SCHOOL_ADMIN_MODELS = (
    "site",
    "room",
    "equipment",
    "supportgroup",
    "supportcontact",
    "schoolcalendar",
    "openinghours",
    "closure",
)


class _Held:
    """A person's memberships, read once per request: role → school ids and
    role → organisation ids."""

    def __init__(self, schools: dict[str, set[int]], organisations: dict[str, set[int]]):
        self.schools = {role: frozenset(ids) for role, ids in schools.items()}
        self.organisations = {role: frozenset(ids) for role, ids in organisations.items()}
        self.roles = frozenset(role for role in organisations if role in Role.values)


def _held(user: Any) -> _Held:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _Held({}, {})
    cached = getattr(user, "_helpdesk_held", None)
    if cached is not None:
        return cached
    from .models import Membership, School

    # One query: the schools named by a membership, and every school of the
    # organisation for an organisation-wide one.
    at_school = Membership.objects.filter(person=user, school__isnull=False).values_list(
        "role", "school_id", "organisation_id"
    )
    organisation_wide = Membership.objects.filter(person=user, school__isnull=True).values_list(
        "role", "organisation__schools__id", "organisation_id"
    )
    schools: dict[str, set[int]] = {}
    organisations: dict[str, set[int]] = {}
    rows = at_school.order_by().union(organisation_wide.order_by(), all=True).order_by()
    for role, school_id, organisation_id in rows:
        schools.setdefault(role, set())
        organisations.setdefault(role, set()).add(organisation_id)
        if school_id is not None:
            schools[role].add(school_id)
    if user.is_superuser:
        everything = list(School.objects.values_list("pk", "organisation_id"))
        schools.setdefault(Role.ADMIN, set()).update(pk for pk, _ in everything)
        organisations.setdefault(Role.ADMIN, set()).update(org for _, org in everything)
        from .models import Organisation

        organisations[Role.ADMIN].update(Organisation.objects.values_list("pk", flat=True))
    if Role.ADMIN in organisations:
        for implied in ADMIN_IMPLIES:
            schools.setdefault(implied, set()).update(schools[Role.ADMIN])
            organisations.setdefault(implied, set()).update(organisations[Role.ADMIN])
    held = _Held(schools, organisations)
    user._helpdesk_held = held
    return held


def forget(user: Any) -> None:
    """Drop the roles cached on the person (after their memberships changed)."""
    user.__dict__.pop("_helpdesk_held", None)


def roles_of(user: Any) -> frozenset[str]:
    """The roles a person holds at any school, read once per request and cached
    on the user. Support admins (and superusers) hold the desk and technician
    roles too."""
    return _held(user).roles


def schools_where(user: Any, *roles: str) -> frozenset[int]:
    """The ids of the schools where the person holds any of the roles (any role at
    all when none are named)."""
    held = _held(user)
    wanted = roles or tuple(held.schools)
    found: set[int] = set()
    for role in wanted:
        found |= held.schools.get(role, frozenset())
    return frozenset(found)


def organisations_where(user: Any, *roles: str) -> frozenset[int]:
    """The ids of the organisations where the person holds any of the roles."""
    held = _held(user)
    wanted = roles or tuple(held.organisations)
    found: set[int] = set()
    for role in wanted:
        found |= held.organisations.get(role, frozenset())
    return frozenset(found)


def staff_schools(user: Any) -> frozenset[int]:
    """The schools whose calls, problems and equipment the person sees as staff."""
    return schools_where(user, *STAFF_ROLES)


def _school_id(school: Any) -> int | None:
    """The id of a school (or an organisation) given as the record or its id."""
    if school is None:
        return None
    return school if isinstance(school, int) else school.pk


def has_role(user: Any, role: str, school: Any) -> bool:
    """Whether the person holds the role at this school (a School or its id)."""
    school_id = _school_id(school)
    return school_id is not None and school_id in schools_where(user, role)


def is_staff_at(user: Any, school: Any) -> bool:
    """Desk, technician or support admin at this school."""
    school_id = _school_id(school)
    return school_id is not None and school_id in staff_schools(user)


def has_role_in(user: Any, role: str, *, school: Any = None, organisation: Any = None) -> bool:
    """Whether the person holds the role where a record belongs: at its school, or
    for a record shared by an organisation (no school), at any school of it."""
    if school is not None:
        return has_role(user, role, school)
    organisation_id = _school_id(organisation)
    return organisation_id is not None and organisation_id in organisations_where(user, role)


def people_with(
    role: str, school: Any = None, *, organisation: Any = None, schools: Any = None
) -> QuerySet[Any]:
    """Active people holding the role, by the same rule as `schools_where`: at the
    school (or organisation-wide in its organisation) when a school is given, at any
    of `schools` (ids) when those are given, in the organisation when one is given,
    anywhere otherwise."""
    from .models import Membership

    wanted_roles = [role]
    if role in STAFF_ROLES:
        wanted_roles.append(Role.ADMIN)
    members = Membership.objects.filter(role__in=wanted_roles)
    school_id = _school_id(school)
    organisation_id = _school_id(organisation)
    if school_id is not None:
        members = members.filter(
            Q(school_id=school_id) | Q(school__isnull=True, organisation__schools=school_id)
        )
    elif schools is not None:
        members = members.filter(
            Q(school_id__in=schools) | Q(school__isnull=True, organisation__schools__in=schools)
        )
    elif organisation_id is not None:
        members = members.filter(organisation_id=organisation_id)
    wanted = Q(pk__in=members.values("person_id"))
    if role in STAFF_ROLES:
        wanted |= Q(is_superuser=True)
    return get_user_model().objects.filter(wanted, is_active=True)


def is_support_admin(user: Any) -> bool:
    return Role.ADMIN in roles_of(user)


def is_school_admin(user: Any) -> bool:
    """Looks after one school's catalogue (rooms, equipment, contacts, calendar)."""
    return Role.SCHOOL_ADMIN in roles_of(user)


def is_desk(user: Any) -> bool:
    """Service desk work: triage, ownership, closure. Support admins may do it too."""
    return Role.DESK in roles_of(user)


def is_technician(user: Any) -> bool:
    return Role.TECHNICIAN in roles_of(user)


def is_support_staff(user: Any) -> bool:
    """Anyone who sees the calls of a school: desk, technicians and support admins."""
    return is_desk(user) or is_technician(user)


def support_staff_among(people: Any) -> set[int]:
    """The ids of those of `people` who are support staff (`is_support_staff`), in
    one query for all of them (none for anyone whose roles are already cached)."""
    staff: set[int] = set()
    unknown = []
    for person in people:
        if not getattr(person, "is_active", False):
            continue
        held = getattr(person, "_helpdesk_held", None)
        if held is not None:
            if Role.DESK in held.roles or Role.TECHNICIAN in held.roles:
                staff.add(person.pk)
        elif person.is_superuser:
            staff.add(person.pk)
        else:
            unknown.append(person.pk)
    if unknown:
        from .models import Membership

        # A desk, technician or support-admin membership makes someone staff
        # (support admins hold the desk and technician roles too).
        staff.update(
            Membership.objects.filter(person_id__in=unknown, role__in=STAFF_ROLES)
            .values_list("person_id", flat=True)
            .distinct()
        )
    return staff


def catalogue_schools(user: Any) -> frozenset[int]:
    """The schools whose catalogue the person manages in the admin site."""
    return schools_where(user, Role.ADMIN, Role.SCHOOL_ADMIN)


def catalogue_organisations(user: Any) -> frozenset[int]:
    """The organisations whose shared records the person manages in the admin site."""
    return organisations_where(user, Role.ADMIN, Role.SCHOOL_ADMIN)


def directory_schools(user: Any) -> frozenset[int]:
    """The schools whose staff directory the person imports: where they are support
    admin (an organisation's admin: all its schools) or school admin."""
    return schools_where(user, Role.ADMIN, Role.SCHOOL_ADMIN)


def home_url_name(user: Any) -> str:
    """Where a person lands after signing in: the place of their main role."""
    if is_desk(user):
        return "incidents:desk_queue"
    if is_technician(user):
        return "incidents:tech_home"
    return "incidents:my_incidents"


def ensure_role_groups() -> None:
    """Create the groups that carry the admin site's permissions: the support admin
    may change every record; the school admin their school's catalogue."""
    from django.contrib.auth.models import Group, Permission

    admin_group = Group.objects.get_or_create(name=Role.ADMIN)[0]
    permissions = Permission.objects.filter(
        content_type__app_label__in=[
            "incidents",
            "accounts",
            "auth",
            "axes",
            "django_tasks_database",
        ]
    )
    admin_group.permissions.set(permissions)
    school_admin_group = Group.objects.get_or_create(name=Role.SCHOOL_ADMIN)[0]
    school_admin_group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="incidents", content_type__model__in=SCHOOL_ADMIN_MODELS
        )
    )


def grant(user: Any, *roles: str, school: Any = None, organisation: Any = None) -> None:
    """Give a person roles at a school, or at every school of an organisation.

    Without either, the roles hold at every school of the installation's first
    organisation (an installation with one school never names it; its school is
    made when there is none yet). Support admins
    and school admins also get into the admin site.
    """
    from django.contrib.auth.models import Group

    from .models import Membership, School, default_school

    if school is not None and not isinstance(school, School):
        school = School.objects.get(pk=school)
    if school is not None:
        organisation_id = school.organisation_id
    elif organisation is not None:
        organisation_id = _school_id(organisation)
    else:
        organisation_id = default_school().organisation_id
    for role in roles:
        Membership.objects.get_or_create(
            person=user, organisation_id=organisation_id, school=school, role=role
        )
        if role in ADMIN_SITE_ROLES:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
    if any(role in ADMIN_SITE_ROLES for role in roles) and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget(user)


def end_roles_at(user: Any, school: Any) -> bool:
    """Take away every role the person holds at this school (they left it).

    Roles held organisation-wide or at other schools stay. Without any role left
    anywhere the account is switched off (`is_active=False`: no sign-in by any
    route); it is never deleted. The admin site's groups go when no role that needs
    them is left. Returns whether the account is still active.
    """
    from django.contrib.auth.models import Group

    from .models import Membership

    Membership.objects.filter(person=user, school=_school_id(school)).delete()
    remaining = set(Membership.objects.filter(person=user).values_list("role", flat=True))
    changed = []
    if not remaining and user.is_active:
        user.is_active = False
        changed.append("is_active")
    if not remaining & set(ADMIN_SITE_ROLES) and not user.is_superuser:
        user.groups.remove(*Group.objects.filter(name__in=ADMIN_SITE_ROLES))
        if user.is_staff:
            user.is_staff = False
            changed.append("is_staff")
    if changed:
        user.save(update_fields=changed)
    forget(user)
    return user.is_active
