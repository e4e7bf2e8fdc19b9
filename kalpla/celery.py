"""The Celery app. Tasks live in each app's tasks.py and are found by autodiscovery."""

import gc
import os

from celery import Celery
from celery.signals import task_postrun, worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalpla.settings")

app = Celery("kalpla")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _forget_inherited_database_pools(**kwargs: object) -> None:
    """A forked pool child must not share the parent's pooled sockets: start its own pool.

    The inherited pool objects are dropped, not closed (closing would end the connections
    the parent process still holds).
    """
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        pools = getattr(type(connection), "_connection_pools", None)
        if isinstance(pools, dict):
            pools.pop(connection.alias, None)
        connection.connection = None


@worker_init.connect
@worker_process_init.connect
def _freeze_start_up_objects(**kwargs: object) -> None:
    """What the worker loaded at start-up lives as long as the process: keep it out of the
    garbage collector's full collections (as kalpla/asgi.py does for the web server). Once in
    the main process before the pool starts, and again in each forked child."""
    gc.freeze()


@task_postrun.connect
def _release_database_connections(sender: object = None, **kwargs: object) -> None:
    """After each task on a worker, what Django does after each request: a pooled connection
    goes back to its pool, a persistent one is kept until CONN_MAX_AGE, a broken one is closed.

    Celery's own fixup would close them all (and the pool) instead; ``CELERY_DB_REUSE_MAX`` in
    the settings makes it do that only now and then. Eager tasks run inside the caller's
    request or transaction, whose connection is not the task's to release.
    """
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
