"""Choice lists (rooms, sites, categories, schools, people) read and rendered cheaply.

A `ModelChoiceField` reads its queryset with `.iterator()` (a server-side cursor on
PostgreSQL: DECLARE, FETCH and CLOSE, three round trips) every time a form is
rendered, and Django renders each `<option>` through a template of its own: the
queue's 200 rooms cost more than its 50 rows. `light_choices(form)` makes a form's
choice fields read their list with one ordinary query, build each list once per
request (two forms on one page with the same list share it), and render their
`<select>` in Python, with the very same markup.

Across requests the lists of rooms, sites, categories, schools and people are kept
in Django's cache when that cache is shared by every server process (Redis, not
the per-process local memory: a change made in one process could not tell the
others). They are the topic `choice-lists` of `helpdesk.cache`: every save or
delete of those records bumps its version, so the next page after a change builds
its list again.
"""

import hashlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from django import forms
from django.core.exceptions import EmptyResultSet
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_delete, post_save
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from helpdesk import cache as shared

CHOICE_LISTS = "choice-lists"
TIMEOUT = 60 * 60  # an hour: unused lists go; changed ones go at once by the version

# What the cached lists are made of: a save or delete of any of these moves the version.
LISTED_MODELS = (
    "accounts.User",
    "accounts.Membership",
    "accounts.School",
    "accounts.Organisation",
    "incidents.Site",
    "incidents.Room",
    "incidents.Category",
)
# A sign-in saves the person's last_login: that changes no list.
UNLISTED_USER_FIELDS = frozenset({"last_login", "password"})

_request = threading.local()


# ---------------------------------------------------------------- the lists


def bump_version(**_: Any) -> None:
    """Every cached choice list is built again on its next use (this request's too:
    a view that changes a room and then shows the rooms shows the change)."""
    shared.bump(CHOICE_LISTS)
    if getattr(_request, "lists", None) is not None:
        _request.lists = {}


def _user_saved(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields and set(update_fields) <= UNLISTED_USER_FIELDS:
        return
    bump_version()


def connect_signals() -> None:
    """Called once the models are loaded (`IncidentsConfig.ready`)."""
    from django.apps import apps

    for label in LISTED_MODELS:
        model = apps.get_model(label)
        on_save = _user_saved if label == "accounts.User" else bump_version
        post_save.connect(on_save, sender=model, dispatch_uid=f"choice-lists-save-{label}")
        post_delete.connect(bump_version, sender=model, dispatch_uid=f"choice-lists-del-{label}")


def _start_request(**_: Any) -> None:
    _request.lists = {}


def _end_request(**_: Any) -> None:
    _request.lists = None


request_started.connect(_start_request, dispatch_uid="choice-lists-request-started")
request_finished.connect(_end_request, dispatch_uid="choice-lists-request-finished")


def _list_key(field: forms.ModelChoiceField) -> str | None:
    """What names the field's list: its query and labels (None: an empty list)."""
    queryset = field.queryset
    if queryset is None:
        return None
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # `.none()`, or `pk__in=[]` for someone serving no school
        return None
    labelled = getattr(field, "with_school", "")  # a label that depends on the field
    return hashlib.sha1(
        f"{type(field).__module__}.{type(field).__qualname__}|{labelled}|{queryset.db}|"
        f"{sql}|{params!r}".encode(),
        usedforsecurity=False,
    ).hexdigest()


def _remembered[T](field: forms.ModelChoiceField, key: str, build: Callable[[], T]) -> T:
    """The value named `key`: from this request, else the shared cache, else built."""
    memo = getattr(_request, "lists", None)
    if memo is not None and key in memo:
        return memo[key]
    if shared.is_shared() and field.queryset.model._meta.label in LISTED_MODELS:
        # The shared cache is only ever a shortcut: when it does not answer, build.
        found = shared.cached(CHOICE_LISTS, key, build, TIMEOUT)
    else:
        found = build()
    if memo is not None:
        memo[key] = found
    return found


def markup_of_lists(part: str, build: Callable[[], str]) -> SafeString:
    """Markup made of nothing but the choice lists and what `part` names (the call
    log's filter fields, for one address and set of schools): kept in the shared
    cache under the lists' version, so a change to any list builds it again."""
    if not shared.is_shared():
        return mark_safe(build())  # noqa: S308 - rendered by a template, escaped there
    return mark_safe(shared.cached(CHOICE_LISTS, part, build, TIMEOUT))  # noqa: S308 - as above


def choice_list(field: forms.ModelChoiceField) -> list[tuple[str, str]]:
    """(value, label) for each record of the field's queryset, by the field's labels."""
    key = _list_key(field)
    if key is None:
        return []
    return _remembered(
        field,
        key,
        lambda: [
            (str(field.prepare_value(obj)), str(field.label_from_instance(obj)))
            for obj in field.queryset
        ],
    )


def _option(value: Any, label: Any, *, selected: bool = False) -> str:
    text = "" if value is None else str(value)
    return (
        f'\n  <option value="{conditional_escape(text)}"'
        f"{' selected' if selected else ''}>{conditional_escape(str(label))}</option>\n"
    )


def options_markup(choices: "ListedChoiceIterator") -> str:
    """Every `<option>` of a listed field, none selected, written once per list: a
    trust's desk lists thousands of rooms, and escaping each on every page was the
    largest part of the queue's time."""
    field = choices.field
    key = _list_key(field)
    if key is None:
        return _option("", field.empty_label) if field.empty_label is not None else ""
    return _remembered(
        field,
        # The empty label is part of the markup: hashed, as the key holds no spaces.
        f"{key}.options.{hashlib.sha1(str(field.empty_label).encode(), usedforsecurity=False).hexdigest()[:12]}",
        lambda: "".join(_option(value, label) for value, label in choices),
    )


class ListedChoiceIterator(ModelChoiceIterator):
    """The field's choices from `choice_list`: one plain query, once per request."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from choice_list(self.field)

    def __len__(self) -> int:
        return len(choice_list(self.field)) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(choice_list(self.field))


# ---------------------------------------------------------------- the markup


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """As Django's `attrs.html`: `name="value"`, a bare name for True, nothing for
    False or None."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(format_html(" {}", name))
        elif value is not False and value is not None:
            parts.append(format_html(' {}="{}"', name, value))
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped by format_html


class Select(forms.Select):
    """A `<select>` written in Python: the markup of Django's own templates, without
    a template per option. Grouped choices fall back to the templates. (Named
    `Select` because crispy-forms names a widget's CSS class after its class.)"""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        selected = self.format_value(value)
        final = self.build_attrs(self.attrs, attrs)
        if isinstance(self.choices, ListedChoiceIterator) and len(selected) <= 1:
            # The list's options as written once; the chosen one marked in place.
            markup = options_markup(self.choices)
            if selected:
                plain = f'<option value="{conditional_escape(selected[0])}">'
                markup = markup.replace(plain, plain[:-1] + " selected>", 1)
        else:
            choices = list(self.choices)
            if any(isinstance(label, list | tuple) for _value, label in choices):
                return super().render(name, value, attrs, renderer)
            wanted = set(selected)
            options = []
            chosen = False
            for option_value, label in choices:
                text = "" if option_value is None else str(option_value)
                is_selected = text in wanted and (self.allow_multiple_selected or not chosen)
                chosen = chosen or is_selected
                options.append(_option(text, label, selected=is_selected))
            markup = "".join(options)
        return mark_safe(  # noqa: S308 - values and labels escaped in _option
            f'<select name="{conditional_escape(name)}"{_attributes(final)}>'
            + markup
            + "\n</select>"
        )


def light_choices(*forms_to_lighten: Any) -> None:
    """Give each form's choice fields `choice_list` and the Python-written `Select` (same choices,
    same markup)."""
    for form in forms_to_lighten:
        if form is None:
            continue
        for field in form.fields.values():
            if isinstance(field, forms.ModelChoiceField) and not isinstance(
                field, forms.ModelMultipleChoiceField
            ):
                field.iterator = ListedChoiceIterator
                field.widget.choices = field.choices
            if type(field.widget) is forms.Select:
                field.widget.__class__ = Select
