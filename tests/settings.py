"""Test settings: the real settings, with fast hashing, in-memory e-mail and no
collectstatic needed. DATABASE_URL picks PostgreSQL; SQLite otherwise."""

import os
import uuid

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_COOKIES", "false")

from helpdesk.settings import *  # noqa: F403
from helpdesk.settings import BASE_DIR, CACHE_KEY_PREFIX, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"
NOTIFY_RETRY_BASE_SECONDS = 0
AXES_ENABLED = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True  # static files from the finders: no collectstatic for tests
# The cache stays in each test process's memory even where REDIS_URL is set, and
# is emptied before every test (tests/conftest.py): the Redis tests use a cache of
# their own under a key prefix of their own (tests/test_cache_redis.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "helpdesk-tests",
        "KEY_PREFIX": CACHE_KEY_PREFIX,
    }
}

# Each run gets its own PostgreSQL test database, so two runs on one server never
# collide. The suffix is chosen once per run, in the process that starts it, and
# xdist's workers inherit it through the environment (pytest-django then adds each
# worker's own `_gwN`). The database is dropped at the end of the run as usual.
TEST_RUN = os.environ.setdefault("HELPDESK_TEST_RUN", uuid.uuid4().hex[:8])
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("TEST", {})["NAME"] = (  # noqa: F405
        f"test_{DATABASES['default']['NAME']}_{TEST_RUN}"  # noqa: F405
    )
