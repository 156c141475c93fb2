"""Template side of `incidents.models.states`: `{% status_badge incident "reporter" %}`.

Every page shows a call's or a problem's state through this tag, so the words and
the colour are decided in Python, once."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..models import (
    Audience,
    Problem,
    problem_status_label,
    problem_status_style,
    status_label,
    status_style,
)

register = template.Library()


@register.simple_tag
def status_badge(
    obj: Any, audience: str = Audience.STAFF, testid: str = "", size: str = ""
) -> SafeString:
    """A state as a badge: its words (the cue that does not rely on colour) on its
    colour. `obj` is an incident or a problem; `audience` is "staff" or "reporter"."""
    if isinstance(obj, Problem):
        label, style = problem_status_label(obj.status), problem_status_style(obj.status)
    else:
        # The hold reason is read only for the reporter, so staff lists that load
        # a few columns do not fetch it row by row.
        hold_reason = obj.hold_reason if audience == Audience.REPORTER else ""
        label = status_label(obj.status, audience, hold_reason=hold_reason)
        style = status_style(obj.status)
    # Written here rather than by a template: lists show one per row. The newlines
    # are the ones the template this replaces wrote around the badge.
    return format_html(
        '\n<span class="badge {}{}" data-status="{}"{}>{}</span>\n',
        style,
        f" {size}" if size else "",
        obj.status,
        format_html(' data-testid="{}"', testid) if testid else "",
        label,
    )
