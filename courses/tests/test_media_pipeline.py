"""The media pipeline with the real tools: ffmpeg/ffprobe for duration and poster, espeak-ng
for speech and narration, pocketsphinx for captions, Pillow for WebP thumbnails. Celery runs
eagerly; the jobs run when the transaction's on-commit callbacks do."""

import subprocess
import time
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from community.services import moderation_item_decide
from courses import jobs as course_jobs
from courses.models import Lesson
from courses.moderation import course_describe
from courses.selectors.catalogue import course_thumbnail_url
from courses.services import authoring, media
from files.tests.samples import MP4, png_bytes
from jobs.models import ProcessingJob
from kalpla.integrations.aws import client as aws_client
from kalpla.integrations.rekognition import ModerationResult
from kalpla.testing.tools import require_tool
from mediatools.captions import parse_vtt
from moderation import analysis
from moderation.models import ModerationItem

pytestmark = pytest.mark.django_db

SPOKEN = "Welcome to the course. Today we learn about computers and numbers."


@pytest.fixture
def storage(settings, tmp_path):
    """Fresh private and public file storage for each test."""
    settings.AWS_STORAGE_BUCKET_NAME = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "public": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "public"), "base_url": "/media/public/"},
        },
    }
    return storages["default"]


@pytest.fixture
def tools():
    require_tool("ffmpeg")
    require_tool("ffprobe")
    require_tool("espeak-ng")


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-y", "-v", "error", *args], check=True)


@pytest.fixture
def speech_wav(tools, tmp_path) -> Path:
    """A lecturer's voice: SPOKEN read by espeak-ng (about 4 s)."""
    path = tmp_path / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(path), SPOKEN], check=True)
    return path


@pytest.fixture
def lecture_mp4(speech_wav, tmp_path) -> bytes:
    """A small MP4: 320x240 test pattern with the spoken track."""
    path = tmp_path / "lecture.mp4"
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc=size=320x240:rate=15"),
        *("-i", str(speech_wav)),
        *("-c:v", "mpeg4", "-c:a", "aac", "-shortest", str(path)),
    )
    return path.read_bytes()


@pytest.fixture
def lecture_mp3(speech_wav, tmp_path) -> bytes:
    path = tmp_path / "lecture.mp3"
    ffmpeg("-i", str(speech_wav), "-acodec", "libmp3lame", "-b:a", "64k", str(path))
    return path.read_bytes()


@pytest.fixture
def course(mentor):
    course = authoring.course_create(user=mentor, title="Numbers")
    authoring.module_create(user=mentor, course=course, title="Week 1")
    return course


def new_lesson(mentor, course, kind: str, **fields) -> Lesson:
    return authoring.lesson_create(
        user=mentor, module=course.modules.get(), title=f"A {kind} lesson", kind=kind, **fields
    )


def latest_job(kind: str) -> ProcessingJob:
    return ProcessingJob.objects.filter(kind=kind).latest("id")


# --- video and audio --------------------------------------------------------------------------


def test_video_upload_gives_duration_poster_captions_and_transcript(
    storage, mentor, course, lecture_mp4, django_capture_on_commit_callbacks
):
    lesson = new_lesson(mentor, course, "video")

    # when a mentor uploads a video
    with django_capture_on_commit_callbacks(execute=True):
        media.lesson_media_upload(
            user=mentor,
            lesson=lesson,
            file=SimpleUploadedFile("lecture.mp4", lecture_mp4, "video/mp4"),
        )

    # then the job has filled in the lesson
    lesson.refresh_from_db()
    job = latest_job(media.LESSON_MEDIA_JOB)
    assert job.status == ProcessingJob.Status.SUCCEEDED, job.error
    assert lesson.media_status == Lesson.MediaStatus.READY
    assert 3 <= lesson.duration <= 6
    course.refresh_from_db()
    assert course.estimated_duration == lesson.duration
    with storage.open(lesson.poster.name) as poster, Image.open(poster) as image:
        assert (image.format, image.size) == ("JPEG", (320, 240))
    with storage.open(lesson.captions.name) as vtt:
        cues = parse_vtt(vtt.read().decode())
    assert cues and all(cue.end > cue.start for cue in cues)
    assert lesson.transcript and lesson.transcript.split()
    assert job.result["quality"] == "rough (offline pocketsphinx)"
    print(f"\npocketsphinx heard: {lesson.transcript!r}")


def test_audio_upload_gives_duration_and_captions_without_a_poster(
    storage, mentor, course, lecture_mp3, django_capture_on_commit_callbacks
):
    lesson = new_lesson(mentor, course, "audio")

    with django_capture_on_commit_callbacks(execute=True):
        media.lesson_media_upload(
            user=mentor,
            lesson=lesson,
            file=SimpleUploadedFile("talk.mp3", lecture_mp3, "audio/mpeg"),
        )

    lesson.refresh_from_db()
    assert lesson.media_status == Lesson.MediaStatus.READY, latest_job(media.LESSON_MEDIA_JOB).error
    assert lesson.duration >= 3 and not lesson.poster
    assert lesson.captions.name == f"{lesson.media.name}.en.vtt"
    assert storage.exists(lesson.captions.name)


def test_rerun_is_idempotent_and_keeps_one_set_of_outputs(
    storage, mentor, course, lecture_mp3, django_capture_on_commit_callbacks
):
    lesson = new_lesson(mentor, course, "audio")
    with django_capture_on_commit_callbacks(execute=True):
        media.lesson_media_upload(
            user=mentor, lesson=lesson, file=SimpleUploadedFile("t.mp3", lecture_mp3, "audio/mpeg")
        )
    lesson.refresh_from_db()
    first_captions = lesson.captions.name
    files_before = sorted(storage.listdir("courses/media")[1])

    with django_capture_on_commit_callbacks(execute=True):
        job = media.lesson_job_rerun(user=mentor, lesson=lesson, which="media")

    job.refresh_from_db()
    lesson.refresh_from_db()
    assert job.status == ProcessingJob.Status.SUCCEEDED and job.attempts == 1
    assert ProcessingJob.objects.filter(kind=media.LESSON_MEDIA_JOB).count() == 1
    assert lesson.captions.name == first_captions and lesson.media_status == "ready"
    assert sorted(storage.listdir("courses/media")[1]) == files_before


def test_a_broken_video_fails_with_the_error_shown_on_the_editor(
    client, storage, tools, mentor, course, django_capture_on_commit_callbacks
):
    lesson = new_lesson(mentor, course, "video")

    # an MP4 header with nothing playable behind it passes the upload check, not ffprobe
    with django_capture_on_commit_callbacks(execute=True):
        media.lesson_media_upload(
            user=mentor, lesson=lesson, file=SimpleUploadedFile("x.mp4", MP4, "video/mp4")
        )

    lesson.refresh_from_db()
    job = latest_job(media.LESSON_MEDIA_JOB)
    assert lesson.media_status == Lesson.MediaStatus.FAILED
    assert job.status == ProcessingJob.Status.FAILED and "ffprobe failed" in job.error
    client.force_login(mentor)
    status = client.get(reverse("courses:teach_media_status", args=[lesson.pk])).content.decode()
    assert "Processing failed" in status and "ffprobe failed" in status
    assert "hx-trigger" not in status  # no polling once it is over
    assert "Run captions again" in status


def test_a_job_for_a_replaced_upload_changes_nothing(
    storage, tools, mentor, course, lecture_mp3, django_capture_on_commit_callbacks
):
    lesson = new_lesson(mentor, course, "audio")
    with django_capture_on_commit_callbacks(execute=False):
        media.lesson_media_upload(
            user=mentor, lesson=lesson, file=SimpleUploadedFile("a.mp3", lecture_mp3, "audio/mpeg")
        )
    stale = latest_job(media.LESSON_MEDIA_JOB)
    Lesson.objects.filter(pk=lesson.pk).update(media="courses/media/newer.mp3")

    assert course_jobs.lesson_media_job(stale) == {
        "superseded": True,
        "media": stale.params["media"],
    }
    lesson.refresh_from_db()
    assert lesson.duration == 0 and lesson.media_status == "processing"


def test_captions_in_a_language_without_a_local_model_leave_the_media_ready(
    storage, mentor, lecture_mp3, django_capture_on_commit_callbacks
):
    course = authoring.course_create(user=mentor, title="हिंदी", language="hi")
    authoring.module_create(user=mentor, course=course, title="M")
    lesson = new_lesson(mentor, course, "audio")

    with django_capture_on_commit_callbacks(execute=True):
        media.lesson_media_upload(
            user=mentor, lesson=lesson, file=SimpleUploadedFile("a.mp3", lecture_mp3, "audio/mpeg")
        )

    lesson.refresh_from_db()
    job = latest_job(media.LESSON_MEDIA_JOB)
    assert lesson.media_status == "ready" and lesson.duration >= 3 and not lesson.captions
    assert job.result["captions_note"] == "no local speech model for hi"


# --- narration --------------------------------------------------------------------------------


def test_text_lessons_are_narrated_and_renarrated_when_the_text_changes(
    storage, tools, mentor, course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lesson = new_lesson(mentor, course, "text", content="# Hello\n\nThis is **lesson one**.")
    lesson.refresh_from_db()
    first = lesson.narration.name
    assert lesson.media_status == "ready" and first.endswith((".mp3", ".wav"))
    assert storage.size(first) > 1000

    with django_capture_on_commit_callbacks(execute=True):
        authoring.lesson_update(user=mentor, lesson=lesson, data={"content": "Now it is longer."})
    lesson.refresh_from_db()
    assert lesson.narration.name != first and storage.exists(lesson.narration.name)
    assert not storage.exists(first)  # the old narration is gone

    with django_capture_on_commit_callbacks(execute=True):
        authoring.lesson_update(user=mentor, lesson=lesson, data={"content": ""})
    lesson.refresh_from_db()
    assert not lesson.narration and lesson.media_status == "none"


def test_narration_text_drops_the_markup():
    assert media.narration_text("# Title\n\n* one\n* two [link](http://x) & <b>bold</b>") == (
        "Title one two link & bold"
    )


# --- covers -----------------------------------------------------------------------------------


def _queue_item(course) -> ModerationItem:
    return ModerationItem.objects.get(
        object_id=str(course.pk), status=ModerationItem.Status.PENDING
    )


def _upload(mentor, course, capture, name="a.png", size=(640, 360)) -> None:
    with capture(execute=True):
        media.course_cover_upload(
            user=mentor, course=course, file=SimpleUploadedFile(name, png_bytes(size), "image/png")
        )
    course.refresh_from_db()


def _decide(moderator, course, capture, action: str) -> None:
    with capture(execute=True):
        moderation_item_decide(item=_queue_item(course), by=moderator, action=action)
    course.refresh_from_db()


def test_unchecked_cover_waits_for_a_moderator_before_going_public(
    storage, mentor, moderator, course, django_capture_on_commit_callbacks
):
    # given: a course with a cleared cover
    capture = django_capture_on_commit_callbacks
    _upload(mentor, course, capture)
    _decide(moderator, course, capture, "approve")
    first_cover, first_thumbnails = course.cover.name, dict(course.thumbnails)
    assert first_cover and set(first_thumbnails) == {"320", "640", "1280"}

    # when: a new cover arrives that the (local) image check cannot clear
    _upload(mentor, course, capture, "b.png", (1600, 1000))

    # then: the public still sees the previous cover; the new one waits, privately
    assert (course.cover.name, course.thumbnails) == (first_cover, first_thumbnails)
    assert course.cover_pending.name.startswith("courses/pending-covers/")
    assert course_thumbnail_url(course) == storages["public"].url(first_thumbnails["640"])
    item = _queue_item(course)
    assert item.reason == ModerationItem.Reason.IMAGE_UNCHECKED
    assert course_describe(course).image_url  # the moderator judges the new one

    # when: a moderator keeps it, it replaces the old cover and gets thumbnails
    pending = course.cover_pending.name
    _decide(moderator, course, capture, "approve")
    public = storages["public"]
    assert (course.cover.name, course.cover_pending.name) == (pending, "")
    for label, size in media.THUMBNAIL_SIZES.items():
        with public.open(course.thumbnails[label]) as handle:
            data = handle.read()
        with Image.open(BytesIO(data)) as image:
            assert (image.format, image.size) == ("WEBP", size)
    assert not any(public.exists(name) for name in first_thumbnails.values())
    assert not storage.exists(first_cover)


def test_hidden_pending_cover_is_discarded_and_the_old_one_stays(
    storage, mentor, moderator, course, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _upload(mentor, course, capture)
    _decide(moderator, course, capture, "approve")
    _upload(mentor, course, capture, "b.png")
    kept, pending = course.cover.name, course.cover_pending.name

    _decide(moderator, course, capture, "hide")

    assert (course.cover.name, course.cover_pending.name) == (kept, "")
    assert course.thumbnails and storage.exists(kept) and not storage.exists(pending)


def test_cover_the_image_check_clears_goes_up_at_once(
    storage, mentor, course, monkeypatch, django_capture_on_commit_callbacks
):
    class CleanAnalyzer:  # stands in for Rekognition answering "nothing unsafe"
        def moderation_labels(self, image: bytes) -> ModerationResult:
            return ModerationResult(available=True, unsafe=False)

    monkeypatch.setattr(analysis, "get_image_analyzer", CleanAnalyzer)
    with django_capture_on_commit_callbacks(execute=True):
        media.course_cover_upload(
            user=mentor, course=course, file=SimpleUploadedFile("a.png", png_bytes(), "image/png")
        )

    course.refresh_from_db()
    assert course.cover and not course.cover_pending
    assert set(course.thumbnails) == {"320", "640", "1280"}
    assert not ModerationItem.objects.filter(object_id=str(course.pk)).exists()


def test_thumbnail_job_for_an_old_cover_is_a_no_op(storage, mentor, course):
    storage.save("courses/covers/old.png", ContentFile(png_bytes()))
    job = ProcessingJob.objects.create(
        kind=media.COVER_JOB,
        key="cover-test",
        content_type_id=None,
        object_id=str(course.pk),
        params={"cover": "courses/covers/old.png"},
    )

    assert course_jobs.course_cover_thumbnails_job(job) == {"superseded": True}


# --- the status panel -------------------------------------------------------------------------


def test_status_panel_polls_while_processing_and_stops_when_ready(
    client, storage, mentor, course, lecture_mp3, django_capture_on_commit_callbacks
):
    lesson = new_lesson(mentor, course, "audio")
    client.force_login(mentor)
    url = reverse("courses:teach_media_status", args=[lesson.pk])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        media.lesson_media_upload(
            user=mentor, lesson=lesson, file=SimpleUploadedFile("a.mp3", lecture_mp3, "audio/mpeg")
        )
    processing = client.get(url).content.decode()
    assert 'hx-trigger="every 3s"' in processing and "Processing" in processing
    for callback in callbacks:
        callback()
    ready = client.get(url).content.decode()
    assert "hx-trigger" not in ready and "Ready" in ready and "<audio" in ready


@pytest.mark.usefixtures("s3_media")
def test_pipeline_reads_media_from_s3(
    tools, settings, mentor, course, lecture_mp4, django_capture_on_commit_callbacks
):
    settings.KALPLA_AI_BACKEND = "local"  # storage on S3 (moto), speech tools on this machine
    lesson = new_lesson(mentor, course, "video")

    with django_capture_on_commit_callbacks(execute=True):
        media.lesson_media_upload(
            user=mentor, lesson=lesson, file=SimpleUploadedFile("l.mp4", lecture_mp4, "video/mp4")
        )

    lesson.refresh_from_db()
    assert lesson.media_status == "ready", latest_job(media.LESSON_MEDIA_JOB).error
    assert lesson.duration >= 3
    bucket = aws_client("s3")
    keys = {
        o["Key"]
        for o in bucket.list_objects_v2(Bucket=settings.AWS_STORAGE_BUCKET_NAME)["Contents"]
    }
    assert {lesson.media.name, lesson.poster.name, lesson.captions.name} <= keys


@pytest.mark.django_db(transaction=True)
def test_media_job_runs_on_a_real_worker(celery_worker, storage, tools, mentor, lecture_mp3):
    course = authoring.course_create(user=mentor, title="Worker")
    authoring.module_create(user=mentor, course=course, title="M")
    lesson = new_lesson(mentor, course, "audio")

    # the upload commits, and the job goes through Redis to the worker
    media.lesson_media_upload(
        user=mentor, lesson=lesson, file=SimpleUploadedFile("w.mp3", lecture_mp3, "audio/mpeg")
    )
    deadline = time.monotonic() + 90
    while Lesson.objects.get(pk=lesson.pk).media_status == "processing":
        assert time.monotonic() < deadline, "the worker did not finish the media job"
        time.sleep(0.2)

    lesson.refresh_from_db()
    assert lesson.media_status == "ready" and lesson.duration >= 3 and lesson.captions


def test_course_editor_says_the_new_cover_waits_for_review(
    client, storage, mentor, course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        media.course_cover_upload(
            user=mentor, course=course, file=SimpleUploadedFile("a.png", png_bytes(), "image/png")
        )
    client.force_login(mentor)

    html = client.get(reverse("courses:teach_course", args=[course.slug])).content.decode()

    assert 'id="cover-pending"' in html and "waits for a moderator" in html
    assert "No cover yet" in html  # the public still sees none


# --- captions: draft, no speech, the mentor's own file -----------------------------------------

SRT = (
    "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello & welcome\r\n\r\n"
    "2\r\n00:00:03,000 --> 00:00:04,000\r\nSecond line\r\n"
)


@pytest.fixture
def silent_mp3(tools, tmp_path) -> bytes:
    path = tmp_path / "silence.mp3"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "3", "-acodec", "libmp3lame",
           str(path))  # fmt: skip
    return path.read_bytes()


def _upload_media(mentor, lesson, data, capture) -> Lesson:
    with capture(execute=True):
        media.lesson_media_upload(
            user=mentor, lesson=lesson, file=SimpleUploadedFile("a.mp3", data, "audio/mpeg")
        )
    lesson.refresh_from_db()
    return lesson


def _status(client, lesson) -> str:
    return client.get(reverse("courses:teach_media_status", args=[lesson.pk])).content.decode()


def test_silent_media_says_no_speech_found_not_ready_captions(
    client, storage, mentor, course, silent_mp3, django_capture_on_commit_callbacks
):
    lesson = _upload_media(
        mentor, new_lesson(mentor, course, "audio"), silent_mp3, django_capture_on_commit_callbacks
    )
    client.force_login(mentor)

    assert lesson.media_status == Lesson.MediaStatus.READY
    assert lesson.captions_state == Lesson.CaptionsState.NO_SPEECH
    assert not lesson.captions and lesson.transcript == ""
    panel = _status(client, lesson)
    assert "No speech found" in panel and "Reviewed" not in panel
    page = client.get(reverse("courses:teach_lesson", args=[lesson.pk])).content.decode()
    assert 'id="captions-no-speech"' in page and 'id="captions-upload"' in page


def test_automatic_captions_are_a_draft_with_the_editor_one_click_away(
    client, storage, mentor, course, lecture_mp3, django_capture_on_commit_callbacks
):
    lesson = _upload_media(
        mentor, new_lesson(mentor, course, "audio"), lecture_mp3, django_capture_on_commit_callbacks
    )
    client.force_login(mentor)

    assert lesson.captions and lesson.captions_state == Lesson.CaptionsState.DRAFT
    panel = _status(client, lesson)
    assert "Automatic draft" in panel and 'href="#captions"' in panel
    page = client.get(reverse("courses:teach_lesson", args=[lesson.pk])).content.decode()
    assert 'id="captions-draft"' in page

    # the mentor reads them through and saves: reviewed
    vtt = media.lesson_captions_read(lesson=lesson)
    response = client.post(reverse("courses:teach_captions", args=[lesson.pk]), {"vtt": vtt})
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.captions_state == Lesson.CaptionsState.REVIEWED
    assert "Reviewed" in _status(client, lesson)


@pytest.fixture
def audio_lesson(storage, mentor, course, lecture_mp3, django_capture_on_commit_callbacks):
    lesson = new_lesson(mentor, course, "audio")
    with django_capture_on_commit_callbacks(execute=False):  # no transcription needed here
        media.lesson_media_upload(
            user=mentor, lesson=lesson, file=SimpleUploadedFile("a.mp3", lecture_mp3, "audio/mpeg")
        )
    lesson.refresh_from_db()
    return lesson


def _post_captions(client, lesson, name: str, data: bytes):
    return client.post(
        reverse("courses:teach_captions_upload", args=[lesson.pk]),
        {"file": SimpleUploadedFile(name, data, "application/octet-stream")},
    )


def test_mentor_uploads_srt_which_becomes_reviewed_webvtt(client, mentor, audio_lesson):
    client.force_login(mentor)

    response = _post_captions(client, audio_lesson, "mine.srt", ("\ufeff" + SRT).encode())

    assert response.status_code == 302
    audio_lesson.refresh_from_db()
    assert audio_lesson.captions_state == Lesson.CaptionsState.REVIEWED
    vtt = media.lesson_captions_read(lesson=audio_lesson)
    assert vtt.startswith("WEBVTT")
    cues = parse_vtt(vtt)
    assert [(c.start, c.end, c.text) for c in cues] == [
        (1.0, 2.5, "Hello & welcome"),
        (3.0, 4.0, "Second line"),
    ]
    assert audio_lesson.transcript == "Hello & welcome Second line"


def test_mentor_uploads_vtt(client, mentor, audio_lesson):
    client.force_login(mentor)
    vtt = b"WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nOwn words\n"

    assert _post_captions(client, audio_lesson, "mine.vtt", vtt).status_code == 302

    audio_lesson.refresh_from_db()
    assert audio_lesson.transcript == "Own words"


@pytest.mark.parametrize(
    "data",
    [
        b"this is not a caption file",
        b"",
        b"WEBVTT\n\nno cues here\n",
        b"1\n00:00:01,000 -> broken\nHi\n",
        "1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9\n".encode("latin-1"),
        b"\x89PNG\r\n\x1a\n\x00\x00",
    ],
)
def test_garbage_caption_files_get_a_form_error(client, mentor, audio_lesson, data):
    client.force_login(mentor)
    before = media.lesson_captions_read(lesson=audio_lesson)

    response = _post_captions(client, audio_lesson, "bad.srt", data)

    assert response.status_code == 400
    form = response.context["captions_upload_form"]
    assert form.errors["file"]
    audio_lesson.refresh_from_db()
    assert media.lesson_captions_read(lesson=audio_lesson) == before
    assert audio_lesson.captions_state == Lesson.CaptionsState.NONE


def test_status_poll_brings_the_remove_button_and_captions_editor_when_processing_ends(
    client, storage, mentor, course
):
    lesson = new_lesson(mentor, course, "audio")
    Lesson.objects.filter(pk=lesson.pk).update(
        media="courses/media/talk.mp3", media_status="processing"
    )
    client.force_login(mentor)
    url = reverse("courses:teach_media_status", args=[lesson.pk])

    processing = client.get(url).content.decode()
    assert '<div id="media-remove" hx-swap-oob="true">' in processing
    assert "Remove file" in processing
    assert "captions-slot" not in processing  # nothing to edit yet; a poll keeps edits alone

    Lesson.objects.filter(pk=lesson.pk).update(
        media_status="ready", captions="courses/media/talk.en.vtt", captions_state="draft"
    )
    ready = client.get(url).content.decode()
    assert 'id="captions-slot" class="teach-slot" hx-swap-oob="true"' in ready
    assert 'name="vtt"' in ready and 'id="captions-upload"' in ready
