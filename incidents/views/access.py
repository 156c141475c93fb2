"""Decorators that views share: who may open a page at all.

Object access goes through `incidents.selectors` (scoped getters → 404); these
only say which role a page is for (→ 403 for a signed-in person without it).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from accounts import roles
from incidents import workflow


def role_required(check):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


desk_required = role_required(roles.is_desk)
technician_required = role_required(roles.is_technician)
support_required = role_required(roles.is_support_staff)
admin_required = role_required(roles.is_support_admin)


def run_move(request, incident, action, success_message: str = ""):
    """Run a workflow move and turn its refusal into a message (403 when not allowed).

    Returns the move's result, or None when it was refused: the caller redirects
    to the incident's page either way.
    """
    try:
        result = action()
    except workflow.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        return None
    if success_message:
        messages.success(request, success_message)
    return result


def back_to(incident):
    return redirect("incidents:detail", ref=incident.reference)
