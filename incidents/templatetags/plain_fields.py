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


def _crispy_only(field: BoundField) -> bool:
    """Widgets left to crispy-forms' own templates: groups of radio buttons or
    checkboxes, file inputs, several inputs in one field."""
    widget = field.field.widget
    return bool(
        field.use_fieldset
        or isinstance(widget, forms.ClearableFileInput | forms.FileInput | forms.MultiWidget)
        or getattr(widget, "allow_multiple_selected", False)
    )


@register.filter
def plain_form(form: forms.BaseForm) -> SafeString:
    """`{{ form|plain_form }}`: what `{{ form|crispy }}` writes (the form's own
    messages, then each field), its plain fields written in Python."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    parts = []
    if form.non_field_errors():
        parts.append(
            format_html(
                '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
                format_html_join("", "<li>{}</li>", ((e,) for e in form.non_field_errors())),
            )
        )
    for field in form:
        parts.append(as_crispy_field(field) if _crispy_only(field) else plain_field(field))
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped as it was built


@register.filter
def plain_field(field: BoundField) -> SafeString:
    if _crispy_only(field):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(field)
    if field.is_hidden:
        return mark_safe(str(field))  # noqa: S308 - rendered by Django's widget
    widget_html = field.as_widget(attrs={"class": _widget_class(field)})
    label = conditional_escape(field.label)
    required = " requiredField" if field.field.required else ""
    wrapper = f" {field.css_classes()}" if field.css_classes() else ""
    asterisk = mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""
    if isinstance(field.field.widget, forms.CheckboxInput):
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check{}">{}'
            '<label for="{}" class="form-check-label{}">{}{}</label>{}</div></div>',
            field.auto_id,
            wrapper,
            widget_html,
            field.id_for_label,
            required,
            label,
            asterisk,
            _help_and_errors(field),
        )
    label_html = SafeString("")
    if field.label:
        label_html = format_html(
            '<label{} class="form-label{}">{}{}</label>',
            format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
            required,
            label,
            asterisk,
        )
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}</div>',
        field.auto_id,
        wrapper,
        label_html,
        widget_html,
        _help_and_errors(field),
    )
