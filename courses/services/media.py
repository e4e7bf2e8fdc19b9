"""Course media: uploads for lessons and covers, and the jobs that process them.

Design: one job per thing that changed, each a job (jobs app) run on Celery, with the
slow services called synchronously *inside* the handler instead of chaining jobs:

- ``courses.lesson_media`` (a video/audio lesson's upload): probe the duration, grab a poster
  frame (video), then transcribe (mediatools.speech.transcription_run) into WebVTT
  captions and a plain transcript. On Amazon Transcribe the run polls and hands back with
  JobNotReady; the retry resumes the same transcription (external id) and skips the probe
  it already did in this run (progress kept in ``job.result`` under the run's stamp).
- ``courses.lesson_narration`` (a text lesson's content): speech_synthesize -> narration.
- ``courses.cover_thumbnails`` (a course cover): the image check (moderation.analysis),
  then three WebP sizes in the public storage. A new cover waits in ``cover_pending`` and is
  only promoted to ``cover`` when the check flags nothing or a moderator keeps it.

One job per lesson upload keeps the lesson's status one job's status: ``media_status`` is
processing while it runs, then ready or failed (the job's error is shown on the editor).
Jobs are keyed by the file (or text digest) they process, so asking twice returns the same
job; "re-run" is ``job_rerun``. Outputs have deterministic names and every write to the
lesson is conditional on the lesson still having the same file, so a late job for a
replaced upload changes nothing.
"""

from __future__ import annotations

import hashlib
import html
import logging
from typing import TYPE_CHECKING, Any, Literal

import markdown
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages
from django.db import transaction
from django.db.models import FileField
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from courses import policies
from courses.cache import course_card_updated
from courses.guards import AuthoringDenied, require_author, require_editor
from courses.models import Course, Lesson
from courses.services.changes import course_changed
from files.services import file_upload_confirm, file_upload_start
from files.uploads import validate_upload
from jobs.models import ProcessingJob
from jobs.services import job_enqueue, job_rerun
from kalpla.exceptions import ApplicationError
from kalpla.exceptions import ValidationError as DeclaredFileError
from kalpla.integrations.base import (
    TransientIntegrationError,
)
from kalpla.integrations.s3 import UploadForm
from mediatools.captions import CaptionError, Cue, captions_to_vtt, parse_vtt, plain_text
from mediatools.speech import transcription_output_names

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

LESSON_MEDIA_JOB = "courses.lesson_media"
NARRATION_JOB = "courses.lesson_narration"
COVER_JOB = "courses.cover_thumbnails"

UPLOAD_KINDS = ("image", "video", "audio", "document")
LESSON_UPLOAD_KINDS = {
    Lesson.Kind.VIDEO: "video",
    Lesson.Kind.AUDIO: "audio",
    Lesson.Kind.FILE: "document",
}
# Cover thumbnails: 16:9, cropped to fill, WebP in the public storage. Course.thumbnails maps
# these keys (the width in pixels) to the storage names: {"320": "courses/7/cover-...webp"}.
THUMBNAIL_SIZES: dict[str, tuple[int, int]] = {
    "320": (320, 180),
    "640": (640, 360),
    "1280": (1280, 720),
}
WEBP_QUALITY = 80
COPY_CHUNK = 1024 * 1024

JobWhich = Literal["media", "narration"]
MEDIA_FIELDS = ("media", "poster", "captions", "captions_state", "transcript", "media_status")
MAX_CAPTION_UPLOAD_BYTES = 2 * 1024 * 1024


# --- uploads ----------------------------------------------------------------------------------


def authoring_upload_start(
    *, user: User, kind: str, filename: str, content_type: str, size: int
) -> UploadForm:
    """A direct-upload form for course material (mentors and staff only).

    A refused file raises the project's ValidationError with the upload check's code
    (``file_type``, ``file_too_large``...), which the API answers with."""
    require_author(user)
    if kind not in UPLOAD_KINDS:
        raise DeclaredFileError(
            _("Unknown upload kind “%(kind)s”.") % {"kind": kind}, code="invalid_kind"
        )
    try:
        return file_upload_start(
            user=user, kind=kind, filename=filename, content_type=content_type, size=size
        )
    except ValidationError as exc:
        raise DeclaredFileError(" ".join(exc.messages), code=exc.code) from None


def lesson_upload_kind(*, lesson: Lesson) -> str:
    try:
        return LESSON_UPLOAD_KINDS[Lesson.Kind(lesson.kind)]
    except KeyError:
        raise ApplicationError(
            _("A %(kind)s lesson has no media file.") % {"kind": lesson.get_kind_display()},
            code="no_media_for_kind",
        ) from None


@transaction.atomic
def lesson_media_attach(*, user: User, lesson: Lesson, key: str) -> Lesson:
    """Adopt a direct upload (``key`` from authoring_upload_start) as the lesson's media."""
    require_editor(user, lesson.course)
    file_upload_confirm(user=user, key=key, kind=lesson_upload_kind(lesson=lesson))
    return _media_set(lesson, key)


@transaction.atomic
def lesson_media_upload(*, user: User, lesson: Lesson, file: Any) -> Lesson:
    """The no-JavaScript path: a file posted to our own server."""
    require_editor(user, lesson.course)
    info = validate_upload(file, kind=lesson_upload_kind(lesson=lesson))
    field = Lesson._meta.get_field("media")
    assert isinstance(field, FileField)
    name = default_storage.save(field.generate_filename(lesson, f"m{info.extension}"), file)
    return _media_set(lesson, name)


def _derived_names(lesson: Lesson) -> list[str]:
    return [f.name or "" for f in (lesson.media, lesson.poster, lesson.captions) if f]


def _media_set(lesson: Lesson, name: str) -> Lesson:
    old = _derived_names(lesson)
    lesson.media.name = name
    lesson.poster.name = ""
    lesson.captions.name = ""
    lesson.captions_state = Lesson.CaptionsState.NONE
    lesson.transcript = ""
    lesson.media_status = (
        Lesson.MediaStatus.READY
        if lesson.kind == Lesson.Kind.FILE
        else Lesson.MediaStatus.PROCESSING
    )
    lesson.full_clean()
    lesson.save(update_fields=[*MEDIA_FIELDS, "updated_at"])
    files_delete_later(names=[n for n in old if n != name])
    lesson_media_process_later(lesson=lesson)
    course_changed(course=lesson.course)
    return lesson


@transaction.atomic
def lesson_media_remove(*, user: User, lesson: Lesson) -> Lesson:
    require_editor(user, lesson.course)
    old = _derived_names(lesson)
    for field in (lesson.media, lesson.poster, lesson.captions):
        field.name = ""
    lesson.captions_state = Lesson.CaptionsState.NONE
    lesson.transcript = ""
    lesson.media_status = Lesson.MediaStatus.NONE
    lesson.save(update_fields=[*MEDIA_FIELDS, "updated_at"])
    files_delete_later(names=old)
    course_changed(course=lesson.course)
    return lesson


def files_delete_later(*, names: list[str], storage: Storage | None = None) -> None:
    """Delete replaced files once the change that replaced them is committed."""
    names = [n for n in names if n]
    if not names:
        return
    target = storage or default_storage

    def delete() -> None:
        for name in names:
            try:
                target.delete(name)
            except Exception:  # an orphaned file is better than a failed edit
                logger.warning("could not delete replaced file %s", name, exc_info=True)

    transaction.on_commit(delete)


# --- starting and re-running the jobs ---------------------------------------------------------


def _enqueue(*, kind: str, target: Any, params: dict[str, Any]) -> ProcessingJob:
    """The job for this work; a finished one (the same file again) runs again."""
    job = job_enqueue(kind=kind, target=target, params=params)
    if job.is_finished:
        job = job_rerun(job=job)
    return job


def lesson_media_process_later(*, lesson: Lesson) -> ProcessingJob | None:
    """Queue the media job of a video/audio lesson (nothing for other kinds)."""
    if lesson.kind not in (Lesson.Kind.VIDEO, Lesson.Kind.AUDIO) or not lesson.media:
        return None
    _set_status(lesson, Lesson.MediaStatus.PROCESSING)
    return _enqueue(
        kind=LESSON_MEDIA_JOB,
        target=lesson,
        params={"media": lesson.media.name, "language": lesson.course.language},
    )


def narration_text(content: str) -> str:
    """What a narrator reads: the Markdown's text without markup."""
    rendered = markdown.markdown(content, extensions=["extra"])
    return " ".join(html.unescape(strip_tags(rendered)).split())


def narration_digest(text: str, language: str) -> str:
    return hashlib.sha256(f"{language}\n{text}".encode()).hexdigest()[:16]


def lesson_narration_later(*, lesson: Lesson) -> ProcessingJob | None:
    """Queue narration of a text lesson's content; empty text clears the narration."""
    text = narration_text(lesson.content) if lesson.kind == Lesson.Kind.TEXT else ""
    if not text:
        old = lesson.narration.name
        Lesson.objects.filter(pk=lesson.pk).update(narration="", media_status="none")
        lesson.narration.name, lesson.media_status = "", Lesson.MediaStatus.NONE
        files_delete_later(names=[old] if old else [])
        return None
    language = lesson.course.language
    _set_status(lesson, Lesson.MediaStatus.PROCESSING)
    return _enqueue(
        kind=NARRATION_JOB,
        target=lesson,
        params={"digest": narration_digest(text, language), "language": language},
    )


def lesson_jobs_latest(*, lesson: Lesson) -> dict[str, ProcessingJob]:
    """The newest media and narration job of a lesson, by JobWhich name."""
    found: dict[str, ProcessingJob] = {}
    names = {LESSON_MEDIA_JOB: "media", NARRATION_JOB: "narration"}
    queryset = ProcessingJob.objects.filter(
        content_type__app_label="courses",
        content_type__model="lesson",
        object_id=str(lesson.pk),
        kind__in=list(names),
    ).order_by("-created_at", "-id")
    for job in queryset:
        found.setdefault(names[job.kind], job)
    return found


@transaction.atomic
def lesson_job_rerun(*, user: User, lesson: Lesson, which: JobWhich) -> ProcessingJob:
    """Run the lesson's media (captions) or narration job again from scratch."""
    require_editor(user, lesson.course)
    if which == "media":
        if lesson.kind not in (Lesson.Kind.VIDEO, Lesson.Kind.AUDIO) or not lesson.media:
            raise ApplicationError(_("Upload a video or audio file first."), code="no_media")
        job = lesson_media_process_later(lesson=lesson)
    elif which == "narration":
        if lesson.kind != Lesson.Kind.TEXT or not narration_text(lesson.content):
            raise ApplicationError(_("Only a text lesson with text is narrated."), code="no_text")
        job = lesson_narration_later(lesson=lesson)
    else:
        raise ApplicationError(_("Unknown job."), code="invalid")
    assert job is not None  # both kinds were checked above
    return job


# --- captions ---------------------------------------------------------------------------------


def _captions_name(lesson: Lesson) -> str:
    if lesson.captions.name:
        return lesson.captions.name
    if lesson.media.name:
        return transcription_output_names(
            media_name=lesson.media.name, language=lesson.course.language
        )[0]
    return f"courses/captions/lesson-{lesson.pk}.{lesson.course.language}.vtt"


@transaction.atomic
def lesson_captions_update(*, user: User, lesson: Lesson, vtt: str) -> Lesson:
    """Replace the captions with the mentor's edited WebVTT (validated); the transcript
    follows the captions' text, and the captions count as reviewed."""
    require_editor(user, lesson.course)
    try:
        cues = parse_vtt(vtt.replace("\r\n", "\n").strip() + "\n")
    except CaptionError as exc:
        raise ValidationError({"vtt": [str(exc)]}) from None
    return _captions_save(lesson, vtt.replace("\r\n", "\n").strip() + "\n", cues)


@transaction.atomic
def lesson_captions_upload(*, user: User, lesson: Lesson, file: Any) -> Lesson:
    """The mentor's own caption file, WebVTT or SubRip (converted), instead of the draft."""
    require_editor(user, lesson.course)
    lesson_upload_kind(lesson=lesson)  # only lessons with media have captions
    data = file.read(MAX_CAPTION_UPLOAD_BYTES + 1)
    if len(data) > MAX_CAPTION_UPLOAD_BYTES:
        raise ValidationError({"file": [_("A caption file may be at most 2 MB.")]})
    try:
        vtt = captions_to_vtt(data.decode("utf-8"))
    except (UnicodeDecodeError, CaptionError):
        raise ValidationError(
            {"file": [_("This is not a WebVTT (.vtt) or SubRip (.srt) caption file in UTF-8.")]}
        ) from None
    return _captions_save(lesson, vtt, parse_vtt(vtt))


def _captions_save(lesson: Lesson, vtt: str, cues: list[Cue]) -> Lesson:
    name = file_store(default_storage, _captions_name(lesson), vtt.encode())
    lesson.captions.name = name
    lesson.captions_state = Lesson.CaptionsState.REVIEWED
    lesson.transcript = plain_text(cues)
    lesson.save(update_fields=["captions", "captions_state", "transcript", "updated_at"])
    course_changed(course=lesson.course)
    return lesson


def lesson_captions_read(*, lesson: Lesson) -> str:
    """The current WebVTT text ("" without captions)."""
    if not lesson.captions.name:
        return ""
    try:
        with default_storage.open(lesson.captions.name, "rb") as handle:
            return str(handle.read().decode("utf-8", errors="replace"))
    except FileNotFoundError:
        return ""


# --- covers -----------------------------------------------------------------------------------


@transaction.atomic
def course_cover_attach(*, user: User, course: Course, key: str) -> Course:
    require_editor(user, course)
    file_upload_confirm(user=user, key=key, kind="image")
    return _cover_set(course, key)


@transaction.atomic
def course_cover_upload(*, user: User, course: Course, file: Any) -> Course:
    require_editor(user, course)
    info = validate_upload(file, kind="image")
    field = Course._meta.get_field("cover_pending")
    assert isinstance(field, FileField)
    name = default_storage.save(field.generate_filename(course, f"c{info.extension}"), file)
    return _cover_set(course, name)


def _thumbnail_names_of(course: Course) -> list[str]:
    return [n for n in (course.thumbnails or {}).values() if isinstance(n, str)]


@transaction.atomic
def course_cover_remove(*, user: User, course: Course) -> Course:
    """Take the cover down (its editors, or a moderator rejecting it); files go later.

    A cover still waiting for review goes too."""
    if not policies.course_cover_can_remove(user=user, course=course):
        raise AuthoringDenied(
            _("Only this course's instructors, staff and moderators can do this.")
        )
    old = [n for n in (course.cover.name, course.cover_pending.name) if n]
    old_thumbnails = _thumbnail_names_of(course)
    course.cover.name = ""
    course.cover_pending.name = ""
    course.thumbnails = {}
    course.save(update_fields=["cover", "cover_pending", "thumbnails", "updated_at"])
    files_delete_later(names=old)
    files_delete_later(names=old_thumbnails, storage=storages["public"])
    course_changed(course=course)
    return course


def _cover_set(course: Course, name: str) -> Course:
    """The upload waits in ``cover_pending`` while the cover job checks it; the public keeps
    seeing the current cover (or the placeholder) until the check or a moderator clears it."""
    # The stored row, not the caller's copy: a moderator may have kept the pending cover since.
    cover, old_pending = (
        Course.objects.select_for_update()
        .filter(pk=course.pk)
        .values_list("cover", "cover_pending")
        .get()
    )
    course.cover.name, course.cover_pending.name = cover, name
    course.save(update_fields=["cover_pending", "updated_at"])
    if old_pending and old_pending not in (name, cover):
        files_delete_later(names=[old_pending])
    _enqueue(kind=COVER_JOB, target=course, params={"cover": name})
    return course


@transaction.atomic
def course_cover_keep(*, course: Course, by: User) -> Course:
    """A moderator keeps the cover waiting for review: it replaces the current one."""
    locked = Course.objects.select_for_update().get(pk=course.pk)
    name = locked.cover_pending.name
    if not name:
        return locked
    course_cover_promote(locked, name)
    _enqueue(kind=COVER_JOB, target=locked, params={"cover": name})  # the thumbnails
    return locked


@transaction.atomic
def course_cover_discard(*, course: Course, by: User) -> Course:
    """A moderator hides the cover waiting for review: the current cover stays."""
    if not policies.cover_can_moderate(user=by):
        raise AuthoringDenied(_("Only moderators can do this."))
    name = course.cover_pending.name
    if name:
        Course.objects.filter(pk=course.pk, cover_pending=name).update(cover_pending="")
        course.cover_pending.name = ""
        files_delete_later(names=[name])
    return course


def course_cover_promote(course: Course, name: str) -> None:
    old_cover = course.cover.name
    old_thumbnails = _thumbnail_names_of(course)
    updated = Course.objects.filter(pk=course.pk, cover_pending=name).update(
        cover=name, cover_pending="", thumbnails={}
    )
    if not updated:
        return  # replaced by a newer upload meanwhile
    course.cover.name, course.cover_pending.name, course.thumbnails = name, "", {}
    course_card_updated(course_id=course.pk)
    files_delete_later(names=[old_cover] if old_cover and old_cover != name else [])
    files_delete_later(names=old_thumbnails, storage=storages["public"])
    course_changed(course=course)


# --- job helpers ------------------------------------------------------------------------------


def _set_status(lesson: Lesson, status: str) -> None:
    Lesson.objects.filter(pk=lesson.pk).update(media_status=status)
    lesson.media_status = status


def file_store(storage: Storage, name: str, data: bytes) -> str:
    """Write ``data`` at exactly ``name``, replacing what is there (S3 never overwrites)."""
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        storage.delete(saved)
        raise TransientIntegrationError(f"{name} was being written concurrently.")
    return name


def thumbnail_names(*, course: Course, cover_name: str) -> dict[str, str]:
    """Deterministic per cover file, so a re-run rewrites the same (identical) objects."""
    digest = hashlib.sha256(cover_name.encode()).hexdigest()[:12]
    return {label: f"courses/{course.pk}/cover-{digest}-{label}.webp" for label in THUMBNAIL_SIZES}
