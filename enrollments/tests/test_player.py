"""The lesson player page: media with captions, transcript, narration, resources, navigation,
mark complete (plain form and htmx), locked states and a query budget."""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.models import Lesson, Resource
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from enrollments.models import Enrollment, LessonProgress
from enrollments.tests.factories import EnrollmentFactory
from mediatools.captions import Cue, to_vtt

pytestmark = pytest.mark.django_db

CUES = [
    Cue(0.0, 1.5, "Welcome to the course."),
    Cue(1.5, 3.0, "Variables hold <values> & names."),
    Cue(3.0, 4.5, "Let us begin."),
]


def _save(name: str, data: bytes) -> str:
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


@pytest.fixture
def course(db):
    """Two modules: a video (captions), a text lesson (narration), a file lesson, a later one."""
    course = CourseFactory(title="Python basics", language="en")
    first = ModuleFactory(course=course, order=0, title="Getting started")
    second = ModuleFactory(course=course, order=1, title="Going further")
    video = LessonFactory(
        module=first,
        order=0,
        title="Welcome video",
        kind=Lesson.Kind.VIDEO,
        media=_save("courses/media/player-test.webm", b"\x1aE\xdf\xa3video"),
        captions=_save("courses/media/player-test.vtt", to_vtt(CUES).encode()),
        transcript="Welcome to the course.",
        duration=5,
    )
    text = LessonFactory(
        module=first,
        order=1,
        title="Reading",
        content="## Notes\n\nSome **bold** text <script>alert(1)</script>",
        narration=_save("courses/media/player-test.mp3", b"ID3 narration"),
    )
    files = LessonFactory(module=first, order=2, title="Downloads", kind=Lesson.Kind.FILE)
    Resource.objects.create(
        lesson=files, title="Cheat sheet", file=_save("courses/resources/sheet.pdf", b"%PDF-1.4")
    )
    later = LessonFactory(
        module=second,
        order=0,
        title="Coming soon",
        release=Lesson.Release.ON_DATE,
        release_date=timezone.now() + timedelta(days=2),
    )
    optional = LessonFactory(module=second, order=1, title="Extra", is_required=False)
    course.lessons_by_name = {
        "video": video,
        "text": text,
        "files": files,
        "later": later,
        "optional": optional,
    }
    return course


@pytest.fixture
def enrolled(course, student):
    EnrollmentFactory(user=student, course=course)
    return student


def _url(course, lesson) -> str:
    return f"/courses/{course.slug}/lessons/{lesson.pk}/"


def test_player_video_lesson_has_captions_transcript_and_breadcrumbs(client, course, enrolled):
    client.force_login(enrolled)
    video = course.lessons_by_name["video"]

    response = client.get(_url(course, video))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-label="Breadcrumb"' in html
    assert re.search(r"Python basics</a>.*Getting started.*Welcome video", html, re.S)
    assert "<video" in html
    assert re.search(
        r'<track kind="captions" src="/courses/media/[^"]+" srclang="en"[^>]*default>', html
    )
    # Transcript cues, parsed server-side and escaped.
    assert html.count('class="transcript__cue"') == 3
    assert 'data-start="1.500"' in html
    assert "Variables hold &lt;values&gt; &amp; names." in html
    assert 'id="transcript-filter"' in html
    # Player data for the script: progress endpoint and resume position.
    assert f'data-progress-url="/api/v1/lessons/{video.pk}/progress/"' in html
    assert 'data-resume="0.000"' in html
    assert "js/player.js" in html
    assert "<script>" not in html  # CSP: no inline scripts


def test_player_resumes_at_saved_position_and_remembers_last_lesson(client, course, enrolled):
    video = course.lessons_by_name["video"]
    enrollment = Enrollment.objects.get(user=enrolled)
    LessonProgress.objects.create(enrollment=enrollment, lesson=video, position_seconds=3.25)
    client.force_login(enrolled)

    html = client.get(_url(course, video)).content.decode()

    assert 'data-resume="3.250"' in html
    enrollment.refresh_from_db()
    assert enrollment.last_lesson == video
    assert enrollment.last_viewed_at is not None


def test_player_text_lesson_renders_markdown_safely_with_narration(client, course, enrolled):
    client.force_login(enrolled)
    html = client.get(_url(course, course.lessons_by_name["text"])).content.decode()

    assert "<strong>bold</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert re.search(r'<audio class="narration__audio"[^>]*src="/courses/media/', html)


def test_player_file_lesson_lists_signed_downloads(client, course, enrolled):
    client.force_login(enrolled)
    html = client.get(_url(course, course.lessons_by_name["files"])).content.decode()

    link = re.search(
        r'<a href="(/courses/media/[^"]+)" download="Cheat sheet.pdf">Cheat sheet</a>', html
    )
    assert link
    download = client.get(link.group(1))
    assert download.status_code == 200
    assert 'filename="Cheat sheet.pdf"' in download["Content-Disposition"]


def test_player_previous_next_and_outline(client, course, enrolled):
    client.force_login(enrolled)
    lessons = course.lessons_by_name
    html = client.get(_url(course, lessons["text"])).content.decode()

    assert f'href="{_url(course, lessons["video"])}" rel="prev"' in html
    assert f'href="{_url(course, lessons["files"])}" rel="next"' in html
    assert len(re.findall(r"class=\"outline__lesson[ \"]", html)) == 5
    assert 'aria-current="page">Reading</a>' in html
    assert "opens " in html  # the later lesson shows its date in the outline


def test_player_outline_ticks_completed_lessons(client, course, enrolled):
    enrollment = Enrollment.objects.get(user=enrolled)
    video = course.lessons_by_name["video"]
    LessonProgress.objects.create(enrollment=enrollment, lesson=video, completed_at=timezone.now())
    client.force_login(enrolled)

    html = client.get(_url(course, course.lessons_by_name["text"])).content.decode()

    assert f'id="tick-{video.pk}" class="outline__state outline__state--done"' in html


def test_mark_complete_form_redirects_back_with_progress(client, course, enrolled):
    client.force_login(enrolled)
    video = course.lessons_by_name["video"]
    html = client.get(_url(course, video)).content.decode()
    assert "Mark complete" in html

    response = client.post(f"{_url(course, video)}complete/", follow=True)

    assert response.redirect_chain[-1][0] == _url(course, video)
    html = response.content.decode()
    assert "You completed this lesson." in html
    assert "Lesson marked as complete." in html
    enrollment = Enrollment.objects.get(user=enrolled)
    assert enrollment.progress_percent == 25  # 1 of 4 required lessons
    assert 'aria-valuenow="25"' in html


def test_mark_complete_with_htmx_returns_the_panels(client, course, enrolled):
    client.force_login(enrolled)
    video = course.lessons_by_name["video"]

    response = client.post(f"{_url(course, video)}complete/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="complete-panel"' in html
    assert 'id="course-progress" hx-swap-oob="true"' in html
    assert f'id="tick-{video.pk}"' in html and 'hx-swap-oob="true"' in html


def test_mark_complete_without_enrollment_is_refused(client, course, mentor):
    course.instructors.add(mentor)
    client.force_login(mentor)
    video = course.lessons_by_name["video"]

    html = client.get(_url(course, video)).content.decode()
    assert "Mark complete" not in html  # instructors preview without tracking
    response = client.post(f"{_url(course, video)}complete/", follow=True)
    assert "Enroll in this course" in response.content.decode()
    assert not LessonProgress.objects.exists()


def test_locked_lesson_explains_why(client, course, enrolled):
    client.force_login(enrolled)
    response = client.get(_url(course, course.lessons_by_name["later"]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "This lesson is locked" in html
    assert "It opens on" in html


def test_locked_lesson_offers_enrollment(client, course):
    outsider = UserFactory()
    client.force_login(outsider)
    response = client.get(_url(course, course.lessons_by_name["video"]))
    assert response.status_code == 403
    html = response.content.decode()
    assert f'action="/learning/courses/{course.slug}/enroll/"' in html
    assert "/courses/media/" not in html


def test_locked_lesson_asks_anonymous_visitors_to_sign_in(client, course):
    response = client.get(_url(course, course.lessons_by_name["video"]))
    assert response.status_code == 403
    assert "/accounts/login/?next=" in response.content.decode()


def test_player_lesson_of_another_course_slug_is_not_found(client, course, enrolled):
    client.force_login(enrolled)
    other = CourseFactory()
    assert client.get(_url(other, course.lessons_by_name["video"])).status_code == 404


def test_player_query_count_does_not_grow_with_the_outline(
    client, course, enrolled, django_assert_max_num_queries
):
    client.force_login(enrolled)
    video = course.lessons_by_name["video"]
    client.get(_url(course, video))  # warm caches (captions, session)
    with django_assert_max_num_queries(20) as small:
        client.get(_url(course, video))
    # Ten more modules of ten lessons, with progress on many of them.
    enrollment = Enrollment.objects.get(user=enrolled)
    for m in range(10):
        module = ModuleFactory(course=course, order=10 + m)
        for n in range(10):
            lesson = LessonFactory(module=module, order=n)
            if n % 2:
                LessonProgress.objects.create(enrollment=enrollment, lesson=lesson)
    with django_assert_max_num_queries(len(small)) as big:
        response = client.get(_url(course, video))
    assert len(re.findall(r"class=\"outline__lesson[ \"]", response.content.decode())) == 105
    assert len(big) == len(small)
