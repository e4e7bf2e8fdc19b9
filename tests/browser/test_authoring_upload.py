"""A mentor builds a course in Chromium: create it, add a module and a video lesson, upload a
small clip straight to storage with a progress bar, and watch the media status change."""

import re
import subprocess

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UserFactory
from courses.models import Course, Lesson
from courses.services import authoring
from kalpla.testing.tools import require_tool

from .helpers import assert_page_basics, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clip(tmp_path):
    """Two seconds of test pattern with a tone, as MP4 (about 40 kB)."""
    ffmpeg = require_tool("ffmpeg")
    require_tool("ffprobe")
    path = tmp_path / "welcome.mp4"
    subprocess.run(
        [
            *(ffmpeg, "-nostdin", "-y", "-v", "error"),
            *("-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=15"),
            *("-f", "lavfi", "-i", "sine=frequency=300:duration=2"),
            *("-c:v", "mpeg4", "-c:a", "aac", "-shortest", str(path)),
        ],
        check=True,
    )
    return path


def test_mentor_creates_a_course_and_uploads_a_video_with_progress(
    page: Page, live_server, clip
) -> None:
    base = live_server.url
    mentor = UserFactory(roles=("Mentor",))
    sign_in(page, base, mentor.email, PASSWORD)

    # My courses: empty, with a way to start
    page.goto(f"{base}/courses/teach/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My courses")
    expect(page.locator("main")).to_contain_text("No courses yet")
    assert_page_basics(page, "teach-courses")
    page.get_by_role("link", name="New course").click()

    # Create the course
    assert_page_basics(page, "teach-new-course")
    page.get_by_label("Title", exact=True).fill("Shapes and colours")
    page.get_by_role("button", name="Create course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shapes and colours")
    expect(page.locator("main")).to_contain_text("No modules yet")

    # Add a module, then a video lesson in it
    page.get_by_label("Module title").fill("Getting started")
    page.get_by_role("button", name="Add module").click()
    expect(page.locator(".outline-module h2")).to_contain_text("Getting started")
    assert_page_basics(page, "teach-outline")
    module = page.locator(".outline-module").first
    module.get_by_label("Lesson title").fill("Welcome video")
    module.get_by_label("Kind").select_option("video")
    module.get_by_role("button", name="Add lesson").click()

    # The lesson editor: nothing uploaded yet
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome video")
    status = page.locator("#media-status")
    expect(status).to_contain_text("No media")
    expect(page.get_by_role("link", name="Preview as a student")).to_have_attribute(
        "href", re.compile(r"^/courses/shapes-and-colours/lessons/\d+/\?preview=1$")
    )
    assert_page_basics(page, "teach-lesson")

    # Upload: the progress bar appears and reaches 100%, then the status changes
    page.get_by_label("Choose a file").set_input_files(str(clip))
    page.locator("form.upload").get_by_role("button", name="Upload").click()
    progress = page.locator(".upload__progress progress")
    expect(progress).to_be_visible()
    expect(progress).to_have_js_property("value", 100)
    expect(page.locator(".upload__percent")).to_contain_text("100%")
    expect(page.locator("#media-status")).to_contain_text("Ready", timeout=60_000)
    expect(page.locator("#media-status")).to_contain_text("Made from the video")
    expect(page.locator(".upload__error")).to_be_hidden()
    # and, without a reload, what needs a file: "Remove file" and the captions card
    expect(page.get_by_role("button", name="Remove file")).to_be_visible()
    expect(page.locator("#captions")).to_contain_text("Captions")
    expect(page.locator("#captions-upload")).to_be_visible()

    lesson = Lesson.objects.get(title="Welcome video")
    assert lesson.media_status == "ready" and lesson.duration == 2 and lesson.poster
    assert lesson.media.name.startswith(f"uploads/video/{mentor.pk}/")
    assert Course.objects.get().instructors.get() == mentor

    # The upload survives a reload, and the video player shows up with its poster
    page.reload()
    expect(page.locator("#media-status video")).to_have_attribute("poster", re.compile("/files/d/"))
    assert_page_basics(page, "teach-lesson-ready")

    # The course details page: the form, the cover uploader and "Submit for review"
    page.get_by_role("link", name="Shapes and colours").click()
    page.get_by_role("link", name="Details").click()
    expect(page.get_by_role("button", name="Submit for review")).to_be_visible()
    assert_page_basics(page, "teach-course-details")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messages")).to_contain_text("Submitted for review")

    # Staff publish it from the review page, confirming the dialog
    sign_out(page)
    staff = UserFactory(roles=("Admin",), is_staff=True)
    sign_in(page, base, staff.email, PASSWORD)
    page.goto(f"{base}/courses/teach/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses to review")
    assert_page_basics(page, "teach-review")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish Shapes and colours").click()
    expect(page.locator(".messages")).to_contain_text("Course published")
    expect(page.locator("main")).to_contain_text("Nothing to review")
    assert Course.objects.get().status == "published"


def test_media_status_refreshes_by_itself_while_processing(page: Page, live_server) -> None:
    mentor = UserFactory(roles=("Mentor",))
    course = authoring.course_create(user=mentor, title="Polling")
    module = authoring.module_create(user=mentor, course=course, title="M")
    lesson = authoring.lesson_create(user=mentor, module=module, title="Talk", kind="audio")
    Lesson.objects.filter(pk=lesson.pk).update(
        media="courses/media/talk.mp3", media_status="processing"
    )
    sign_in(page, live_server.url, mentor.email, PASSWORD)

    page.goto(f"{live_server.url}/courses/teach/lessons/{lesson.pk}/")
    status = page.locator("#media-status")
    expect(status).to_contain_text("Processing")
    expect(status).to_have_attribute("hx-trigger", "every 3s")

    # the job finishes in the background: the panel follows without a reload
    Lesson.objects.filter(pk=lesson.pk).update(media_status="ready", duration=42)
    expect(status).to_contain_text("Ready", timeout=10_000)
    expect(status).to_contain_text("42 seconds")
    expect(status).not_to_have_attribute("hx-trigger", "every 3s")
