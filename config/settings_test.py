"""Settings for the test suite: the ordinary settings with a fixed secret,
fast password hashing and in-memory mail. ``DATABASE_URL`` and ``REDIS_URL``
are honoured (CI runs on PostgreSQL and Redis); Celery stays eager unless a
test starts a real worker."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
SECURE_SSL_REDIRECT = False
# The suite logs in through the login page many times from 127.0.0.1; the
# per-address login limit has its own test (tests/accounts).
LOGIN_RATE_PER_IP = 10_000
