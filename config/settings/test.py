"""Tests: the same rules as production, fast hashing, fixed keys, SQLite in memory unless DATABASE_URL says."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES

SECRET_KEY = "test-only-secret-key-not-for-production-0123456789abcdef"
YORISOI_FIELD_KEYS = os.environ.get(
    "YORISOI_TEST_FIELD_KEYS", "t1:2b3Kk4Y1mVb3zH2gGQxH0Cq0xXoJt6yqB7b8D1J6YyQ="
)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ""}
else:
    if os.environ.get("YORISOI_TEST_DB_NAME"):
        # CI names its own test database so that a run never drops the one a developer's run is using.
        DATABASES["default"]["TEST"] = {"NAME": os.environ["YORISOI_TEST_DB_NAME"]}
    # A throwaway database need not wait for the disk at each commit (browser and race tests commit for real).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
AXES_FAILURE_LIMIT = 5
# Tasks run in the request that enqueues them (django-tasks' ImmediateBackend, as it suggests for tests); one test
# runs the real database worker (reports/tests/test_export_task.py). Export files go to a scratch folder per process.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
YORISOI_EXPORT_DIR = Path(tempfile.gettempdir()) / f"yorisoi-test-exports-{os.getpid()}"  # made on first use
YORISOI_IMPORT_DIR = Path(tempfile.gettempdir()) / f"yorisoi-test-imports-{os.getpid()}"
