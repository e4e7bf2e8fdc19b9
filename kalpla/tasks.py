from celery import shared_task


@shared_task(name="kalpla.ping")
def ping_task() -> str:
    """Round trip through the broker and a worker; used by readiness probes and tests."""
    return "pong"
