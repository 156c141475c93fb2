"""What the product keeps in the shared cache, and which writes invalidate it.

The naming and versioning convention is `helpdesk.cache`'s. Only what is read on
many pages by many people, changes rarely and costs a query worth saving is here:

- ``devices``: the active equipment per school, for the schools side by side on the
  dashboard and in the service report (calls per 100 devices). A scan of the whole
  register on every dashboard view of a trust's desk; it changes when equipment is
  added, retired or moved, or a site moves to another school.
- ``target-clocks``: what a call's due times are counted by (`incidents.targets`):
  every priority's targets, and each site's opening hours, closures and bank
  holidays. Read by every filed sheet and every pause that ends; it changes when
  the admin edits a priority's targets or a school calendar.

`INVALIDATED_BY` is the one table of which saves and deletes bump which topic; the
receivers are connected once, in `IncidentsConfig.ready`. A bulk write that sends
no signals (``QuerySet.update``, ``bulk_create``) must call `helpdesk.cache.bump`
itself; the values' timeout (``CACHE_TIMEOUT_SECONDS``) bounds what one missed.
"""

from collections.abc import Collection
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Model
from django.db.models.signals import post_delete, post_save

from helpdesk import cache

from .models import Closure, Equipment, OpeningHours, PriorityTarget, SchoolCalendar, Site

DEVICES = "devices"
TARGET_CLOCKS = "target-clocks"

INVALIDATED_BY: dict[str, tuple[type[Model], ...]] = {
    DEVICES: (Equipment, Site),
    TARGET_CLOCKS: (PriorityTarget, SchoolCalendar, OpeningHours, Closure),
}


def devices_per_school(schools: Collection[int]) -> dict[int, int]:
    """Active equipment at each of these schools' sites (schools with none left out)."""
    every_school = cache.cached(DEVICES, "per-school", _count_devices)
    return {school: n for school, n in every_school.items() if school in schools}


def _count_devices() -> dict[int, int]:
    # From the primary, even on a report read from the replica (see helpdesk.cache).
    return dict(
        Equipment.objects.using(DEFAULT_DB_ALIAS)
        .order_by()
        .filter(is_active=True)
        .values_list("site__school_id")
        .annotate(n=Count("pk"))
    )


def _receiver(topic: str):
    def invalidate(sender: type[Model], **kwargs: Any) -> None:
        cache.bump(topic)

    return invalidate


def connect() -> None:
    """Bump each topic on every save and delete of the models it is read from."""
    for topic, models in INVALIDATED_BY.items():
        receiver = _receiver(topic)
        for model in models:
            uid = f"helpdesk.cache.{topic}.{model._meta.label}"
            post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}.save")
            post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}.delete")
