import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory
from jobs import runs
from jobs import services as jobs
from jobs import tasks as job_tasks
from jobs.models import ProcessingJob
from jobs.retry import RetryPolicy
from jobs.tasks import job_run_task
from kalpla.integrations.base import (
    CapabilityUnavailable,
    IntegrationError,
    JobNotReady,
    TransientIntegrationError,
)


def _calls(kind: str) -> int:
    return cache.get(f"calls:{kind}", 0)


def _count(kind: str) -> int:
    try:
        return cache.incr(f"calls:{kind}")
    except ValueError:
        cache.set(f"calls:{kind}", 1)
        return 1


def _ok(job):
    _count("test.ok")
    return {"echo": job.params.get("text"), "target": job.object_id}


def _flaky(job):
    if _count("test.flaky") < 3:
        raise TransientIntegrationError("ThrottlingException: slow down")
    return {"done": True}


def _waiting(job):
    if _count("test.waiting") < 3:
        raise JobNotReady(
            "The transcription is IN_PROGRESS; checking again later.", retry_after=0.01
        )
    return {"done": True}


def _always(job):
    _count("test.always_throttled")
    raise TransientIntegrationError("ThrottlingException")


def _invalid(job):
    _count("test.invalid")
    raise ValidationError("The file is not audio.")


def _refused(job):
    raise IntegrationError("UnsupportedLanguage")


def _unavailable(job):
    raise CapabilityUnavailable("espeak-ng is not installed")


TEST_KINDS = {
    "test.ok": f"{__name__}._ok",
    "test.flaky": f"{__name__}._flaky",
    "test.waiting": f"{__name__}._waiting",
    "test.always_throttled": f"{__name__}._always",
    "test.invalid": f"{__name__}._invalid",
    "test.refused": f"{__name__}._refused",
    "test.unavailable": f"{__name__}._unavailable",
}


@pytest.fixture(autouse=True)
def kinds_of_these_tests(settings):
    settings.KALPLA_JOB_KINDS = {**settings.KALPLA_JOB_KINDS, **TEST_KINDS}


@pytest.fixture
def fast_backoff(monkeypatch):
    monkeypatch.setattr(job_tasks, "JOB_RETRY", RetryPolicy(backoff_seconds=0))


@pytest.mark.django_db
def test_enqueue_runs_on_commit_and_records_success(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = jobs.job_enqueue(kind="test.ok", target=user, params={"text": "hi"})
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.SUCCEEDED
    assert job.result == {"echo": "hi", "target": str(user.pk)}
    assert job.attempts == 1 and job.started_at and job.finished_at
    assert job.target == user


@pytest.mark.django_db
def test_enqueue_is_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = jobs.job_enqueue(kind="test.ok", params={"text": "same"})
        second = jobs.job_enqueue(kind="test.ok", params={"text": "same"})
    assert first.pk == second.pk
    assert ProcessingJob.objects.count() == 1
    assert _calls("test.ok") == 1


@pytest.mark.django_db
def test_running_a_finished_job_again_does_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue(kind="test.ok", params={"text": "x"})
    assert job_run_task.delay(job_id=job.pk).get() == "already-finished"
    assert _calls("test.ok") == 1


@pytest.mark.django_db
def test_validation_error_fails_without_retry(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue(kind="test.invalid")
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.FAILED
    assert job.error == "The file is not audio."
    assert _calls("test.invalid") == 1


@pytest.mark.django_db
def test_permanent_integration_error_fails(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue(kind="test.refused")
    job.refresh_from_db()
    assert (job.status, job.error) == (ProcessingJob.Status.FAILED, "UnsupportedLanguage")


@pytest.mark.django_db
def test_unavailable_capability_is_recorded_honestly(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue(kind="test.unavailable")
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.FAILED
    assert job.result == {"unavailable": True, "reason": "espeak-ng is not installed"}


@pytest.mark.django_db
def test_rerun_resets_and_runs_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue(kind="test.ok", params={"text": "again"})
    with django_capture_on_commit_callbacks(execute=True):
        jobs.job_rerun(job=job)
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.SUCCEEDED and job.attempts == 1
    assert _calls("test.ok") == 2


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    policy = runs.JOB_RETRY
    for attempt in range(1, 12):
        samples = [policy.countdown(attempt) for _ in range(50)]
        ceiling = min(policy.backoff_max_seconds, policy.backoff_seconds * 2**attempt)
        assert all(0 <= s <= ceiling for s in samples)
        assert len(set(samples)) > 1


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="No handler"):
        jobs.job_enqueue(kind="test.nope")


# --- with a real worker on Redis --------------------------------------------------------------


def _wait_finished(job, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return
        time.sleep(0.05)


def test_real_worker_retries_transient_errors_then_succeeds(celery_worker, fast_backoff):
    job = jobs.job_enqueue(kind="test.flaky")  # autocommit: sent to the worker at once
    _wait_finished(job)
    assert job.status == ProcessingJob.Status.SUCCEEDED
    assert job.attempts == 3
    assert _calls("test.flaky") == 3


def test_real_worker_waits_for_external_work_without_spending_attempts(celery_worker):
    job = jobs.job_enqueue(kind="test.waiting")
    _wait_finished(job)
    assert job.status == ProcessingJob.Status.SUCCEEDED
    assert job.attempts == 1
    assert _calls("test.waiting") == 3


def test_real_worker_gives_up_after_max_attempts(celery_worker, fast_backoff):
    job = jobs.job_enqueue(kind="test.always_throttled")
    _wait_finished(job)
    assert job.status == ProcessingJob.Status.FAILED
    assert job.attempts == runs.JOB_RETRY.max_attempts
    assert "Gave up after 5 attempts" in job.error


def test_real_worker_duplicate_delivery_is_idempotent(celery_worker):
    job = jobs.job_enqueue(kind="test.ok", params={"text": "dup"})
    job_run_task.delay(job_id=job.pk)
    job_run_task.delay(job_id=job.pk)
    _wait_finished(job)
    time.sleep(0.5)
    assert job.status == ProcessingJob.Status.SUCCEEDED
    assert _calls("test.ok") == 1


@pytest.mark.django_db
def test_running_job_is_not_run_twice_but_a_stale_one_is():
    from datetime import timedelta

    from django.utils import timezone

    job = ProcessingJob.objects.create(kind="test.ok", key="k1", status="running")
    assert runs.job_start(job_id=job.pk) is None
    ProcessingJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    claimed = runs.job_start(job_id=job.pk)
    assert claimed is not None and claimed.attempts == 1


@pytest.mark.django_db
def test_eager_run_retries_transient_errors_inline(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue(kind="test.flaky", params={"eager": True})
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.SUCCEEDED
    assert job.attempts == 3


@pytest.mark.django_db
def test_a_claim_counts_the_attempt_keeps_the_first_start_and_skips_finished_jobs(
    django_assert_max_num_queries,
):
    from datetime import timedelta

    from django.utils import timezone

    first_start = timezone.now() - timedelta(minutes=5)
    job = ProcessingJob.objects.create(
        kind="test.ok", key="k2", status="pending", attempts=1, started_at=first_start
    )
    with django_assert_max_num_queries(2):  # one conditional update, one read
        claimed = runs.job_start(job_id=job.pk)
    assert claimed is not None
    assert (claimed.status, claimed.attempts, claimed.started_at) == ("running", 2, first_start)
    for finished in ("succeeded", "failed"):
        ProcessingJob.objects.filter(pk=job.pk).update(status=finished)
        assert runs.job_start(job_id=job.pk) is None
    assert runs.job_start(job_id=job.pk + 1000) is None  # gone
