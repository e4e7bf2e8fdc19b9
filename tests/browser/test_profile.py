"""The profile page in Chromium: the time zone filter and the browser's zone, the picture.

The browser runs in Asia/Kolkata here, so the page suggests that zone to a user saved in UTC.
"""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.validators import timezone_names

from .helpers import assert_page_basics, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BROWSER_ZONE = "Asia/Kolkata"


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "timezone_id": BROWSER_ZONE}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 48), (30, 140, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def _save(page: Page) -> None:
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile was saved.")


def test_time_zone_filter_narrows_the_list_and_the_browser_zone_is_one_click(
    page: Page, live_server
) -> None:
    base = live_server.url
    user = UserFactory(name="Asha Rao")
    assert user.timezone == "UTC"
    sign_in(page, base, user.email, PASSWORD)
    page.goto(f"{base}/account/profile/")
    assert_page_basics(page, "profile-timezone")

    select = page.get_by_label("Time zone")
    options = select.locator("option")
    expect(options).to_have_count(len(timezone_names()))
    expect(select.locator("optgroup[label='Asia']")).to_have_count(1)

    # typing narrows the list; the saved zone stays so the form still sends it
    zone_filter = page.get_by_label("Filter the list by city, region or offset")
    zone_filter.fill("kolk")
    expect(options).to_have_count(2)
    expect(select.locator("option[value='Asia/Kolkata']")).to_have_text("Kolkata (UTC+05:30)")
    expect(select).to_have_value("UTC")
    expect(page.locator("[data-tz-count]")).to_have_text("Matching zones: 1")
    zone_filter.fill("+05:45")
    expect(select.locator("option[value='Asia/Kathmandu']")).to_have_count(1)
    expect(select.locator("optgroup")).to_have_count(2)  # Asia, and UTC's own group
    zone_filter.fill("no such place")
    expect(options).to_have_count(1)
    expect(page.locator("[data-tz-count]")).to_have_text("No zone matches.")
    zone_filter.fill("")
    expect(options).to_have_count(len(timezone_names()))

    # the browser's zone, offered because it differs from the saved one
    browser_zone = page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone")
    # Chromium may still name India by the older alias; both are on the list.
    assert browser_zone in ("Asia/Kolkata", "Asia/Calcutta")
    suggestion = page.get_by_role("button", name=f"Your browser says {browser_zone} — use it")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(select).to_have_value(browser_zone)
    expect(suggestion).to_be_hidden()

    _save(page)
    expect(page.get_by_label("Time zone")).to_have_value(browser_zone)
    expect(page.locator("[data-tz-suggest]")).to_be_hidden()
    user.refresh_from_db()
    assert user.timezone == browser_zone


def test_time_zone_select_works_without_javascript(browser: Browser, live_server) -> None:
    base = live_server.url
    user = UserFactory(name="Asha Rao")
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        sign_in(page, base, user.email, PASSWORD)
        page.goto(f"{base}/account/profile/")
        expect(page.locator("[data-tz-filter]")).to_be_hidden()
        expect(page.locator("[data-tz-suggest]")).to_be_hidden()
        page.get_by_label("Time zone").select_option("Europe/Lisbon")
        _save(page)
        expect(page.get_by_label("Time zone")).to_have_value("Europe/Lisbon")
    finally:
        context.close()
    user.refresh_from_db()
    assert user.timezone == "Europe/Lisbon"


def test_upload_then_remove_the_profile_picture(page: Page, live_server) -> None:
    base = live_server.url
    user = UserFactory(name="Asha Rao")
    sign_in(page, base, user.email, PASSWORD)
    page.goto(f"{base}/account/profile/")
    header_avatar = page.locator("details.menu summary .avatar")
    expect(header_avatar).to_have_text("A")
    thumbnail = page.locator("main").get_by_role("img", name="Asha Rao")
    expect(thumbnail).to_have_count(0)

    page.get_by_label("Choose a picture").set_input_files(
        files=[{"name": "me.png", "mimeType": "image/png", "buffer": _png()}]
    )
    _save(page)
    user.refresh_from_db()
    stored = user.avatar.name
    assert stored and default_storage.exists(stored)
    expect(thumbnail).to_have_count(1)
    src = thumbnail.get_attribute("src")
    assert src == user.avatar.url
    expect(header_avatar.locator("img")).to_have_attribute("src", src)
    assert stored not in page.content().replace(src, "")
    expect(page.get_by_label("Change picture")).to_have_attribute("type", "file")
    assert_page_basics(page, "profile-picture")

    page.get_by_label("Remove picture").check()
    _save(page)
    expect(thumbnail).to_have_count(0)
    expect(header_avatar).to_have_text("A")
    expect(page.get_by_label("Choose a picture")).to_be_visible()
    assert User.objects.get(pk=user.pk).avatar.name == ""
    assert not default_storage.exists(stored)
