"""Words for events: what the call log, a problem's history and the e-mails say.

A history entry stores an event code and its data. The words are rendered when
shown, from templates/incidents/events/<event>.html (problems:
templates/incidents/problem_events/<event>.html), so wording changes without
touching logic. They are plain text, rendered without escaping: the page that
shows them escapes them once, like anything else people typed. Entries moved over from the time before events keep their old
words in data["text"] and show them as they were.

Notifications are rendered the same way, from
templates/incidents/notifications/<name>.txt: its `subject` and `body` partials,
rendered apart, so a line break in what someone typed can never move words from
the subject into the body.
"""

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.template import Context, TemplateDoesNotExist
from django.template.loader import render_to_string, select_template

# Line and paragraph separators, NEL, other control and format (bidi) characters.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs"}
# Data keys holding a date as ISO text, offered to templates as dates.
_DATES = ("visit_date", "chase_on")


def single_line(text: str, limit: int = 200) -> str:
    """Text safe for a mail header: one line, no control or bidi characters."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch for ch in str(text)
    )
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    return cleaned[:limit]


def render_entry(entry: Any, folder: str = "events") -> str:
    """The words of a history entry (a CallLogEntry or ProblemLogEntry)."""
    data = entry.data or {}
    names = [f"incidents/{folder}/{entry.event}.html", "incidents/events/_legacy.html"]
    if "text" in data and len(data) == 1:
        names = ["incidents/events/_legacy.html"]
    try:
        template = select_template(names)
    except TemplateDoesNotExist:  # pragma: no cover - the fallback always exists
        return ""
    context: dict[str, Any] = {"entry": entry, "data": data}
    for name in _DATES:
        if data.get(name):
            context[name] = date.fromisoformat(data[name])
    return template.template.render(Context(context, autoescape=False)).strip()


def render_notification(name: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of a notification, from its template."""
    template = f"incidents/notifications/{name}.txt"
    subject = render_to_string(f"{template}#subject", context)
    body = render_to_string(f"{template}#body", context)
    return single_line(subject), body.strip()


def workarounds(incident: Any) -> list[dict[str, Any]]:
    """Every workaround put in place on the incident, oldest first, from its call log:
    recorded with the cause, as the resolution, or when escalated to a problem. A new
    one never hides an earlier one."""
    entries = incident.log.filter(event__in=WORKAROUND_EVENTS).select_related("actor")
    return workarounds_in(entries.order_by("at", "id"))


# The call-log events that may carry a workaround.
WORKAROUND_EVENTS = ("cause_recorded", "resolved", "escalated")


def workarounds_in(entries: Iterable[Any]) -> list[dict[str, Any]]:
    """`workarounds` from call-log entries already read (every entry of the call, in
    order of time and id, with their actors): the staff incident page's log."""
    found: list[dict[str, Any]] = []
    for entry in entries:
        if entry.event not in WORKAROUND_EVENTS:
            continue
        data = entry.data or {}
        text = data.get("workaround", "")
        if entry.event == "resolved":
            text = data.get("resolution", "") if data.get("resolution_kind") == "Workaround" else ""
        if text and (not found or found[-1]["text"] != text):
            found.append({"at": entry.at, "by": entry.actor, "text": text})
    return found
