"""The server processes keep what they loaded at start-up out of full garbage collections."""

import gc
import subprocess
import sys

from celery.signals import worker_init, worker_process_init
from django.conf import settings

from kalpla import celery

SCRIPT = """
import gc, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalpla.settings")
import {module}
print(gc.get_freeze_count())
"""


def _frozen_after_import(module: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(module=module)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return int(out.stdout.split()[-1])


def test_the_asgi_application_freezes_what_start_up_loaded():
    # Django, every app and the URL patterns: hundreds of thousands of objects
    assert _frozen_after_import("kalpla.asgi") > 100_000


def test_the_wsgi_application_freezes_what_start_up_loaded():
    assert _frozen_after_import("kalpla.wsgi") > 100_000


def test_the_celery_worker_freezes_on_start_and_in_each_pool_child():
    for signal in (worker_init, worker_process_init):
        assert celery._freeze_start_up_objects in signal._live_receivers(None)
    before = gc.get_freeze_count()
    try:
        celery._freeze_start_up_objects()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
