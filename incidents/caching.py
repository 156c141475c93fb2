"""What the product keeps in the shared cache, and which writes invalidate it.

The naming and versioning convention is `helpdesk.cache`'s. Only what is read on
many pages by many people, changes rarely and costs a query worth saving is here:

- ``devices``: the active equipment per school, for the schools side by side on the
  dashboard and in the service report (calls per 100 devices). A scan of the whole
  register on every dashboard view of a trust's desk; it changes when equipment is
  added, retired or moved, or a site moves to another school.
- ``rota-visits``: the next scheduled visits offered on the staff incident page, per
  school and day (six queries: the rota, its changes, the sites' calendars, the
  school's technicians). They change with the rota and its visit changes, a site's
  calendar, opening hours and closures, the sites of the school, and the people
  (their names, being active) and memberships that make them its technicians.
- ``article-suggestions``: the published articles the staff incident page suggests
  for a call's words and equipment at its school (a ranked text search of the
  knowledge base). They change with the articles and with the school's organisation
  (whose shared articles it may use).
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

from accounts.models import Membership, Organisation, School, User
from helpdesk import cache

from .models import (
    Closure,
    Equipment,
    KnowledgeArticle,
    OpeningHours,
    PriorityTarget,
    RotaEntry,
    SchoolCalendar,
    Site,
    VisitChange,
)

DEVICES = "devices"
ROTA_VISITS = "rota-visits"
ARTICLE_SUGGESTIONS = "article-suggestions"
TARGET_CLOCKS = "target-clocks"

INVALIDATED_BY: dict[str, tuple[type[Model], ...]] = {
    DEVICES: (Equipment, Site),
    ROTA_VISITS: (
        RotaEntry,
        VisitChange,
        Site,
        SchoolCalendar,
        OpeningHours,
        Closure,
        User,
        Membership,
        School,
        Organisation,
    ),
    ARTICLE_SUGGESTIONS: (KnowledgeArticle, School),
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


# A sign-in saves the person's last_login (and a new hash of the same password):
# nothing cached is made of those.
UNCACHED_USER_FIELDS = frozenset({"last_login", "password"})


def _receiver(topic: str):
    def invalidate(sender: type[Model], update_fields: Any = None, **kwargs: Any) -> None:
        if sender is User and update_fields and set(update_fields) <= UNCACHED_USER_FIELDS:
            return
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
