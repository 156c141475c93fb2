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


# Django's own input templates (`input.html` and those that only include it) and
# `textarea.html`: short enough to write here, with the very same markup.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "checkbox",
        "search",
        "tel",
        "color",
    )
)
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _attrs_html(attrs: dict) -> str:
    """As Django's `attrs.html`: a bare name for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        elif value is not False:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(parts)


def _widget_html(field: BoundField, attrs: dict | None = None) -> SafeString:
    """`field.as_widget(attrs=attrs)`: the inputs and text areas of Django's own
    templates written in Python (one template render each cost as much as a row of
    the call log); any other widget rendered by Django as before."""
    widget = field.field.widget
    template_name = getattr(widget, "template_name", "")
    plain = (
        (template_name in _INPUT_TEMPLATES or template_name == _TEXTAREA_TEMPLATE)
        and type(widget).render is forms.Widget.render
        and getattr(type(widget), "_render", None) is getattr(forms.Widget, "_render", None)
    )
    if not plain:
        return field.as_widget(attrs=attrs)
    if field.field.localize:
        widget.is_localized = True
    final = field.build_widget_attrs(dict(attrs or {}), widget)
    if field.auto_id and "id" not in widget.attrs:
        final.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), final)["widget"]
    name = conditional_escape(context["name"])
    value = context["value"]
    if template_name == _TEXTAREA_TEMPLATE:
        text = conditional_escape(value) if value else ""
        html = f'<textarea name="{name}"{_attrs_html(context["attrs"])}>\n{text}</textarea>'
    else:
        shown = "" if value is None else f' value="{conditional_escape(value)}"'
        html = f'<input type="{conditional_escape(context["type"])}" name="{name}"{shown}{_attrs_html(context["attrs"])}>'
    return mark_safe(html)  # noqa: S308 - every part escaped above


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
        return _widget_html(field) if not field.field.show_hidden_initial else mark_safe(str(field))  # noqa: S308
    widget_html = _widget_html(field, {"class": _widget_class(field)})
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
