"""Template side of `incidents.targets`: `{{ value|duration }}`."""

from django import template

from ..targets import format_duration

register = template.Library()


@register.filter
def duration(value) -> str:
    """A timedelta or seconds, written the one way (see `format_duration`)."""
    return format_duration(value)
