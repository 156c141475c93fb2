"""The demo's clock: each story runs on its own day, a few minutes per step.

The workflow asks `django.utils.timezone.now()` for the time of each move, and
models stamp new rows through their `default=timezone.now` fields (notifications,
problems, articles, diagnostics, consultations). While a story is told, both ask
this clock, so every row carries the story's date rather than the day the demo was
loaded. The clock never runs past the real time it was given.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest import mock

from django.apps import apps
from django.utils import timezone


class DemoClock:
    def __init__(self, *, until: datetime, seed: int = 2026):
        self.until = until
        self.current = until
        self.rng = random.Random(seed)  # noqa: S311 - demo pacing, not security

    @property
    def today(self) -> date:
        return timezone.localdate(self.until)

    def set(self, moment: datetime) -> None:
        self.current = min(moment, self.until)

    def wait(self, **delta: float) -> None:
        self.current = min(self.current + timedelta(**delta), self.until)

    def now(self) -> datetime:
        """The next moment of the story: a few minutes after the last one."""
        self.wait(minutes=self.rng.randint(3, 40))
        return self.current


def _stamped_fields(real_now) -> list:
    return [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.default is real_now
    ]


def _set_default(field, default) -> None:
    field.default = default
    field.__dict__.pop("_get_default", None)  # a cached_property built from `default`


@contextmanager
def story_time(clock: DemoClock, at: datetime) -> Iterator[DemoClock]:
    """Tell one story at `at`: everything that asks the time gets the demo clock's."""
    real_now = timezone.now
    clock.set(at)
    fields = _stamped_fields(real_now)
    for field in fields:
        _set_default(field, clock.now)
    try:
        with mock.patch("django.utils.timezone.now", clock.now):
            yield clock
    finally:
        for field in fields:
            _set_default(field, real_now)
