"""The error summary at the top of a form page (the GOV.UK pattern).

`{% error_summary form other_form %}` lists every error of the forms given, each
a link to its field; js/app.js moves the focus to the summary when the page
loads, so a screen reader reads it first after a failed send.
"""

from django import template

register = template.Library()


def _field_anchor(bound_field) -> str:
    """The id of the element to focus: the field, or the first of its radio buttons."""
    widget = bound_field.field.widget
    input_type: str = getattr(widget, "input_type", None) or ""
    if input_type == "hidden" or widget.is_hidden:
        return ""
    if input_type in ("radio", "checkbox") and getattr(widget, "option_template_name", None):
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


def summary_items(*forms) -> list[dict]:
    """(text, anchor) for each error, in the order the fields appear on the page."""
    items: list[dict] = []
    for form in forms:
        if form is None or not getattr(form, "is_bound", False) or not form.errors:
            continue
        items.extend({"text": error, "anchor": ""} for error in form.non_field_errors())
        for bound_field in form:
            for error in bound_field.errors:
                items.append({"text": error, "anchor": _field_anchor(bound_field)})
    return items


@register.inclusion_tag("partials/error_summary.html")
def error_summary(*forms, title="There is a problem"):
    return {"items": summary_items(*forms), "title": title}
