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
