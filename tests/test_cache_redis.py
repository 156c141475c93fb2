"""The shared cache on a real Redis: values are kept there under the site's prefix,
read back by any worker, and never outlive a write made through the product.

Each test gets a Django cache on the Redis at ``HELPDESK_TEST_REDIS_URL`` (default
127.0.0.1:6379) under a key prefix of its own, removed afterwards, so runs sharing
one Redis never meet. Skipped when no Redis answers, unless ``HELPDESK_REQUIRE_REDIS``
is set (as `.ci/run` does).
"""

import os
import subprocess
import sys
import uuid

import pytest
import redis
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from helpdesk import cache as shared
from incidents.caching import DEVICES
from incidents.models import Equipment, EquipmentKind
from tests.factories import (
    EquipmentFactory,
    OrganisationFactory,
    SchoolFactory,
    SiteFactory,
    UserFactory,
)

REDIS_URL = os.environ.get("HELPDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _redis_settings(prefix: str, location: str = REDIS_URL) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def redis_server(settings):
    """The Django cache on the real Redis, under this test's own prefix."""
    if not _redis_answers():
        if os.environ.get("HELPDESK_REQUIRE_REDIS"):
            pytest.fail(f"No Redis answers at {REDIS_URL}")
        pytest.skip(f"No Redis answers at {REDIS_URL}: start redis-server to run these tests")
    prefix = f"helpdesk-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = _redis_settings(prefix)
    client = redis.Redis.from_url(REDIS_URL)
    client.prefix = prefix
    yield client
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def trust(db):
    """Two schools of one trust, with a site and some active equipment each, their
    central desk and their support admin."""
    organisation = OrganisationFactory(name="Oak Trust")
    places = {}
    for code, devices in (("ash", 2), ("birch", 3)):
        school = SchoolFactory(organisation=organisation, code=code, name=code.title())
        site = SiteFactory(school=school, code=f"{code}-main", name=f"{code.title()} main")
        for n in range(devices):
            EquipmentFactory(site=site, asset_tag=f"{code.upper()}-{n}")
        places[code] = {"school": school, "site": site}
    EquipmentFactory(site=places["ash"]["site"], asset_tag="ASH-OLD", is_active=False)

    def person(username, role):
        return UserFactory(username=username, roles=[role], roles__organisation=organisation)

    return {
        **places,
        "desk": person("central_desk", Role.DESK),
        "admin": person("trust_admin", Role.ADMIN),
    }


def devices_on_dashboard(client) -> dict[str, int]:
    response = client.get(reverse("incidents:dashboard"))
    assert response.status_code == 200
    return {row.name: row.devices for row in response.context["figures"].schools.rows}


def equipment_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("incidents:dashboard"))
    return sum('"incidents_equipment"' in query["sql"] for query in captured.captured_queries)


def admin_post(client, url: str, **changes):
    """Submit an admin form as the page offers it, with these fields changed."""
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset  # the rows already there, as they are; no new ones
        management = formset.management_form
        data |= {
            management.add_prefix(name): management[name].value() for name in management.fields
        }
        data[management.add_prefix("TOTAL_FORMS")] = formset.initial_form_count()
        for row in formset.initial_forms:
            data |= {row.add_prefix(name): row[name].value() for name in row.fields}
    data.update(changes)
    data = {name: ("" if value is None else value) for name, value in data.items()}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


# ---------------------------------------------------------------- the cache itself


def test_values_live_in_redis_under_the_sites_prefix_and_every_worker_reads_them(redis_server):
    builds = []

    def build():
        builds.append(1)
        return {"answer": 42}

    assert shared.cached("probe", "part", build) == {"answer": 42}
    stored = [key.decode() for key in redis_server.scan_iter(match=f"{redis_server.prefix}:*")]
    version = shared.topic_version("probe")
    assert f"{redis_server.prefix}:1:probe.v{version}.part" in stored
    assert f"{redis_server.prefix}:1:version.probe" in stored
    # Another worker, with its own connection to the same Redis, reads the same value.
    other_worker = RedisCache(REDIS_URL, {"KEY_PREFIX": redis_server.prefix})
    assert other_worker.get(f"probe.v{version}.part") == {"answer": 42}
    assert shared.cached("probe", "part", build) == {"answer": 42}
    assert len(builds) == 1


def test_a_bump_makes_every_value_of_the_topic_unread_at_once(db, redis_server):
    shared.cached("probe", "part", lambda: "before")
    shared.bump("probe")
    assert shared.cached("probe", "part", lambda: "after") == "after"


def test_a_lost_version_starts_afresh_never_back_at_an_old_value(redis_server):
    shared.cached("probe", "part", lambda: "before")
    # As after Redis evicted the version, or restarted with an old snapshot.
    cache.delete("version.probe")
    assert shared.cached("probe", "part", lambda: "after") == "after"


# ---------------------------------------------------------------- devices per school


def test_the_devices_per_school_are_counted_once_then_read_from_redis(
    client_for, trust, redis_server
):
    client = client_for(trust["desk"])
    assert devices_on_dashboard(client) == {"Ash": 2, "Birch": 3}
    assert equipment_queries(client) == 0
    assert cache.get(shared.key_for(DEVICES, "per-school")) == {
        trust["ash"]["school"].pk: 2,
        trust["birch"]["school"].pk: 3,
    }


def test_a_device_added_in_the_admin_is_counted_on_the_next_dashboard(trust, redis_server):
    desk, admin = Client(), Client()
    desk.force_login(trust["desk"])
    admin.force_login(trust["admin"])
    assert devices_on_dashboard(desk) == {"Ash": 2, "Birch": 3}
    admin_post(
        admin,
        reverse("admin:incidents_equipment_add"),
        asset_tag="BIRCH-NEW",
        name="Library laptop",
        kind=EquipmentKind.LAPTOP,
        site=trust["birch"]["site"].pk,
        is_active="on",
    )
    assert Equipment.objects.filter(asset_tag="BIRCH-NEW").exists()
    # Someone else's next dashboard, not only the admin's own.
    assert devices_on_dashboard(desk) == {"Ash": 2, "Birch": 4}


def test_a_device_retired_deleted_or_moved_in_the_admin_shows_at_once(
    client_for, trust, redis_server
):
    client = client_for(trust["admin"])
    assert devices_on_dashboard(client) == {"Ash": 2, "Birch": 3}
    retired = Equipment.objects.get(asset_tag="ASH-0")
    admin_post(client, reverse("admin:incidents_equipment_change", args=[retired.pk]), is_active="")
    assert devices_on_dashboard(client) == {"Ash": 1, "Birch": 3}

    gone = Equipment.objects.get(asset_tag="BIRCH-0")
    response = client.post(
        reverse("admin:incidents_equipment_delete", args=[gone.pk]), {"post": "yes"}
    )
    assert response.status_code == 302 and not Equipment.objects.filter(pk=gone.pk).exists()
    assert devices_on_dashboard(client) == {"Ash": 1, "Birch": 2}

    moved = Equipment.objects.get(asset_tag="BIRCH-1")
    admin_post(
        client,
        reverse("admin:incidents_equipment_change", args=[moved.pk]),
        site=trust["ash"]["site"].pk,
        room="",
    )
    assert devices_on_dashboard(client) == {"Ash": 2, "Birch": 1}


def test_a_site_moved_to_another_school_takes_its_devices_along(client_for, trust, redis_server):
    client = client_for(trust["admin"])
    assert devices_on_dashboard(client) == {"Ash": 2, "Birch": 3}
    site = trust["birch"]["site"]
    admin_post(
        client,
        reverse("admin:incidents_site_change", args=[site.pk]),
        school=trust["ash"]["school"].pk,
    )
    assert devices_on_dashboard(client) == {"Ash": 5, "Birch": 0}


def test_a_page_built_before_the_change_committed_is_not_read_after_it(
    client_for, trust, redis_server, django_capture_on_commit_callbacks
):
    client = client_for(trust["desk"])
    assert devices_on_dashboard(client) == {"Ash": 2, "Birch": 3}
    before = cache.get(shared.key_for(DEVICES, "per-school"))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        EquipmentFactory(site=trust["ash"]["site"], asset_tag="ASH-NEW")
        # Meanwhile another worker, not yet seeing the uncommitted row, counts and
        # stores the old figures under the version the save moved to.
        cache.set(shared.key_for(DEVICES, "per-school"), before)
    assert devices_on_dashboard(client) == {"Ash": 3, "Birch": 3}


def test_pages_are_right_when_redis_does_not_answer(client_for, trust, settings):
    # A port nothing listens on: every cache call fails at once.
    settings.CACHES = _redis_settings("helpdesk-test-down", "redis://127.0.0.1:9/0")
    client = client_for(trust["desk"])
    assert devices_on_dashboard(client) == {"Ash": 2, "Birch": 3}
    EquipmentFactory(site=trust["ash"]["site"], asset_tag="ASH-NEW")
    assert devices_on_dashboard(client) == {"Ash": 3, "Birch": 3}


# ---------------------------------------------------------------- the settings


@pytest.mark.parametrize(
    ("redis_url", "backend"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache"),
        ("redis://cache.school.example:6379/0", "django.core.cache.backends.redis.RedisCache"),
    ],
)
def test_redis_is_the_cache_only_when_redis_url_is_set(redis_url, backend):
    environment = {**os.environ, "DEBUG": "true", "REDIS_URL": redis_url}
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from helpdesk import settings; c = settings.CACHES['default']; "
            "print(c['BACKEND'], c.get('LOCATION'), c['KEY_PREFIX'])",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert shown[0] == backend
    assert shown[2] == "helpdesk"
    if redis_url:
        assert shown[1] == redis_url
