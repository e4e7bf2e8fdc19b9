"""Two people chat live in two browsers; one goes offline (network emulation) while the
other sends, edits and reacts; back online, the first page catches up on all of it without a
reload, and what it wrote while offline is delivered once.

Chromium's offline emulation does not cut open WebSockets (microsoft/playwright#4910): the
page closes its socket itself when the browser says it is offline, as it would on a phone
losing its network, and reconnects from the last change it saw when the browser is online.
"""

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from accounts.tests.factories import PASSWORD, UserFactory
from community.models import Message
from community.tests.factories import topic_group

from .helpers import assert_page_basics, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_redis() -> None:
    if not settings.REDIS_URL:
        if settings.CI:
            pytest.fail("CI=true but no Redis: the live push cannot be tested")
        pytest.skip("the live push crosses processes through the Redis channel layer")


def _open_room(browser: Browser, context_args: dict, base: str, user, room_id: int) -> Page:
    context = browser.new_context(**context_args)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, user.email, PASSWORD)
    page.goto(f"{base}/chat/{room_id}/")
    expect(page.locator("[data-presence]")).to_contain_text("online")
    page.evaluate("window.__sameDocument = true")
    return page


def _message(page: Page, text: str):
    return page.locator(".chat__message", has_text=text)


def _say(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Message")
    box.fill(text)
    box.press("Enter")


def test_offline_reader_catches_up_new_messages_edits_and_reactions(
    browser: Browser, browser_context_args: dict, asgi_server: str
) -> None:
    # given two members of a group, each with the room open in their own browser
    asha, ravi = UserFactory(name="Asha Rao"), UserFactory(name="Ravi Iyer")
    _group, room = topic_group(owner=asha, members=(ravi,), name="Python circle")
    a = _open_room(browser, browser_context_args, asgi_server, asha, room.pk)
    r = _open_room(browser, browser_context_args, asgi_server, ravi, room.pk)
    assert_page_basics(a)

    # chatting live both ways
    _say(a, "Is lesson 3 out?")
    expect(_message(r, "Is lesson 3 out?")).to_be_visible()
    _say(r, "Yes, since Monday")
    expect(_message(a, "Yes, since Monday")).to_be_visible()

    # when Asha's browser goes offline
    a.context.set_offline(True)
    expect(a.locator("[data-banner]")).to_be_visible()
    # ... and she writes while offline (kept in the page's outbox)
    _say(a, "Written on the train")

    # while Ravi sends, edits his message and reacts to hers
    _say(r, "The quiz closes on Friday")
    expect(_message(r, "The quiz closes on Friday")).to_be_visible()
    mine = _message(r, "Yes, since Monday")
    mine.get_by_role("link", name="Edit").click()
    editor = mine.get_by_role("textbox", name="Edit")
    editor.fill("Yes, since Tuesday")
    editor.press("Enter")
    expect(_message(r, "Yes, since Tuesday")).to_contain_text("(edited)")
    hers = _message(r, "Is lesson 3 out?")
    hers.locator("summary", has_text="React").click()
    hers.get_by_role("button", name="👍").click()
    expect(hers.locator(".chat__reaction")).to_contain_text("👍 1")

    # Asha's page has heard none of it
    expect(_message(a, "The quiz closes on Friday")).to_have_count(0)
    expect(_message(a, "Yes, since Monday")).to_be_visible()

    # then, back online, her page catches up on everything, in place
    a.context.set_offline(False)
    expect(a.locator("[data-banner]")).to_be_hidden()
    expect(_message(a, "The quiz closes on Friday")).to_be_visible()
    expect(_message(a, "Yes, since Tuesday")).to_contain_text("(edited)")
    expect(_message(a, "Yes, since Monday")).to_have_count(0)
    reaction = _message(a, "Is lesson 3 out?").locator(".chat__reaction")
    expect(reaction).to_contain_text("👍 1")
    expect(reaction).to_have_attribute("aria-pressed", "false")
    # in room order: the message sent while she was away comes after the earlier ones
    texts = a.locator(".chat__message .chat__body").all_inner_texts()
    assert texts.index("The quiz closes on Friday") > texts.index("Yes, since Tuesday")
    # what she wrote offline was sent once and reached Ravi live
    expect(_message(r, "Written on the train")).to_be_visible()
    assert Message.objects.filter(room=room, body="Written on the train").count() == 1
    assert a.evaluate("window.__sameDocument === true"), "the page was reloaded"
    for page in (a, r):
        page.context.close()


def test_room_list_badges_follow_live_and_a_conversation_starts_by_name(
    browser: Browser, browser_context_args: dict, asgi_server: str
) -> None:
    # given Asha on the room list of her phone, and Ravi in their course circle's room
    asha, ravi = UserFactory(name="Asha Rao"), UserFactory(name="Ravi Iyer")
    _group, room = topic_group(owner=asha, members=(ravi,), name="Python circle")
    r = _open_room(browser, browser_context_args, asgi_server, ravi, room.pk)
    context = browser.new_context(**browser_context_args)
    a = context.new_page()
    a.set_default_timeout(15_000)
    a.set_viewport_size({"width": 375, "height": 740})
    sign_in(a, asgi_server, asha.email, PASSWORD)
    a.goto(f"{asgi_server}/chat/")
    badge = a.locator(f'[data-room-id="{room.pk}"] [data-unread]')
    expect(badge).to_be_hidden()

    # when Ravi writes twice, her badge counts without a reload
    a.evaluate("window.__sameDocument = true")
    _say(r, "Anyone up for the quiz review?")
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("1")
    _say(r, "Tonight at 8")
    expect(badge).to_contain_text("2")
    assert a.evaluate("window.__sameDocument === true")

    # then she opens the room: the messages are read while she looks, and the badge goes
    a.locator(f'[data-room-id="{room.pk}"]').click()
    expect(_message(a, "Tonight at 8")).to_be_visible()
    expect(a.get_by_role("button", name="Mark as read")).to_be_hidden()

    # and she starts a conversation with Ravi by name, who shows as online there
    a.goto(f"{asgi_server}/chat/new/")
    assert_page_basics(a)
    a.get_by_label("Find people by name").fill("ravi")
    a.get_by_role("button", name="Search").click()
    a.get_by_label("Ravi Iyer").check()
    a.get_by_role("button", name="Start conversation").click()
    expect(a.get_by_role("heading", level=1)).to_have_text("Ravi Iyer")
    expect(a.get_by_role("button", name="Block Ravi Iyer")).to_be_visible()
    _say(a, "Shall we prepare together?")
    r.goto(f"{asgi_server}/chat/")
    r.get_by_role("link", name="Asha Rao").click()
    expect(_message(r, "Shall we prepare together?")).to_be_visible()
    expect(a.locator("[data-presence]")).to_contain_text("Ravi Iyer")
    for page in (a, r):
        page.context.close()
