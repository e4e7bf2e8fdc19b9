"""The chat page live: Enter sends over /ws/chat/<room_id>/ (Shift+Enter is a new line), a
message sent elsewhere (another process's service call) appears without a reload, and the
page passes the basic checks on a phone-sized screen.
"""

import threading

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UserFactory
from community.models import Message
from community.tests.factories import send, topic_group

from .helpers import assert_page_basics, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_redis() -> None:
    if not settings.REDIS_URL:
        if settings.CI:
            pytest.fail("CI=true but no Redis: the live push cannot be tested")
        pytest.skip("the live push crosses processes through the Redis channel layer")


def _send_elsewhere(room, author, body: str) -> None:
    """message_send from another thread, as another user's request would (Playwright's loop
    is marked as running in this thread, where the channel layer refuses to run)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            send(room, author, body)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive() and not errors, errors


def test_chat_sends_with_enter_and_receives_live(page: Page, asgi_server: str) -> None:
    # given a member of a group with one earlier message, on the room page of a phone
    owner, member = UserFactory(name="Asha Rao"), UserFactory(name="Meera Das")
    _group, room = topic_group(owner=owner, members=(member,), name="Python circle")
    send(room, owner, "Welcome to the circle")
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, asgi_server, member.email, PASSWORD)
    page.goto(f"{asgi_server}/chat/{room.pk}/")
    assert_page_basics(page, "chat-room-phone")
    expect(page.locator("[data-presence]")).to_contain_text("1")
    page.evaluate("window.__sameDocument = true")

    # when they type two lines (Shift+Enter) and press Enter
    box = page.get_by_role("textbox", name="Message")
    box.type("Hello everyone")
    box.press("Shift+Enter")
    box.type("second line")
    box.press("Enter")

    # then the message is stored once and shown without a reload
    expect(page.locator(".chat__message").last).to_contain_text("second line")
    expect(box).to_have_value("")
    assert Message.objects.filter(room=room, author=member).count() == 1
    assert "\n" in Message.objects.get(room=room, author=member).body

    # and a message sent by someone else arrives live
    _send_elsewhere(room, owner, "Great to have you here")
    expect(page.locator(".chat__message").last).to_contain_text("Great to have you here")
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
