"""Lesson activities named in settings: start-up checks catch a module that cannot answer."""

from courses.checks import lesson_activities_resolve


def test_named_activity_modules_are_checked_at_start_up(settings):
    assert lesson_activities_resolve() == []
    settings.KALPLA_LESSON_ACTIVITIES = {"quiz": "courses.models"}
    settings.KALPLA_COURSE_TEACH_TABS = ["no.such.module"]
    ids = [error.id for error in lesson_activities_resolve()]
    assert ids == ["courses.E001", "courses.E001", "courses.E002"]
