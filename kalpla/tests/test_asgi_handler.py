"""The ASGI handler runs each request's synchronous code on one thread, reusing threads."""

import asyncio
import json
import threading

import pytest
from channels.testing import HttpCommunicator
from django.http import HttpRequest, JsonResponse
from django.test import override_settings
from django.urls import path

from kalpla.asgi_handler import ReusedThreadASGIHandler

seen_in_middleware: dict[str, int] = {}


def thread_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "view": threading.get_ident(),
            "middleware": seen_in_middleware.get(request.path, 0),
        }
    )


def slow_view(request: HttpRequest) -> JsonResponse:
    threading.Event().wait(0.2)
    return JsonResponse({"view": threading.get_ident()})


running = {"now": 0, "most": 0}
running_lock = threading.Lock()


def counted_view(request: HttpRequest) -> JsonResponse:
    with running_lock:
        running["now"] += 1
        running["most"] = max(running["most"], running["now"])
    threading.Event().wait(0.1)
    with running_lock:
        running["now"] -= 1
    return JsonResponse({"view": threading.get_ident()})


urlpatterns = [
    path("thread/", thread_view),
    path("slow/", slow_view),
    path("counted/", counted_view),
]


def remember_middleware_thread(get_response):
    def middleware(request):
        seen_in_middleware[request.path] = threading.get_ident()
        return get_response(request)

    return middleware


def _settings():
    from django.conf import settings

    return override_settings(
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[*settings.MIDDLEWARE, f"{__name__}.remember_middleware_thread"],
        ALLOWED_HOSTS=["*"],
        SECURE_SSL_REDIRECT=False,
    )


async def _get(app, url: str) -> dict:
    communicator = HttpCommunicator(app, "GET", url)
    response = await communicator.get_response(timeout=10)
    await communicator.wait(timeout=10)  # the application has returned
    assert response["status"] == 200, response
    return json.loads(response["body"])


@pytest.mark.django_db(transaction=True)
async def test_a_request_runs_on_one_thread_and_the_next_reuses_it():
    with _settings():
        app = ReusedThreadASGIHandler()
        first = await _get(app, "/thread/")
        second = await _get(app, "/thread/")
    # middleware and view of a request on the same thread (thread-sensitive code stays put)
    assert first["view"] == first["middleware"]
    # and the thread is not started anew for the next request
    assert second["view"] == first["view"]
    assert len(app._idle) == 1


@pytest.mark.django_db(transaction=True)
async def test_requests_at_the_same_time_get_threads_of_their_own():
    with _settings():
        app = ReusedThreadASGIHandler()
        answers = await asyncio.gather(*(_get(app, "/slow/") for _ in range(3)))
    assert len({answer["view"] for answer in answers}) == 3
    assert len(app._idle) == 3


@pytest.mark.django_db(transaction=True)
async def test_idle_threads_are_capped(settings):
    settings.KALPLA_ASGI_IDLE_THREADS = 1
    with _settings():
        app = ReusedThreadASGIHandler()
        await asyncio.gather(*(_get(app, "/slow/") for _ in range(3)))
    assert len(app._idle) == 1


@pytest.mark.parametrize(("threads", "most"), [(2, 2), (0, 6)])  # 0: no limit
@pytest.mark.django_db(transaction=True)
async def test_at_most_the_configured_number_of_views_run_at_once(settings, threads, most):
    settings.KALPLA_ASGI_THREADS = threads
    running.update(now=0, most=0)
    with _settings():
        app = ReusedThreadASGIHandler()
        answers = await asyncio.gather(*(_get(app, "/counted/") for _ in range(6)))
    assert len(answers) == 6  # every request answered, the others waiting their turn
    assert running["most"] == most
