"""kalpla.settings, unchanged except for the URLconf that adds the baseline view.

``KALPLA_BENCH_LOCAL_CACHE=off`` (``python -m bench --no-local-cache``) replaces the
per-process memory cache with one that keeps nothing, to measure what it is worth.
"""

import os

from kalpla.settings import *  # noqa: F403
from kalpla.settings import CACHES

ROOT_URLCONF = "bench.urls"

if os.environ.get("KALPLA_BENCH_LOCAL_CACHE") == "off" and "local" in CACHES:
    CACHES["local"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
