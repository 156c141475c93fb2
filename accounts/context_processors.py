from django.utils.functional import SimpleLazyObject

from accounts import roles as role_checks


def roles(request):
    """Flags for the navigation; access itself is checked in views."""
    user = request.user
    return {
        "nav": {
            "desk": role_checks.is_desk(user),
            "technician": role_checks.is_technician(user),
            "admin": role_checks.is_support_admin(user) or role_checks.is_school_admin(user),
            "staff": role_checks.is_support_staff(user),
            "directory": bool(role_checks.directory_schools(user)),
        },
        "unread_notifications": SimpleLazyObject(lambda: _unread(user)),
    }


def _unread(user) -> int:
    from incidents.selectors import unread_count

    return unread_count(user)
