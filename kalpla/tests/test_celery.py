from types import SimpleNamespace

import pytest

from kalpla.celery import app
from kalpla.tasks import ping_task


def test_celery_is_configured_for_json_and_late_acks():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit > 0
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


def test_eager_by_default_in_tests():
    assert ping_task.delay().get(timeout=1) == "pong"


def test_real_worker_runs_a_task_through_redis(celery_worker):
    result = ping_task.delay()
    assert result.get(timeout=20) == "pong"
    assert result.state == "SUCCESS"


def test_the_worker_keeps_its_database_connections_between_tasks(settings):
    from celery.fixups.django import DjangoWorkerFixup

    # Celery's fixup would otherwise close every connection (and the pool) around each task
    assert DjangoWorkerFixup(app).db_reuse_max == settings.CELERY_DB_REUSE_MAX >= 100


@pytest.mark.django_db(transaction=True)
def test_after_a_task_its_connection_is_released_as_after_a_request():
    from celery.signals import task_postrun
    from django.db import connection

    class Task:  # what the signal sends: the task, with the request it ran
        def __init__(self, eager: bool) -> None:
            self.request = SimpleNamespace(is_eager=eager)

    connection.ensure_connection()
    connection.close_at = 0  # past its age: a request's end would close it (or pool it)
    task_postrun.send(sender=Task(eager=True))
    assert connection.connection is not None  # an eager task runs in its caller's connection
    task_postrun.send(sender=Task(eager=False))
    assert connection.connection is None
    connection.ensure_connection()  # the next task gets one again
