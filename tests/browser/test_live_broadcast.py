"""A live class broadcast from the browser (local backend): the host goes live with Chromium's
fake camera and microphone in one context; a student in another context receives a live video
track over WebRTC, signalled over /ws/live/<id>/."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, BrowserType, expect

from accounts.tests.factories import PASSWORD, UserFactory
from enrollments.tests.factories import EnrollmentFactory
from mentorship.models import LiveClassAttendance
from mentorship.tests.factories import LiveClassFactory

from .conftest import CHROMIUM, CHROMIUM_ARGS
from .helpers import assert_page_basics, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAKE_MEDIA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture(autouse=True)
def _needs_redis() -> None:
    if not settings.REDIS_URL:
        if settings.CI:
            pytest.fail("CI=true but no Redis: the signalling crosses processes through Redis")
        pytest.skip("signalling crosses processes through the Redis channel layer")


@pytest.fixture
def media_browser(browser_type: BrowserType, browser: Browser) -> Iterator[Browser]:
    """A Chromium of its own with fake media devices (the session's has none)."""
    launched = browser_type.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *FAKE_MEDIA])
    yield launched
    launched.close()


def test_live_broadcast_from_the_browser_reaches_a_viewer(
    media_browser: Browser, asgi_server: str
) -> None:
    # given a live class of the local backend and a student of its course
    live = LiveClassFactory(status="live", provider="local", started_at=timezone.now())
    student = UserFactory(name="Meera Das")
    EnrollmentFactory(user=student, course=live.course)
    live.host.set_password(PASSWORD)
    live.host.save()
    contexts = [media_browser.new_context(locale="en-GB", timezone_id="UTC") for _ in range(2)]
    host_page, viewer_page = (context.new_page() for context in contexts)
    try:
        for page, user in ((host_page, live.host), (viewer_page, student)):
            page.set_default_timeout(20_000)
            sign_in(page, asgi_server, user.email, PASSWORD)
            page.goto(f"{asgi_server}/live/{live.pk}/")
        assert_page_basics(viewer_page)
        expect(viewer_page.locator("[data-viewer-status]")).to_contain_text("Waiting")

        # when the host goes live from the browser
        host_page.get_by_role("button", name="Go live from this browser").click()
        expect(host_page.get_by_role("button", name="Stop broadcasting")).to_be_visible()

        # then the viewer plays a live video track from the host
        expect(viewer_page.locator("[data-viewer-status]")).to_have_text("Live")
        viewer_page.wait_for_function(
            """() => {
                const video = document.querySelector("[data-remote]");
                const stream = video && video.srcObject;
                return stream && stream.getVideoTracks().some((t) => t.readyState === "live")
                    && video.videoWidth > 0;
            }""",
            timeout=20_000,
        )
        expect(host_page.locator("[data-viewer-count]")).to_have_text("1")
        assert LiveClassAttendance.objects.filter(live_class=live, user=student).exists()
    finally:
        for context in contexts:
            context.close()


def test_live_class_ivs_player_loads_from_the_vendored_files(page, asgi_server: str) -> None:
    # given a live IVS class (its stream cannot be reached from the test machine)
    live = LiveClassFactory(
        status="live",
        provider="ivs",
        started_at=timezone.now(),
        playback_url="https://playback.invalid/api/video/v1/x.m3u8",
    )
    student = UserFactory()
    EnrollmentFactory(user=student, course=live.course)
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, asgi_server, student.email, PASSWORD)

    # when the student opens the class page
    page.goto(f"{asgi_server}/live/{live.pk}/")

    # then the vendored player loads, is supported, and says it waits for the stream
    page.wait_for_function("() => window.IVSPlayerPackage && window.IVSPlayerPackage.create")
    assert page.evaluate("() => window.IVSPlayerPackage.isPlayerSupported") is True
    # (the player retries the unreachable stream a few times before it reports the error)
    expect(page.locator("[data-player-status]")).to_contain_text(
        "Waiting for the host", timeout=40_000
    )
    assert refused == []
