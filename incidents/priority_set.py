"""Whether the service desk has set an incident's priority yet.

A sheet is filed with the priority of the default impact and urgency, which is
nobody's decision: until the desk logs the call, or changes its impact or urgency
before logging it, pages show the priority as not set yet. The rule lives here
twice, side by side: a function for one incident and a query expression for
lists, which a test keeps in agreement.
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from .models import CallLogEntry, Incident

# The key in a `details_changed` entry's data that says the desk set the priority
# (by impact or urgency, so the priority followed).
PRIORITY_SET = "priority_set"
_SETTING_EVENT = "details_changed"


def priority_is_set(incident: Incident) -> bool:
    """The desk has logged the call or set its impact or urgency."""
    if incident.logged_at is not None:
        return True
    annotated = getattr(incident, "priority_set", None)
    if annotated is not None:
        return bool(annotated)
    return incident.log.filter(event=_SETTING_EVENT, **{f"data__{PRIORITY_SET}": True}).exists()


def priority_set_expression() -> ExpressionWrapper:
    """`priority_is_set` for every incident of a list, in the same query."""
    setting = CallLogEntry.objects.filter(
        incident=OuterRef("pk"), event=_SETTING_EVENT, **{f"data__{PRIORITY_SET}": True}
    )
    return ExpressionWrapper(
        Q(logged_at__isnull=False) | Exists(setting), output_field=BooleanField()
    )
