"""The shared cache: how cached values are named, versioned and invalidated.

The convention, for anything put in the cache:

- A value belongs to a **topic** (``"devices"``, ``"queue-choices"``): the set of
  rows it is computed from. Its key is ``<topic>.v<version>.<part>``; Django adds
  the site's ``CACHE_KEY_PREFIX`` and its own version in front.
- The topic's **version** lives in the cache under ``version.<topic>`` and never
  expires. A change to the topic's rows calls `bump`: a new version, so every
  value of the old one is never read again (it expires on its own timeout). Nothing
  is deleted key by key, so no key can be forgotten.
- `bump` runs at once and again when the transaction commits: a page built by
  someone else between the two would otherwise cache the old rows under the new
  version. Which writes bump which topic is declared in one table
  (`incidents.caching.INVALIDATED_BY`).
- A missing version (Redis restarted or evicted it) starts afresh from a number
  never used before, never from 1, so values of an earlier life are not read back.
- The cache is only ever a shortcut: when Redis does not answer, the value is built
  from the database, as without a cache.
- Values are kept across requests only in a cache every server process shares
  (`is_shared`: Redis). Each process's local memory cannot hear of a change made in
  another process, so there nothing is kept and every value is built afresh.
"""

import functools
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

log = logging.getLogger(__name__)


def is_shared() -> bool:
    """Whether cached values may outlive the request: only in a cache every server
    process reads and writes (the setting `CACHE_SHARED`, true or false, overrides)."""
    wanted = getattr(settings, "CACHE_SHARED", None)
    if wanted is not None:
        return bool(wanted)
    # `cache` is a proxy: the backend itself decides.
    return not isinstance(caches["default"], LocMemCache | DummyCache)


def _version_key(topic: str) -> str:
    return f"version.{topic}"


def _fresh_version() -> int:
    # Nanoseconds since the epoch: larger than any version handed out before.
    return time.time_ns()


def topic_version(topic: str) -> int:
    """The topic's current version (started afresh when missing)."""
    key = _version_key(topic)
    version = cache.get(key)
    if version is None:
        cache.add(key, _fresh_version(), timeout=None)
        version = cache.get(key)
    return int(version)


def key_for(topic: str, part: str = "all") -> str:
    """The key of one of the topic's values, at its current version."""
    return f"{topic}.v{topic_version(topic)}.{part}"


def _bump_now(topic: str) -> None:
    key = _version_key(topic)
    try:
        cache.incr(key)
    except ValueError:  # no version yet (or evicted): any new one will do
        cache.set(key, _fresh_version(), timeout=None)


def bump(*topics: str) -> None:
    """The topics' rows changed: their cached values are not read again."""
    for topic in topics:
        try:
            _bump_now(topic)
        except Exception:
            # A cache that cannot be told is a cache that cannot be trusted: say so.
            log.exception("Could not invalidate the cached %s", topic)
        transaction.on_commit(functools.partial(_bump_quietly, topic))


def _bump_quietly(topic: str) -> None:
    try:
        _bump_now(topic)
    except Exception:
        log.exception("Could not invalidate the cached %s", topic)


def cached[T](topic: str, part: str, build: Callable[[], T], timeout: int | None = None) -> T:
    """The topic's value named ``part``, built (and stored) when not in the cache.

    ``build`` must read the primary database (``.using("default")``): a value read
    from a replica that lags would be stored under the new version and outlive the lag.
    """
    try:
        key = key_for(topic, part)
        found = cache.get(key)
    except Exception:
        log.warning("The cache did not answer; building %s.%s from the database", topic, part)
        return build()
    if found is not None:
        return found
    value = build()
    try:
        if timeout is None:
            cache.set(key, value)
        else:
            cache.set(key, value, timeout)
    except Exception:
        log.warning("The cache did not answer; %s.%s not stored", topic, part)
    return value
