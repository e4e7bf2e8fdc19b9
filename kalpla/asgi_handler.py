"""Django's ASGI handler with each request's synchronous code on a reused thread.

Django runs a request's middleware and view (synchronous code) on one thread of its own:
``ASGIHandler`` enters a fresh ``ThreadSensitiveContext`` per request, for which asgiref
starts a thread, and on exit starts another to join it. Two thread starts per request were
a fifth of the server's CPU time for a cached page. This handler gives each request's context
an executor (one thread, ``max_workers=1``) from a pool of idle ones instead, as asgiref's
``ThreadSensitiveContext(executor=...)`` allows: the request's synchronous code still runs on
one thread, one request at a time, and what that thread holds for its requests (the
database connection of a persistent or pooled setup) is reused.

A request whose client went away may leave its view running on the thread; the next request
given that executor queues behind it, as every request did on asgiref's single shared thread
before it had contexts. The pool keeps at most ``KALPLA_ASGI_IDLE_THREADS`` idle threads
(default 32); beyond that an executor is shut down when its request ends.

At most ``KALPLA_ASGI_THREADS`` requests (default 4; 0: no limit) run their middleware and
view at once in a process; the others wait their turn in the event loop, where reading their
bodies and sending their answers goes on meanwhile. One process runs Python on one CPU at a
time (the GIL): fifty request threads at once made it hand the GIL from thread to thread at
every Redis or database call, and the course page cost about a fifth more CPU than with four
(bench/results/profile.md, "Tenth pass"). Raise it for views that wait long on other
services.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from weakref import WeakKeyDictionary

from asgiref.sync import ThreadSensitiveContext
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase


class ReusedThreadASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self._idle: list[ThreadPoolExecutor] = []
        self._max_idle: int = settings.KALPLA_ASGI_IDLE_THREADS
        self._threads: int = settings.KALPLA_ASGI_THREADS
        self._slots: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            WeakKeyDictionary()
        )

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        if self._threads <= 0:
            return await super().get_response_async(request)
        loop = asyncio.get_running_loop()
        slots = self._slots.get(loop)
        if slots is None:  # one per event loop (a test may run several)
            slots = self._slots[loop] = asyncio.Semaphore(self._threads)
        async with slots:
            return await super().get_response_async(request)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = self._idle.pop() if self._idle else self._new_executor()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            if len(self._idle) < self._max_idle:
                self._idle.append(executor)
            else:
                executor.shutdown(wait=False)  # the thread ends once its work is done

    @staticmethod
    def _new_executor() -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="django-request")


def get_asgi_application() -> ReusedThreadASGIHandler:
    """``django.core.asgi.get_asgi_application`` with the handler above."""
    import django

    django.setup(set_prefix=False)
    return ReusedThreadASGIHandler()
