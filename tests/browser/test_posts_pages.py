"""Group posts in a browser on a phone-sized screen: the group's feed and a post with its
comment threads pass axe-core's WCAG A/AA rules, and a reaction toggles in place."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UserFactory
from community.selectors.posts import group_access_get
from community.services.posts import post_flag_set
from community.tests.factories import comment_on, post_in, topic_group

from .helpers import assert_page_basics, sign_in
from .test_accessibility import _report, _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # axe-core is added to the page as a script tag, which the site's CSP would refuse
    return {**browser_context_args, "bypass_csp": True}


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (40, 120, 200)).save(buffer, "PNG")
    return SimpleUploadedFile("whiteboard.png", buffer.getvalue(), content_type="image/png")


def test_group_feed_and_post_page_on_a_phone(page: Page, live_server) -> None:
    # given a group with a pinned post, a post with an image and a threaded discussion
    owner, member = UserFactory(name="Asha Rao"), UserFactory(name="Meera Das")
    group, _room = topic_group(owner=owner, members=(member,), name="Python circle")
    welcome = post_in(
        group, owner, "Say hello below. Office hours on **Thursdays**.", title="Welcome"
    )
    post_flag_set(
        post=welcome,
        user=owner,
        access=group_access_get(group_id=group.pk, user=owner),
        flag="pin",
        on=True,
    )
    question = post_in(
        group, member, "My loop never stops, @asharao can you look?", title="Loop", files=[_photo()]
    )
    answer = comment_on(question, owner, "Does anything change `x` inside the loop?")
    comment_on(question, member, "Oh, I never add 1. Thanks!", parent_id=answer.pk)
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server.url, member.email, PASSWORD)

    # when they open the group's page, then the post
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    assert_page_basics(page, "posts-group-phone")
    problems = _violations(page)
    assert problems == [], _report(page.url, problems)
    expect(page.locator(".post-card").first).to_contain_text("Pinned")
    image = page.locator(".post-card__image img")
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelector('.post-card__image img').naturalWidth === 640"
    )
    page.get_by_role("link", name="Loop").click()
    assert_page_basics(page, "posts-post-phone")
    problems = _violations(page)
    assert problems == [], _report(page.url, problems)
    expect(page.locator(".comments--nested")).to_contain_text("I never add 1")

    # then a reaction toggles in place, without leaving the page
    page.evaluate("window.__samePage = true")
    page.locator("#post [data-reactions] button").first.click()
    expect(page.locator("#post [data-reactions] .reaction--mine")).to_have_count(1)
    assert page.evaluate("window.__samePage === true")
