"""The session page and the mentorship page are shared by several areas of the app.

The page's view (booking owns the session page, directory the mentorship page) builds its
context from every part registered here, and its template includes each area's partial:

- session page (``templates/mentorship/sessions/detail.html``): meetings add "Join"
  (``_join.html``), progress adds notes, action items, rating and no-show (``_outcome.html``);
- mentorship page (``templates/mentorship/mentorships/detail.html``): booking adds upcoming
  sessions and "Book a session" (``_sessions.html``), progress adds goals and the timeline
  (``_progress.html``).

A part is ``part(*, request, session|mentorship) -> dict`` registered in its area's
``AppConfig.ready`` (mentorship/apps.py); parts must keep the page's queries bounded.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

PagePart = Callable[..., dict[str, Any]]

SESSION_PAGE_PARTS: list[PagePart] = []
MENTORSHIP_PAGE_PARTS: list[PagePart] = []


def session_page_context(*, request: HttpRequest, session: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for part in SESSION_PAGE_PARTS:
        context.update(part(request=request, session=session))
    return context


def mentorship_page_context(*, request: HttpRequest, mentorship: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for part in MENTORSHIP_PAGE_PARTS:
        context.update(part(request=request, mentorship=mentorship))
    return context
