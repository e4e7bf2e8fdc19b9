"""A mentoring session's call with the local backend: the mentor and the mentee open the
meeting page in two Chromium contexts with fake cameras and microphones, connect over WebRTC
(signalled through /ws/meetings/<id>/) and each receives the other's live video; mute
switches the local microphone track off and on."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone
from playwright.sync_api import Browser, Page, Playwright, expect

from accounts.tests.factories import PASSWORD, UserFactory
from mentorship.tests.factories import MentorSessionFactory, MentorshipFactory
from mentorship.tests.test_meetings_services import (  # noqa: F401 (chime_stub: a fixture)
    chime_attendee,
    chime_meeting,
    chime_stub,
)

from .conftest import CHROMIUM, CHROMIUM_ARGS
from .helpers import assert_page_basics, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEDIA_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]

# The first remote <video> plays a live track with decoded frames.
REMOTE_VIDEO_LIVE = """
() => {
  const video = document.querySelector("[data-remote-video]");
  if (!video || !video.srcObject) return false;
  const track = video.srcObject.getVideoTracks()[0];
  return !!track && track.readyState === "live" && video.videoWidth > 0;
}
"""
# The local video preview shows the shared screen (its track is the one being sent).
SENDING_SCREEN = "() => document.querySelector('[data-local-video]').hasAttribute('data-screen')"
LOCAL_AUDIO_ENABLED = (
    "() => document.querySelector('[data-local-video]').srcObject.getAudioTracks()[0].enabled"
)


@pytest.fixture
def media_browser(playwright: Playwright) -> Iterator[Browser]:
    """Chromium with fake camera/microphone devices, granted without a prompt."""
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *MEDIA_ARGS]
    )
    yield browser
    browser.close()


def open_meeting(browser: Browser, base: str, user, session) -> Page:
    context = browser.new_context(locale="en-GB", timezone_id="UTC")
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, base, user.email, PASSWORD)
    page.goto(f"{base}/mentoring/sessions/{session.pk}/meeting/")
    return page


def test_meeting_call_connects_mentor_and_mentee_with_video(
    media_browser: Browser, asgi_server: str
) -> None:
    # given a session between a mentor and a mentee that starts now
    mentor = UserFactory(name="Meera Iyer")
    mentee = UserFactory(name="Asha Rao")
    start = timezone.now()
    session = MentorSessionFactory(
        mentorship=MentorshipFactory(mentor=mentor, mentee=mentee),
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
    )

    # when both open the meeting page
    mentor_page = open_meeting(media_browser, asgi_server, mentor, session)
    assert_page_basics(mentor_page)
    mentee_page = open_meeting(media_browser, asgi_server, mentee, session)

    # then each receives the other's live video
    for page in (mentor_page, mentee_page):
        page.wait_for_function(REMOTE_VIDEO_LIVE, timeout=20_000)
        expect(page.locator("[data-meeting-status]")).to_have_text("Connected.")
        expect(page.locator("[data-media-notice]")).to_be_hidden()

    # and mute switches the local microphone track off and on again
    mute = mentee_page.get_by_role("button", name="Mute")
    assert mentee_page.evaluate(LOCAL_AUDIO_ENABLED) is True
    mute.click()
    assert mentee_page.evaluate(LOCAL_AUDIO_ENABLED) is False
    expect(mentee_page.get_by_role("button", name="Unmute")).to_have_attribute(
        "aria-pressed", "true"
    )
    mentee_page.get_by_role("button", name="Unmute").click()
    assert mentee_page.evaluate(LOCAL_AUDIO_ENABLED) is True

    # and the mentor's screen share replaces the camera on the same sender (no renegotiation)
    mentor_page.get_by_role("button", name="Share screen").click()
    expect(mentor_page.get_by_role("button", name="Stop sharing")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert mentor_page.evaluate(SENDING_SCREEN) is True
    mentee_page.wait_for_function(REMOTE_VIDEO_LIVE)
    mentor_page.get_by_role("button", name="Stop sharing").click()
    expect(mentor_page.get_by_role("button", name="Share screen")).to_be_visible()
    assert mentor_page.evaluate(SENDING_SCREEN) is False

    # and when the mentee leaves, the mentor's page waits for them again
    mentee_page.get_by_role("button", name="Leave").click()
    expect(mentee_page.get_by_text("You left the call.")).to_be_visible()
    expect(mentor_page.locator("[data-remote-video]")).to_have_count(0)
    expect(mentor_page.locator("[data-waiting]")).to_be_visible()


def test_meeting_chime_page_joins_with_the_vendored_sdk(
    media_browser: Browser,
    client,
    chime_stub,  # noqa: F811
    settings,
) -> None:
    """The aws backend's page (rendered by Django with a Chime meeting answered by the
    Stubber) runs the vendored SDK bundle: it starts the fake devices and connects to the
    meeting's signalling URL from the join info; mute and leave work."""
    # given the meeting page of a session that starts now, with the aws backend
    start = timezone.now()
    session = MentorSessionFactory(starts_at=start, ends_at=start + timedelta(minutes=30))
    external = f"session-{session.pk}-{session.ical_uid}".replace("@", "-")
    meeting = chime_meeting(external)
    meeting["Meeting"]["MediaPlacement"] = {
        **meeting["Meeting"]["MediaPlacement"],
        "SignalingUrl": "wss://signal.m3.as1.app.chime.aws/control/4d8e0c1f",
        "AudioHostUrl": "127.0.0.1:9",
    }
    chime_stub.add_response("create_meeting", meeting)
    chime_stub.add_response("create_attendee", chime_attendee(session.mentee_id, 1))
    client.force_login(session.mentee)
    html = client.get(f"/mentoring/sessions/{session.pk}/meeting/").content.decode()
    assert "amazon-chime-sdk.min.js" in html

    context = media_browser.new_context(locale="en-GB", timezone_id="UTC")
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))

    def serve(route) -> None:
        path = route.request.url.split("http://localhost:1", 1)[1].split("?", 1)[0]
        found = finders.find(path[len("/static/") :]) if path.startswith("/static/") else None
        if found:
            route.fulfill(path=str(found))
        elif path == "/meeting/":
            route.fulfill(body=html, content_type="text/html; charset=utf-8")
        else:
            route.fulfill(status=204)

    page.route("http://localhost:1/**", serve)
    # when the mentee opens it (on localhost: a secure context, where media devices exist)
    page.goto("http://localhost:1/meeting/")

    # then the SDK starts the devices and dials the meeting's signalling URL
    expect(page.get_by_role("button", name="Mute")).to_be_enabled()
    expect(page.locator("[data-media-notice]")).to_be_hidden()
    page.wait_for_function("() => typeof window.ChimeSDK.DefaultMeetingSession === 'function'")
    page.wait_for_timeout(1500)  # the SDK dials once the devices are up
    assert any(url.startswith("wss://signal.m3.as1.app.chime.aws/control/") for url in sockets)
    assert errors == []
    page.get_by_role("button", name="Mute").click()
    expect(page.get_by_role("button", name="Unmute")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Leave").click()
    expect(page.get_by_text("You left the call.")).to_be_visible()
    context.close()
