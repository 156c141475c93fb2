"""The one way a duration is written on any page, export or report."""

from datetime import timedelta


def format_duration(value: timedelta | float | int | None) -> str:
    """A duration (or seconds) → "45 min", "3 h 20 min", "2 d 4 h"; "—" for nothing.

    Rounded to the minute; a negative duration is written as its size (the caller
    says "ago", "left" or "over").
    """
    if value is None:
        return "—"
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    minutes = round(abs(seconds) / 60)
    if minutes < 60:
        return f"{minutes} min"
    whole_hours, minutes = divmod(minutes, 60)
    if whole_hours < 24:
        return f"{whole_hours} h {minutes:02d} min" if minutes else f"{whole_hours} h"
    days, whole_hours = divmod(whole_hours, 24)
    return f"{days} d {whole_hours} h" if whole_hours else f"{days} d"


def format_target(minutes: int, school_hours: bool) -> str:
    """A priority's target as the desk reads it: "4 h", "8 h (school hours)"."""
    text = format_duration(timedelta(minutes=minutes))
    return f"{text} (school hours)" if school_hours else text
