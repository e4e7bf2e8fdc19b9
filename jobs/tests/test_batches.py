"""Jobs of a batched kind enqueued in one transaction share Celery messages (jobs.kinds)."""

import time

import pytest
from django.db import transaction

from jobs import services as jobs
from jobs import tasks as job_tasks
from jobs.models import ProcessingJob
from jobs.tests.test_services import TEST_KINDS, _calls, _count

BATCHED = {"test.ok": 3, "test.flaky": 3, "test.boom": 3}


def _boom(job):
    _count("test.boom")
    raise RuntimeError("a bug in the handler")


@pytest.fixture(autouse=True)
def batched_kinds(settings):
    settings.KALPLA_JOB_KINDS = {
        **settings.KALPLA_JOB_KINDS,
        **TEST_KINDS,
        "test.boom": f"{__name__}._boom",
    }
    settings.KALPLA_JOB_BATCH_SIZES = BATCHED


@pytest.fixture
def messages(monkeypatch):
    """Every message sent for a job: ("one", job_id) or ("batch", [job ids]); then run."""
    sent: list[tuple[str, object]] = []
    one, batch = job_tasks.job_run_task.delay, job_tasks.job_run_batch_task.delay

    def send_one(*, job_id):
        sent.append(("one", job_id))
        return one(job_id=job_id)

    def send_batch(*, job_ids):
        sent.append(("batch", list(job_ids)))
        return batch(job_ids=job_ids)

    monkeypatch.setattr(job_tasks.job_run_task, "delay", send_one)
    monkeypatch.setattr(job_tasks.job_run_batch_task, "delay", send_batch)
    return sent


def _enqueue_ok(n: int, tag: str = "") -> list[ProcessingJob]:
    return [jobs.job_enqueue(kind="test.ok", params={"text": f"{tag}{i}"}) for i in range(n)]


@pytest.mark.django_db
def test_jobs_enqueued_in_one_transaction_share_messages(
    django_capture_on_commit_callbacks, messages
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        created = _enqueue_ok(7)
    ids = [job.pk for job in created]
    assert len(callbacks) == 1  # one outbox for the kind, not a callback per job
    assert messages == [("batch", ids[0:3]), ("batch", ids[3:6]), ("one", ids[6])]
    statuses = ProcessingJob.objects.filter(pk__in=ids).values_list("status", "attempts")
    assert set(statuses) == {(ProcessingJob.Status.SUCCEEDED, 1)}
    assert _calls("test.ok") == 7


@pytest.mark.django_db
def test_a_job_enqueued_alone_goes_alone(django_capture_on_commit_callbacks, messages):
    with django_capture_on_commit_callbacks(execute=True):
        (job,) = _enqueue_ok(1)
    assert messages == [("one", job.pk)]


@pytest.mark.django_db
def test_an_outbox_rolled_back_with_its_savepoint_is_replaced(
    django_capture_on_commit_callbacks, messages
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                _enqueue_ok(2, tag="gone")
                raise RuntimeError("the savepoint is rolled back")
        except RuntimeError:
            pass
        kept = _enqueue_ok(2, tag="kept")
    # The first outbox went with its savepoint; the kept jobs are sent by a new one.
    assert messages == [("batch", [job.pk for job in kept])]
    assert ProcessingJob.objects.filter(status=ProcessingJob.Status.SUCCEEDED).count() == 2


@pytest.mark.django_db
def test_jobs_rolled_back_inside_a_kept_outbox_are_skipped(
    django_capture_on_commit_callbacks, messages
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = _enqueue_ok(1, tag="first")
        try:
            with transaction.atomic():
                _enqueue_ok(1, tag="gone")
                raise RuntimeError("the savepoint is rolled back")
        except RuntimeError:
            pass
    (kind, ids) = messages[0]
    assert kind == "batch" and len(ids) == 2 and ids[0] == first[0].pk
    assert job_tasks.job_run_batch_task(job_ids=ids) == {
        "succeeded": 0,
        "failed": 0,
        "skipped": 2,  # the first already ran on commit; the second never existed
        "retrying": 0,
    }


@pytest.mark.django_db
def test_a_transient_failure_in_a_batch_is_retried_alone(
    django_capture_on_commit_callbacks, messages, monkeypatch
):
    from jobs.retry import RetryPolicy

    monkeypatch.setattr(job_tasks, "JOB_RETRY", RetryPolicy(backoff_seconds=0))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        flaky, later = (jobs.job_enqueue(kind="test.flaky", params={"n": n}) for n in range(2))
    # One message for both; the first failed twice, went back to the queue alone and
    # succeeded there, and the second did not wait for it.
    assert messages[0] == ("batch", [flaky.pk, later.pk])
    flaky.refresh_from_db()
    later.refresh_from_db()
    assert (flaky.status, flaky.attempts) == (ProcessingJob.Status.SUCCEEDED, 3)
    assert (later.status, later.attempts) == (ProcessingJob.Status.SUCCEEDED, 1)


@pytest.mark.django_db
def test_a_batch_that_breaks_off_queues_the_rest_one_by_one(messages):
    ok_first, ok_after = _enqueue_ok(2)  # autocommit-free: nothing sent yet in this test
    messages.clear()
    broken = ProcessingJob.objects.create(kind="test.boom", key="boom")
    with pytest.raises(RuntimeError, match="a bug"):
        job_tasks.job_run_batch_task(job_ids=[ok_first.pk, broken.pk, ok_after.pk])
    assert messages[-1] == ("one", ok_after.pk)
    ok_after.refresh_from_db()
    broken.refresh_from_db()
    # the job after the broken one was released (its attempt returned) and ran alone
    assert (ok_after.status, ok_after.attempts) == (ProcessingJob.Status.SUCCEEDED, 1)
    assert broken.status == ProcessingJob.Status.RUNNING  # left for the stale-job sweep


def test_a_real_worker_runs_a_batch(celery_worker):
    with transaction.atomic():
        created = _enqueue_ok(5, tag="worker")
    deadline = time.monotonic() + 20
    done = ProcessingJob.objects.filter(pk__in=[job.pk for job in created])
    while done.filter(status=ProcessingJob.Status.SUCCEEDED).count() < 5:
        assert time.monotonic() < deadline, "the batch did not finish"
        time.sleep(0.05)
    assert _calls("test.ok") == 5


@pytest.mark.django_db
def test_jobs_left_running_by_a_dead_worker_are_run_again(messages):
    from datetime import timedelta

    from django.utils import timezone

    fresh = ProcessingJob.objects.create(kind="test.ok", key="fresh", status="running")
    dead = ProcessingJob.objects.create(kind="test.ok", key="dead", status="running")
    ProcessingJob.objects.filter(pk=dead.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert job_tasks.jobs_requeue_stale_task() == 1
    assert messages == [("one", dead.pk)]
    dead.refresh_from_db()
    fresh.refresh_from_db()
    assert dead.status == ProcessingJob.Status.SUCCEEDED
    assert fresh.status == ProcessingJob.Status.RUNNING  # alive elsewhere: left alone
