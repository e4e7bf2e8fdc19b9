"""A student's learning journey in Chromium: enroll in a free course, watch a captioned video,
follow the transcript, leave and come back where they stopped, mark the lesson complete."""

import re
import tempfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UserFactory
from courses.models import Lesson
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from dashboards.demo import generate_webm, vtt_for_lines
from enrollments.models import Enrollment, LessonProgress
from kalpla.testing.tools import require_tool

from .helpers import assert_page_basics, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINES = ["First line of the lesson.", "Second line, a little later.", "The last line."]
VIDEO_SECONDS = 6


def _store(name: str, data: bytes) -> str:
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


@pytest.fixture
def captioned_course(db):
    require_tool("ffmpeg")
    with tempfile.TemporaryDirectory() as tmp:
        video = generate_webm(Path(tmp) / "clip.webm", seconds=VIDEO_SECONDS, size="160x120")
        media = _store("courses/media/journey.webm", video.read_bytes())
    captions = _store("courses/media/journey.vtt", vtt_for_lines(LINES, VIDEO_SECONDS).encode())
    course = CourseFactory(title="Captioned course", slug="captioned", language="en")
    module = ModuleFactory(course=course, order=0, title="Watching")
    lesson = LessonFactory(
        module=module,
        order=0,
        title="A captioned video",
        kind=Lesson.Kind.VIDEO,
        media=media,
        captions=captions,
        duration=VIDEO_SECONDS,
        media_status=Lesson.MediaStatus.READY,
    )
    LessonFactory(module=module, order=1, title="Some reading")
    return course, lesson


def _media_state(page: Page) -> dict:
    return page.evaluate(
        """() => {
          const v = document.getElementById("lesson-media");
          const t = v.textTracks[0];
          return {time: v.currentTime, paused: v.paused, ready: v.readyState,
                  mode: t && t.mode, cues: t && t.cues ? t.cues.length : 0};
        }"""
    )


def test_student_enrolls_watches_with_captions_resumes_and_completes(
    page: Page, live_server, captioned_course
) -> None:
    course, lesson = captioned_course
    base = live_server.url
    student = UserFactory(name="Asha Student")
    lesson_url = f"{base}/courses/{course.slug}/lessons/{lesson.pk}/"

    # Signed in but not enrolled: the lesson is locked and offers to enroll.
    sign_in(page, base, student.email, PASSWORD)
    page.goto(lesson_url)
    expect(page.get_by_role("heading", name="This lesson is locked")).to_be_visible()
    page.get_by_role("button", name="Enroll for free").click()

    # Enrolled: back on the lesson, with a confirmation and the player.
    expect(page).to_have_url(lesson_url)
    expect(page.get_by_text("You are enrolled in “Captioned course”")).to_be_visible()
    assert Enrollment.objects.filter(user=student, course=course, status="active").exists()
    assert_page_basics(page, "lesson-player")
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("Watching")
    video = page.locator("video#lesson-media")
    expect(video).to_be_visible()
    expect(page.locator("video#lesson-media track[kind=captions]")).to_have_attribute(
        "srclang", "en"
    )

    # The captions track shows and its cues load from the signed link.
    page.wait_for_function(
        """() => { const v = document.getElementById("lesson-media");
                   const t = v.textTracks[0];
                   return v.readyState >= 1 && t && t.mode === "showing"
                          && t.cues && t.cues.length === 3; }"""
    )

    # Play (muted, as autoplay rules want) until past the first cue, then pause.
    page.evaluate("() => { const v = document.getElementById('lesson-media'); v.muted = true; }")
    page.evaluate("() => document.getElementById('lesson-media').play()")
    page.wait_for_function("() => document.getElementById('lesson-media').currentTime > 2.5")
    expect(page.locator(".transcript__cue[aria-current='true']")).to_have_count(1)
    with page.expect_response(
        lambda r: (
            r.url.endswith(f"/api/v1/lessons/{lesson.pk}/progress/")
            and r.request.method == "PUT"
            and r.status == 204
        )
    ):
        page.evaluate("() => document.getElementById('lesson-media').pause()")
    saved = LessonProgress.objects.get(enrollment__user=student, lesson=lesson).position_seconds
    assert saved > 2.0
    assert abs(saved - _media_state(page)["time"]) < 0.5

    # The transcript is searchable: filtering hides the other lines.
    page.get_by_label("Search the transcript").fill("last line")
    expect(page.locator("#transcript-cues li:visible")).to_have_count(1)
    page.get_by_label("Search the transcript").fill("")

    # Clicking a cue seeks the video to it.
    page.locator(".transcript__cue").nth(0).click()
    page.wait_for_function("() => document.getElementById('lesson-media').currentTime < 2")
    page.evaluate("() => document.getElementById('lesson-media').pause()")
    page.wait_for_function(
        f"() => Number(document.getElementById('player').dataset.saved) < {saved}"
    )
    saved = LessonProgress.objects.get(enrollment__user=student, lesson=lesson).position_seconds

    # Reload: the player resumes at the saved position.
    page.reload()
    page.wait_for_function("() => document.getElementById('lesson-media').readyState >= 1")
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('lesson-media').currentTime - {saved}) < 0.5"
    )
    expect(page.get_by_text("Resuming where you left off.")).to_be_visible()

    # Mark complete: the panel, the progress bar and the outline tick update in place.
    progress = page.get_by_role("progressbar", name="Course progress")
    expect(progress).to_have_attribute("aria-valuenow", "0")
    page.get_by_role("button", name="Mark complete").click()
    expect(page.get_by_text("You completed this lesson.")).to_be_visible()
    expect(progress).to_have_attribute("aria-valuenow", "50")
    expect(page.locator(f"#tick-{lesson.pk}.outline__state--done")).to_be_visible()
    enrollment = Enrollment.objects.get(user=student, course=course)
    assert enrollment.progress_percent == 50

    # The dashboard shows the course with its progress and a Continue link.
    page.goto(f"{base}/")
    learning = page.locator("#learning")
    expect(learning.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "50")
    learning.get_by_role("link", name=re.compile("Continue")).click()
    expect(page).to_have_url(lesson_url)


def test_lesson_player_fits_a_phone(page: Page, live_server, captioned_course) -> None:
    course, lesson = captioned_course
    student = UserFactory()
    Enrollment.objects.create(user=student, course=course)
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url, student.email, PASSWORD)
    page.goto(f"{live_server.url}/courses/{course.slug}/lessons/{lesson.pk}/")
    assert_page_basics(page, "lesson-player-phone")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the player scrolls sideways by {overflow}px at 360px"
    box = page.locator("video#lesson-media").bounding_box()
    assert box is not None and box["width"] <= 360
    expect(page.get_by_role("button", name="Mark complete")).to_be_visible()
