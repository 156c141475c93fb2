"""Sentences built around what people typed: one full stop, never two."""

from django import template

register = template.Library()

_ENDINGS = (".", "!", "?", "…")


@register.filter
def sentence(text: object) -> str:
    """The text with a full stop at its end, unless it already ends a sentence."""
    words = str(text).rstrip()
    if not words or words.endswith(_ENDINGS):
        return words
    return f"{words}."
