"""Key pages at desktop and phone widths: one h1, a main landmark, labelled inputs and no
sideways scrolling. Set KALPLA_SCREENSHOT_DIR to also save a full-page PNG of each.
"""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import Browser, Page

from accounts.tests.factories import PASSWORD, UserFactory
from community.models import ModerationAction
from community.services.messages import message_send
from community.services.sanctions import audit_record
from community.tests.factories import topic_group
from courses.tests.factories import CourseFactory, ReviewFactory
from moderation.models import ModerationItem
from moderation.services import moderation_flag

from .helpers import assert_page_basics, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1280, "phone": 375}
SCREENSHOT_DIR = os.environ.get("KALPLA_SCREENSHOT_DIR", "")

ANONYMOUS_PAGES = {
    "home-anonymous": "/",
    "login": "/accounts/login/",
    "signup": "/accounts/signup/",
    "password-reset": "/accounts/password/reset/",
}
ADMIN_PAGES = {
    "home-admin": "/",
    "profile": "/account/profile/",
    "api-keys": "/account/api-keys/",
    "2fa-index": "/accounts/2fa/",
    "totp-activate": "/accounts/2fa/totp/activate/",
    "sessions": "/accounts/sessions/",
    "email": "/accounts/email/",
    "password-change": "/accounts/password/change/",
}


def _check(page: Page, name: str, width_name: str) -> None:
    assert_page_basics(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {width_name} width"
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOT_DIR}/{name}-{width_name}.png", full_page=True)


@contextmanager
def _sized_page(browser: Browser, width_name: str) -> Iterator[Page]:
    """A page of its own browser context at one of ``WIDTHS``, closed afterwards."""
    context = browser.new_context(
        viewport={"width": WIDTHS[width_name], "height": 900}, locale="en-GB", timezone_id="UTC"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("width_name", WIDTHS)
def test_pages_at_each_width(browser: Browser, live_server, width_name: str) -> None:
    base = live_server.url
    with _sized_page(browser, width_name) as page:
        for name, path in ANONYMOUS_PAGES.items():
            page.goto(f"{base}{path}")
            _check(page, name, width_name)

        # Form errors keep the page intact (sign-in with a wrong password).
        admin = UserFactory(name="Arjun Admin", roles=("Admin",), is_staff=True, is_superuser=True)
        sign_in(page, base, admin.email, "not-the-password")
        assert page.locator(".message--error").count() == 1
        _check(page, "login-error", width_name)

        sign_in(page, base, admin.email, PASSWORD)
        for name, path in ADMIN_PAGES.items():
            page.goto(f"{base}{path}")
            if "/accounts/reauthenticate/" in page.url:
                _check(page, "reauthenticate", width_name)
                page.get_by_label("Password", exact=True).fill(PASSWORD)
                page.locator("main form").get_by_role("button", name="Confirm").click()
                page.wait_for_url(f"{base}{path}*")
            _check(page, name, width_name)
        page.context.clear_cookies()

        for role in ("Mentor", "Student"):
            user = UserFactory(roles=(role,))
            sign_in(page, base, user.email, PASSWORD)
            assert page.url == f"{base}/"
            _check(page, f"home-{role.lower()}", width_name)
            page.context.clear_cookies()

        # A moderator's home and queue, with a long flagged review to wrap.
        moderator = UserFactory(roles=("Moderator",))
        moderation_flag(
            target=ReviewFactory(text="Averyveryverylongwordwithoutspaces" * 4 + " rude " * 40),
            reason=ModerationItem.Reason.TOXIC,
            detail="Toxic language in text (score 0.93).",
            score=0.93,
        )
        sign_in(page, base, moderator.email, PASSWORD)
        _check(page, "home-moderator", width_name)
        page.goto(f"{base}/moderation/")
        _check(page, "moderation-queue", width_name)
        page.context.clear_cookies()

        # The second step of signing in, for an account with an authenticator app.
        protected = UserFactory()
        TOTP.activate(protected, generate_totp_secret())
        sign_in(page, base, protected.email, PASSWORD)
        assert re.search(r"/accounts/2fa/authenticate/$", page.url), page.url
        _check(page, "2fa-authenticate", width_name)


@pytest.mark.parametrize("width_name", WIDTHS)
def test_chat_rooms_fit_the_screen_at_each_width(
    browser: Browser, live_server, width_name: str
) -> None:
    """A long room name ends in an ellipsis: the list does not widen the page, and each
    room's unread count and the "New conversation" button stay on screen (on a phone they
    were pushed off it)."""
    asha, ravi = UserFactory(name="Asha Rao"), UserFactory(name="Ravi Iyer")
    name = "Evening circle for debugging Python programs together, step by step"
    _group, room = topic_group(owner=ravi, members=(asha,), name=name)
    message_send(room=room, author=ravi, body="Who is in tonight?")
    with _sized_page(browser, width_name) as page:
        sign_in(page, live_server.url, asha.email, PASSWORD)
        page.goto(f"{live_server.url}/chat/")
        _check(page, "chat-rooms", width_name)
        width = page.evaluate("() => window.innerWidth")
        for locator in (
            page.locator(f'[data-room-id="{room.pk}"] [data-unread]'),
            page.get_by_role("link", name="New conversation"),
        ):
            box = locator.bounding_box()
            assert box is not None and box["x"] + box["width"] <= width, locator


@pytest.mark.parametrize("width_name", WIDTHS)
def test_wide_tables_scroll_inside_their_box_at_each_width(
    browser: Browser, live_server, width_name: str
) -> None:
    """A mentor's teaching table and the moderators' audit log are wider than a phone: they
    scroll inside their box, and the visually hidden labels of their far cells (absolutely
    positioned) no longer widen the page."""
    mentor = UserFactory(name="Ravi Mentor", roles=("Mentor",))
    course = CourseFactory(title="Data analysis with pandas", instructors=[mentor])
    ReviewFactory(course=course, text="Could the exercises come with answers?")
    moderator = UserFactory(name="Meera Moderator", roles=("Moderator",))
    audit_record(
        actor=moderator,
        action=ModerationAction.Action.WARN,
        note="Please keep to the topic of the course, and be kind to other learners.",
        target=ReviewFactory(course=course, text="Off-topic rant " * 10),
        target_user=UserFactory(name="Kiran Learner"),
    )
    with _sized_page(browser, width_name) as page:
        sign_in(page, live_server.url, mentor.email, PASSWORD)
        assert page.locator("table.teaching-table").count() == 1
        _check(page, "home-mentor-teaching", width_name)
        page.context.clear_cookies()
        sign_in(page, live_server.url, moderator.email, PASSWORD)
        page.goto(f"{live_server.url}/moderation/audit/")
        assert page.locator("table.audit-log tbody tr").count() == 1
        _check(page, "moderation-audit", width_name)
