"""The bell updates live: a notification created in another process (this test, through the
service) reaches the browser over /ws/notifications/ through the Redis channel layer, without
a reload. The uvicorn subprocess shares the test database and the channel-layer prefix
(KALPLA_CACHE_PREFIX is inherited from this process's environment).
"""

import threading

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UserFactory
from notifications.services.notify import notify

from .helpers import assert_page_basics, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_redis() -> None:
    if not settings.REDIS_URL:
        if settings.CI:
            pytest.fail("CI=true but no Redis: the live push cannot be tested")
        pytest.skip("the live push crosses processes through the Redis channel layer")


def _announce(user, title: str) -> None:
    """notify() from another thread, as a web request or Celery worker would call it.

    This thread has Playwright's event loop marked as running, where async_to_sync (and so
    the channel layer's group_send) refuses to run.
    """

    def run() -> None:
        try:
            notify(
                recipients=[user],
                kind="announcements.general",
                context={"title": title, "message": "The exam timetable is out."},
                url="/notifications/",
            )
        except BaseException as exc:  # surfaced in the test thread below
            errors.append(exc)
        finally:
            connections.close_all()

    errors: list[BaseException] = []
    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive() and not errors, errors


def test_bell_and_list_update_live_without_reload(page: Page, asgi_server: str) -> None:
    # given a signed-in student on the notifications page, with one older notification
    user = UserFactory(name="Meera Das")
    _announce(user, "Welcome week")
    sign_in(page, asgi_server, user.email, PASSWORD)
    page.goto(f"{asgi_server}/notifications/")
    assert_page_basics(page, "notifications-list")
    bell = page.locator("[data-notifications-bell]")
    expect(bell).to_have_attribute("data-live", "true")
    expect(bell.locator("[data-unread-count]")).to_have_text("1")
    page.evaluate("window.__sameDocument = true")

    # when a notification is created for them elsewhere
    _announce(user, "Exam timetable published")

    # then the bell count and the list change in place
    expect(bell.locator("[data-unread-count]")).to_have_text("2")
    first = page.locator("#notification-list > li").first
    expect(first).to_contain_text("Exam timetable published")
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"

    # and someone else's notification never shows up
    _announce(UserFactory(), "Not for Meera")
    _announce(user, "Third one")
    expect(bell.locator("[data-unread-count]")).to_have_text("3")
    expect(page.locator("#notification-list")).not_to_contain_text("Not for Meera")


def test_bell_updates_on_another_page_and_mark_all_read(page: Page, asgi_server: str) -> None:
    user = UserFactory()
    sign_in(page, asgi_server, user.email, PASSWORD)
    page.goto(f"{asgi_server}/account/profile/")
    bell = page.locator("[data-notifications-bell]")
    expect(bell).to_have_attribute("data-live", "true")
    badge = bell.locator("[data-unread-badge]")
    expect(badge).to_be_hidden()

    _announce(user, "Mentor replied")
    expect(badge).to_be_visible()
    expect(bell.locator("[data-unread-count]")).to_have_text("1")

    # the bell leads to the list; marking everything read empties the badge
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All notifications are marked as read.")).to_be_visible()
    expect(page.locator("[data-notifications-bell] [data-unread-badge]")).to_be_hidden()


def test_preferences_page_saves_and_keeps_errors(page: Page, asgi_server: str) -> None:
    user = UserFactory()
    sign_in(page, asgi_server, user.email, PASSWORD)
    page.goto(f"{asgi_server}/notifications/preferences/")
    assert_page_basics(page, "notification-preferences")
    page.get_by_label("Email: News and announcements").uncheck()
    page.get_by_label("From").fill("22:00")
    page.get_by_role("button", name="Save preferences").click()
    # a start without an end is refused, and what was typed stays
    expect(page.get_by_text("Set both the start and the end of quiet hours")).to_be_visible()
    expect(page.get_by_label("From")).to_have_value("22:00")
    expect(page.get_by_label("Email: News and announcements")).not_to_be_checked()
    page.get_by_label("Until").fill("07:00")
    page.get_by_label("Daily digest").check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your notification preferences were saved.")).to_be_visible()
    expect(page.get_by_label("Daily digest")).to_be_checked()
    expect(page.get_by_label("Email: News and announcements")).not_to_be_checked()
