"""Start-up checks: a declared job kind, notification kind, moderation target or file link kind
that cannot be run, rendered, acted on or imported fails `manage.py check`."""

import pytest

from files.checks import file_link_kinds_resolve
from jobs.checks import job_kinds_have_handlers
from moderation import services as moderation
from moderation.checks import moderation_targets_have_handlers
from notifications.checks import notification_kinds_have_templates
from notifications.kinds import KINDS, Kind


def test_checks_pass_for_the_project():
    assert job_kinds_have_handlers() == []
    assert notification_kinds_have_templates() == []
    assert moderation_targets_have_handlers() == []
    assert file_link_kinds_resolve() == []


def test_job_kind_without_an_importable_handler_fails(settings):
    settings.KALPLA_JOB_KINDS = {
        **settings.KALPLA_JOB_KINDS,
        "test.gone": "courses.jobs.no_such_job",
    }
    [error] = job_kinds_have_handlers()
    assert error.id == "jobs.E001" and "test.gone" in error.msg


def test_notification_kind_without_templates_fails(monkeypatch):
    monkeypatch.setitem(
        KINDS, "test.untemplated", Kind(name="test.untemplated", category="account")
    )
    errors = notification_kinds_have_templates()
    assert errors and all(e.id == "notifications.E001" for e in errors)
    assert any("title.txt" in e.msg for e in errors)


@pytest.mark.django_db
def test_moderation_target_without_a_hide_handler_fails(monkeypatch):
    from django.contrib.auth.models import Group

    monkeypatch.setitem(
        moderation._HANDLERS,
        Group,
        moderation._Handler(describe=str, hide=None),  # type: ignore[arg-type]
    )
    [error] = moderation_targets_have_handlers()
    assert error.id == "community.E001" and "hide" in error.msg


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("courses.file_links.NO_SUCH_LINK", "cannot be imported"),
        ("files.services.file_link_url", "is not a FileLinkKind"),
    ],
)
def test_file_link_kind_that_is_no_file_link_kind_fails(settings, path, problem):
    settings.KALPLA_FILE_LINK_KINDS = {**settings.KALPLA_FILE_LINK_KINDS, "test-gone": path}
    [error] = file_link_kinds_resolve()
    assert error.id == "files.E001" and "test-gone" in error.msg and problem in error.msg
