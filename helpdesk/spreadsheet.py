"""Cells a spreadsheet will show as text, never run as a formula.

Spreadsheets start a formula at `=`, `+`, `-` or `@` (and some at `|`),
also after leading blanks or separators (`;=…`, ` =…`), and LibreOffice and Excel
read the full-width forms (U+FF1D, U+FF0B, …) as the ASCII ones. A cell whose first
meaningful character is any of these gets a leading apostrophe, which every
spreadsheet reads as "this is text".
"""

import unicodedata

FORMULA_CHARACTERS = frozenset("=+-@|")
# What a spreadsheet may skip before it sees the formula character.
LEADING_NOISE = " \t\r\n\u00a0\u3000;,"


def formula_safe(value) -> str:
    """The value as a CSV cell that opens as text in any spreadsheet."""
    if value is None:
        return ""
    text = str(value)
    meaningful = unicodedata.normalize("NFKC", text.lstrip(LEADING_NOISE))[:1]
    if meaningful in FORMULA_CHARACTERS or text.startswith(("\t", "\r", "\n")):
        return "'" + text
    return text
