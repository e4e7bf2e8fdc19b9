"""Relative times ("5 minutes ago") in the page's language, Hindi included."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from kalpla.relative_time import ago


def _render(value) -> str:
    html = Template("{% load kalpla_time %}{{ value|ago }}").render(Context({"value": value}))
    return html.replace("\xa0", " ")  # Django keeps "5 minutes" on one line


@pytest.mark.parametrize(
    ("language", "delta", "expected"),
    [
        ("en", timedelta(minutes=5, seconds=3), "5 minutes ago"),
        ("en", timedelta(days=1, hours=3), "1 day ago"),
        ("en", timedelta(seconds=20), "just now"),
        ("hi", timedelta(minutes=5, seconds=3), "5 मिनट पहले"),
        ("hi", timedelta(hours=2, minutes=1), "2 घंटे पहले"),
        ("hi", timedelta(days=1, hours=3), "1 दिन पहले"),
        ("hi", timedelta(days=70), "2 महीने पहले"),
        ("hi", timedelta(seconds=20), "अभी"),
    ],
)
def test_ago_speaks_the_active_language(language, delta, expected):
    with translation.override(language):
        assert _render(timezone.now() - delta) == expected


def test_ago_of_nothing_is_empty():
    assert ago(None) == ""


@pytest.mark.django_db
def test_hindi_home_shows_hindi_relative_times(client, student):
    from notifications.services.notify import notify

    notify(recipients=[student], kind="announcements.general", context={"title": "t", "body": "b"})
    client.force_login(student)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "पहले" in html or "अभी" in html
    assert "minute" not in html and "just now" not in html
