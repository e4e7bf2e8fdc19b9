"""A database made by the migrations of the time when the kalpla app held ProcessingJob and
ModerationItem keeps its rows, and their permissions, once the jobs and moderation apps
own the models."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jobs.models import ProcessingJob
from moderation.models import ModerationItem

# The migrations of the moves, unapplied to get back the old state.
BEFORE_THE_MOVE = [("kalpla", "0001_initial"), ("jobs", None), ("moderation", None)]


def _migrate(targets):
    state = MigrationExecutor(connection).migrate(targets)
    ContentType.objects.clear_cache()
    return state.apps


@pytest.mark.django_db(transaction=True)
def test_rows_of_the_kalpla_app_are_readable_through_the_apps_that_own_them_now():
    # given a database at the state before the move, with rows in the old models
    old = _migrate(BEFORE_THE_MOVE)
    OldJob = old.get_model("kalpla", "ProcessingJob")
    OldItem = old.get_model("kalpla", "ModerationItem")
    OldContentType = old.get_model("contenttypes", "ContentType")
    user_type = OldContentType.objects.get(app_label="accounts", model="user")
    job = OldJob.objects.create(
        kind="courses.lesson_media", key="k-1", status="succeeded", attempts=2, result={"a": 1}
    )
    item = OldItem.objects.create(
        content_type=user_type, object_id="7", reason="toxic", detail="rude", labels=["x"]
    )
    job_type = OldContentType.objects.get(app_label="kalpla", model="processingjob")
    assert job_type.permission_set.filter(codename="change_processingjob").exists()

    # when the project migrates forward
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())

    # then the rows are the new models' rows, and the content types moved with them
    moved_job = ProcessingJob.objects.get(pk=job.pk)
    assert (moved_job.kind, moved_job.status, moved_job.attempts, moved_job.result) == (
        "courses.lesson_media",
        ProcessingJob.Status.SUCCEEDED,
        2,
        {"a": 1},
    )
    moved_item = ModerationItem.objects.get(pk=item.pk)
    assert (moved_item.reason, moved_item.detail, moved_item.object_id) == ("toxic", "rude", "7")
    assert moved_item.content_type.model_class()._meta.label == "accounts.User"
    assert ContentType.objects.get_for_model(ProcessingJob).pk == job_type.pk
    assert Permission.objects.get(codename="change_processingjob").content_type_id == job_type.pk
    assert not ContentType.objects.filter(app_label="kalpla", model="moderationitem").exists()
