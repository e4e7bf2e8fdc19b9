"""The Celery app. Tasks live in each app's tasks.py and are found by autodiscovery."""

import os

from celery import Celery
from celery.signals import worker_process_init

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
