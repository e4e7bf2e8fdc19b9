"""An anonymous client's catalogue page that the process served a moment ago is answered from
its memory: the same bytes and headers as the usual answer, tracked, and throttled exactly."""

import time
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from courses.api import views_catalogue
from courses.selectors import cached
from courses.tests.factories import CourseFactory
from kalpla.api.throttling import FixedWindowMixin, LocalCounts

pytestmark = pytest.mark.django_db

URL = "/api/v1/courses/"


@pytest.fixture
def remembered(settings, monkeypatch):
    """Pages kept a minute; the local counts added to the shared ones only near the limit."""
    from rest_framework.throttling import SimpleRateThrottle

    settings.KALPLA_CATALOGUE_MEMORY_SECONDS = 60
    monkeypatch.setattr(cached, "_RECENT_PAGES", {})
    monkeypatch.setattr(cached, "_RECENT_KEYS", {})
    counts = LocalCounts(batch=1000, seconds=3600)
    monkeypatch.setattr(views_catalogue, "RECENT_COUNTS", counts)
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "anon": "10/min", "user": "10/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    # The middle of a minute, so the requests of a test never straddle two windows.
    monkeypatch.setattr(FixedWindowMixin, "timer", staticmethod(lambda: 1_800_000_030.0))
    return counts


@pytest.fixture
def answered_from_memory(monkeypatch):
    """The requests that took the usual way (DRF), by counting ``list`` calls."""
    usual: list[int] = []
    real = views_catalogue.CourseListApi.list

    def counting(self, request, *args, **kwargs):
        usual.append(1)
        return real(self, request, *args, **kwargs)

    monkeypatch.setattr(views_catalogue.CourseListApi, "list", counting)
    return usual


def _headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k != "X-Request-ID"}


def test_a_recent_page_answers_with_the_usual_bytes_and_headers(
    remembered, answered_from_memory, django_capture_on_commit_callbacks
):
    from analytics.models import Event

    CourseFactory.create_batch(3)
    client = APIClient()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(URL)
        second = client.get(URL, HTTP_ACCEPT="application/json")
    assert first.status_code == second.status_code == 200
    assert len(answered_from_memory) == 1  # the second from memory
    assert second.content == first.content
    assert _headers(second) == _headers(first)
    assert second["Content-Type"] == "application/json" and "GET" in second["Allow"]
    tracked = Event.objects.filter(verb="catalogue_viewed", platform="api")
    assert tracked.count() == 2  # both views reported


def test_recent_pages_are_throttled_exactly_at_the_limit(remembered, answered_from_memory):
    CourseFactory()
    client = APIClient()
    statuses = [client.get(URL).status_code for _ in range(12)]
    assert statuses == [200] * 10 + [429] * 2
    # under half the limit from memory; nearer it, each counted in the shared counter
    assert len(answered_from_memory) < 10


def test_signed_in_searches_other_formats_and_pages_take_the_usual_way(
    remembered, answered_from_memory, student
):
    CourseFactory(title="Python basics")
    APIClient().get(URL)
    signed_in = APIClient()
    signed_in.force_login(student)
    assert signed_in.get(URL).status_code == 200
    anonymous = APIClient()
    assert anonymous.get(URL, {"search": "python"}).status_code == 200
    assert anonymous.get(URL, HTTP_ACCEPT="text/html").status_code == 406
    assert anonymous.get(URL, {"page": 1}).status_code == 200  # another page: not kept yet
    assert len(answered_from_memory) == 4  # the 406 never reaches the list
    assert anonymous.get(URL, {"page": 1}).status_code == 200
    assert len(answered_from_memory) == 4  # now it is
    cached._RECENT_PAGES.clear()
    assert anonymous.get(URL, {"page": 1}).status_code == 200
    assert len(answered_from_memory) == 5  # forgotten: read from the shared cache again
    # credentials (even ones that turn out anonymous) take DRF's authentication
    statuses = [
        anonymous.get(URL, HTTP_AUTHORIZATION="Bearer not-a-token").status_code,
        anonymous.get(URL, HTTP_X_SESSION_TOKEN="not-a-session").status_code,
    ]
    assert statuses == [200, 200]  # unknown credentials read as anonymous, through DRF
    assert len(answered_from_memory) == 7


def test_a_course_edit_reaches_recent_pages_when_they_expire(settings, remembered, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(cached, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    course = CourseFactory(title="Old title")
    settings.KALPLA_CATALOGUE_MEMORY_SECONDS = 1
    client = APIClient()
    assert client.get(URL).json()["results"][0]["title"] == "Old title"
    course.title = "New title"
    course.save()
    clock[0] += 0.9
    assert client.get(URL).json()["results"][0]["title"] == "Old title"  # a moment late
    clock[0] += 0.2
    assert client.get(URL).json()["results"][0]["title"] == "New title"


def test_off_by_default_in_tests_and_when_zero(settings, answered_from_memory):
    settings.KALPLA_CATALOGUE_MEMORY_SECONDS = 0
    CourseFactory()
    client = APIClient()
    client.get(URL)
    client.get(URL)
    assert len(answered_from_memory) == 2


def test_local_counts_add_to_the_shared_counter_in_batches(remembered):
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache
    from django.test import RequestFactory

    from kalpla.api.throttling import AnonThrottle, Window

    throttle = AnonThrottle()
    throttle.num_requests = 1000
    counts = LocalCounts(batch=3, seconds=3600)

    def window_of(ip: str) -> Window:
        request = RequestFactory().get(URL, REMOTE_ADDR=ip)
        request.user = AnonymousUser()
        window = throttle.window(request, None, time.time())
        assert window is not None
        return window

    a, b = window_of("10.0.0.1"), window_of("10.0.0.2")
    assert counts.take([a]) and counts.take([b])
    assert cache.get(a.key) is None  # not added yet
    assert counts.take([a])  # the third: the batch is added in one go
    assert cache.get(a.key) == 2 and cache.get(b.key) == 1


def test_anonymous_api_reads_use_the_visitor_cookie_only_when_sent(
    remembered, django_capture_on_commit_callbacks
):
    from analytics.models import Event

    CourseFactory()
    client = APIClient()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(URL)
        second = client.get(URL)  # from memory
    assert "kalpla_vid" not in first.cookies and "kalpla_vid" not in second.cookies
    assert set(Event.objects.values_list("anonymous_id", flat=True)) == {""}
    client.cookies["kalpla_vid"] = "a" * 32
    with django_capture_on_commit_callbacks(execute=True):
        client.get(URL)
    assert Event.objects.filter(anonymous_id="a" * 32, platform="api").count() == 1
