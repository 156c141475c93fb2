"""Who may do what: the one place that knows about roles.

Roles are Django groups, and a person may hold several (in a small school the
technician is also the service desk). Views and the workflow ask these helpers;
templates only ever see flags computed from them.

Who counts as service desk (one rule, used by the workflow, the lists of people
and the notifications): a person in the "Service desk" group, or a support admin
(a member of the "Support admin" group, or a superuser). The same holds for
technicians. `people_with(role)` answers the same question for lists of people.
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


def roles_of(user: Any) -> frozenset[str]:
    """The roles a person holds, read once per request and cached on the user.

    Support admins (and superusers) hold the desk and technician roles too.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_helpdesk_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMIN)
        if Role.ADMIN in names:
            names |= {Role.DESK, Role.TECHNICIAN}
        cached = frozenset(name for name in names if name in Role.values)
        user._helpdesk_roles = cached
    return cached


def people_with(role: str) -> QuerySet[Any]:
    """Active people holding the role, by the same rule as `roles_of`."""
    wanted = Q(groups__name=role)
    if role in (Role.DESK, Role.TECHNICIAN, Role.ADMIN):
        wanted |= Q(groups__name=Role.ADMIN) | Q(is_superuser=True)
    ids = get_user_model().objects.filter(wanted, is_active=True).values("pk")
    return get_user_model().objects.filter(pk__in=ids)


def is_support_admin(user: Any) -> bool:
    return Role.ADMIN in roles_of(user)


def is_desk(user: Any) -> bool:
    """Service desk work: triage, ownership, closure. Support admins may do it too."""
    return Role.DESK in roles_of(user)


def is_technician(user: Any) -> bool:
    return Role.TECHNICIAN in roles_of(user)


def is_support_staff(user: Any) -> bool:
    """Anyone who sees every incident: desk, technicians and support admins."""
    return is_desk(user) or is_technician(user)


def home_url_name(user: Any) -> str:
    """Where a person lands after signing in: the place of their main role."""
    if is_desk(user):
        return "incidents:desk_queue"
    if is_technician(user):
        return "incidents:tech_home"
    return "incidents:my_incidents"


def ensure_role_groups() -> None:
    """Create the four role groups; the support admin may change every record."""
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        Group.objects.get_or_create(name=role.value)
    admin_group = Group.objects.get(name=Role.ADMIN)
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


def grant(user: Any, *roles: str) -> None:
    """Give a person roles. A support admin also gets into the admin site."""
    from django.contrib.auth.models import Group

    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if Role.ADMIN in roles and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_helpdesk_roles", None)
