"""Who may do what: the one place that knows about roles.

Roles are Django groups, and a person may hold several (in a small school the
technician is also the service desk). Views and the workflow ask these helpers;
templates only ever see flags computed from them.
"""

from django.db import models


class Role(models.TextChoices):
    USER = "User", "User"
    DESK = "Service desk", "Service desk"
    TECHNICIAN = "Technician", "Technician"
    ADMIN = "Support admin", "Support admin"


def roles_of(user) -> frozenset[str]:
    """The roles a person holds, read once per request and cached on the user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_helpdesk_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMIN)
        cached = frozenset(name for name in names if name in Role.values)
        user._helpdesk_roles = cached
    return cached


def is_support_admin(user) -> bool:
    return Role.ADMIN in roles_of(user)


def is_desk(user) -> bool:
    """Service desk work: triage, ownership, closure. Support admins may do it too."""
    roles = roles_of(user)
    return Role.DESK in roles or Role.ADMIN in roles


def is_technician(user) -> bool:
    roles = roles_of(user)
    return Role.TECHNICIAN in roles or Role.ADMIN in roles


def is_support_staff(user) -> bool:
    """Anyone who sees every incident: desk, technicians and support admins."""
    return is_desk(user) or is_technician(user)


def can_report(user) -> bool:
    """Every signed-in member of staff may file an incident sheet."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def home_url_name(user) -> str:
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


def grant(user, *roles: str) -> None:
    """Give a person roles. A support admin also gets into the admin site."""
    from django.contrib.auth.models import Group

    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if Role.ADMIN in roles and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_helpdesk_roles", None)
