"""`{{ form.field|plain_field }}`: a form field with its label, help text and
messages in the markup crispy-forms' Bootstrap 5 pack gives it (the same ids,
classes and aria), written in Python. The queue's filter form renders twenty
fields on every request; through crispy's nested templates that cost as much as
the fifty rows of the list."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _widget_class(field: BoundField) -> str:
    """The classes crispy gives the widget: its own, its type's name, Bootstrap's."""
    widget = field.field.widget
    kind = type(widget).__name__.lower()
    classes = widget.attrs.get("class", "").split()
    if kind not in " ".join(classes):
        classes.append(kind)
    if isinstance(widget, forms.CheckboxInput):
        bootstrap = "form-check-input"
    elif isinstance(widget, forms.Select):
        bootstrap = "form-select"
    else:
        bootstrap = "form-control"
    for name in [bootstrap, "is-invalid" if field.errors else ""]:
        if name and name not in classes:
            classes.append(name)
    return " ".join(classes)


def _help_and_errors(field: BoundField) -> SafeString:
    errors = SafeString("")
    if field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, field.auto_id, error) for n, error in enumerate(field.errors, 1)),
            ),
        )
    help_text = SafeString("")
    if field.help_text:
        help_text = format_html(
            '<div id="{}_helptext" class="form-text">{}</div>',
            field.auto_id,
            mark_safe(field.help_text),  # noqa: S308 - the project's own words, as crispy does
        )
    return mark_safe(errors + help_text)  # noqa: S308 - both built by format_html


@register.filter
def plain_field(field: BoundField) -> SafeString:
    if field.is_hidden:
        return mark_safe(str(field))  # noqa: S308 - rendered by Django's widget
    widget_html = field.as_widget(attrs={"class": _widget_class(field)})
    label = conditional_escape(field.label)
    if isinstance(field.field.widget, forms.CheckboxInput):
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}'
            '<label for="{}" class="form-check-label">{}</label>{}</div></div>',
            field.auto_id,
            widget_html,
            field.id_for_label,
            label,
            _help_and_errors(field),
        )
    required = " requiredField" if field.field.required else ""
    asterisk = mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label{}">{}{}</label>{}{}</div>',
        field.auto_id,
        field.id_for_label,
        required,
        label,
        asterisk,
        widget_html,
        _help_and_errors(field),
    )
