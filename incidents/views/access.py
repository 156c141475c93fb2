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


def posted_version(request, form=None) -> int | None:
    """The version the person was looking at: the form's field, or the page's hidden
    `version` input. None (missing or not a number) counts as stale."""
    if form is not None and "version" in form.fields and hasattr(form, "cleaned_data"):
        value = form.cleaned_data.get("version")
        if value is not None:
            return value
    raw = request.POST.get("version", "")
    if form is not None and not raw:
        raw = request.POST.get(form.add_prefix("version"), "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def run_move(request, incident, action, success_message: str = "", *, form=None):
    """The one way a view runs a workflow move.

    Not allowed → 403. A stale version → with `form`, the form gets the message and
    the fresh version (the caller shows it again: `form.errors` is set); without
    one, a message. Any other refusal → a message. Returns the move's result, or
    None when it was refused.
    """
    try:
        result = action()
    except workflow.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except workflow.Conflict as error:
        if form is None:
            messages.error(request, str(error))
            return None
        data = form.data.copy()
        data[form.add_prefix("version")] = error.current.version
        data["version"] = error.current.version
        form.data = data
        form.add_error(None, str(error))
        return None
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        return None
    if success_message:
        messages.success(request, success_message)
    return result


def attempt(request, incident, form, action) -> bool:
    """Run a move for a form (see `run_move`): True when it was made, False when it
    was refused (the reason is on the form or in the messages)."""
    done = object()
    result = run_move(request, incident, lambda: action() or done, form=form)
    return result is not None and not form.errors


def posted_or_none(request):
    """The submitted data on a POST (even an empty one), None on a GET: a form bound
    only when something was sent."""
    return request.POST if request.method == "POST" else None


def no_longer_offered(request, incident, move: str, form) -> bool:
    """Whether the form's move is no longer possible for the person (someone else's
    change moved the call on), so the page will not show the form again. Its messages
    (or why the move is refused) are then queued for the top of the page."""
    refused = workflow.refusal(workflow.MOVES[move], request.user, incident)
    if refused is None:
        return False
    for error in form.non_field_errors() or [str(refused)]:
        messages.error(request, error)
    return True


def back_to(incident):
    return redirect("incidents:detail", ref=incident.reference)
