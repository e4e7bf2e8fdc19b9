from celery import shared_task

from idempotency.keys import idempotency_purge


@shared_task(name="idempotency.purge")
def idempotency_purge_task() -> int:
    return idempotency_purge()
