"""The read-only event admin: filters by course and by origin (demo history or real)."""

import pytest
from django.utils import timezone

from analytics.models import Event
from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db
URL = "/admin/analytics/event/"


def _event(course_id=None, **context):
    return Event.objects.create(
        occurred_at=timezone.now(),
        verb="course_viewed",
        object_type="course",
        object_id=course_id,
        course_id=course_id,
        context=context,
    )


def _ids(response):
    return {e.pk for e in response.context["cl"].result_list}


def test_admin_filters_events_by_course_and_origin(admin_client):
    python, design = CourseFactory(title="Python"), CourseFactory(title="Design")
    real = _event(python.pk, source="free")
    demo = _event(python.pk, demo=True)
    other = _event(design.pk)
    page = admin_client.get(URL)
    assert page.status_code == 200
    assert b"Python" in page.content and _ids(page) == {real.pk, demo.pk, other.pk}
    assert _ids(admin_client.get(URL, {"course": python.pk})) == {real.pk, demo.pk}
    assert _ids(admin_client.get(URL, {"origin": "demo"})) == {demo.pk}
    assert _ids(admin_client.get(URL, {"origin": "real"})) == {real.pk, other.pk}
    # read-only: no add, no change
    assert admin_client.get(URL + "add/").status_code == 403
