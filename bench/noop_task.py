"""The quiz suite's baseline task: a Celery round trip that does nothing but say it ran.

Loaded into the bench's worker with ``--include=bench.noop_task``, never by the site. It has
the grading task's options (acks late, reject on worker lost), so the two differ only in the
work they do; the key it sets in the cache is how the bench sees it ran.
"""

from celery import shared_task
from django.core.cache import cache

from assessments.tasks import EXACTLY_ONCE


@shared_task(name="bench.noop", **EXACTLY_ONCE)
def noop_task(key: str) -> None:
    cache.set(key, 1, timeout=300)
