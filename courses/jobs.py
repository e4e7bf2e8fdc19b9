"""The courses app's job handlers (declared in CoursesConfig.ready, run by the jobs app).

See courses.services.media for the design of the media jobs.
"""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from io import BytesIO
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage, storages
from PIL import Image, ImageOps

from courses.cache import course_card_updated
from courses.models import Course, Lesson, Review
from courses.services.authoring import course_duration_refresh
from courses.services.changes import course_changed
from courses.services.media import (
    COPY_CHUNK,
    THUMBNAIL_SIZES,
    WEBP_QUALITY,
    course_cover_promote,
    file_store,
    narration_digest,
    narration_text,
    thumbnail_names,
)
from courses.services.reviews import review_text_digest
from jobs.models import ProcessingJob
from jobs.runs import JOB_RETRY
from jobs.services import job_set_external_id
from kalpla.integrations.base import (
    CapabilityUnavailable,
    IntegrationError,
    JobNotReady,
    TransientIntegrationError,
)
from mediatools import tools as media
from mediatools.speech import (
    speech_synthesize,
    transcription_job_name,
    transcription_output_names,
    transcription_run,
)
from moderation.analysis import image_analyze, text_analyze


@contextmanager
def _local_file(name: str) -> Iterator[Path]:
    """A path ffmpeg can read: the file itself on disk, else a temporary copy (S3)."""
    try:
        path = default_storage.path(name)
    except NotImplementedError:
        path = ""
    if path:
        if not Path(path).exists():
            raise ValidationError(f"The file {name} is missing from storage.")
        yield Path(path)
        return
    with tempfile.TemporaryDirectory(prefix="kalpla-lesson-") as tmp:
        local = Path(tmp) / ("source" + Path(name).suffix)
        try:
            with default_storage.open(name, "rb") as source, local.open("wb") as target:
                shutil.copyfileobj(source, target, COPY_CHUNK)
        except FileNotFoundError:
            raise ValidationError(f"The file {name} is missing from storage.") from None
        yield local


def _job_lesson(job: ProcessingJob) -> Lesson:
    lesson = (
        Lesson.objects.select_related("course").filter(pk=int(job.object_id or 0)).first()
        if job.object_id
        else None
    )
    if lesson is None:
        raise ValidationError("The lesson no longer exists.")
    return lesson


@contextmanager
def _status_follows(job: ProcessingJob, lesson: Lesson, **still: Any) -> Iterator[None]:
    """Mark the lesson failed when the job fails for good (not while it will retry).

    ``still`` are the lesson fields that must be unchanged (the same upload) for the mark.
    """
    try:
        yield
    except JobNotReady:
        raise
    except TransientIntegrationError:
        if job.attempts >= JOB_RETRY.max_attempts:  # the task gives up after this attempt
            Lesson.objects.filter(pk=lesson.pk, **still).update(media_status="failed")
        raise
    except Exception:
        Lesson.objects.filter(pk=lesson.pk, **still).update(media_status="failed")
        raise


def _record_external_id(job: ProcessingJob, external_id: str) -> None:
    job_set_external_id(job=job, external_id=external_id)


def _save_progress(job: ProcessingJob, progress: dict[str, Any]) -> None:
    job.result = progress
    ProcessingJob.objects.filter(pk=job.pk).update(result=progress)


# --- the lesson media job ---------------------------------------------------------------------


def lesson_media_job(job: ProcessingJob) -> dict[str, Any]:
    lesson = _job_lesson(job)
    name, language = job.params["media"], job.params.get("language") or lesson.course.language
    if lesson.media.name != name:
        return {"superseded": True, "media": name}
    with _status_follows(job, lesson, media=name):
        progress = _probe_step(job, lesson, name)
        progress = _captions_step(job, lesson, name, language, progress)
    Lesson.objects.filter(pk=lesson.pk, media=name).update(media_status="ready")
    course_changed(course=lesson.course)
    return progress


def _probe_step(job: ProcessingJob, lesson: Lesson, name: str) -> dict[str, Any]:
    run = transcription_job_name(job)
    if job.result.get("run") == run and job.result.get("probed"):
        return dict(job.result)  # a retry of this run (a transcription being polled)
    poster_name = ""
    with _local_file(name) as path:
        info = media.probe(path)
        if lesson.kind == Lesson.Kind.VIDEO and info.has_video:
            with tempfile.TemporaryDirectory(prefix="kalpla-poster-") as tmp:
                frame = media.poster_frame(path, Path(tmp) / "poster.jpg")
                poster_name = file_store(default_storage, f"{name}.poster.jpg", frame.read_bytes())
    duration = max(1, round(info.duration)) if info.duration > 0 else 0
    updated = Lesson.objects.filter(pk=lesson.pk, media=name).update(
        duration=duration, poster=poster_name
    )
    if updated:
        course_duration_refresh(course_id=lesson.course_id)
    progress = {
        "run": run,
        "probed": True,
        "duration": info.duration,
        "has_audio": info.has_audio,
        "has_video": info.has_video,
        "width": info.width,
        "height": info.height,
        "poster": poster_name,
    }
    _save_progress(job, progress)
    return progress


def _captions_step(
    job: ProcessingJob, lesson: Lesson, name: str, language: str, progress: dict[str, Any]
) -> dict[str, Any]:
    if not progress.get("has_audio"):
        return {**progress, "captions": "", "captions_note": "The file has no audio track."}
    job_name = transcription_job_name(job)
    known = job.external_id if job.external_id.endswith(job_name) else ""
    try:
        result = transcription_run(
            media_name=name,
            language=language,
            job_name=job_name,
            external_id=known,
            on_started=lambda external_id: _record_external_id(job, external_id),
        )
    except CapabilityUnavailable as exc:
        # The media is fine; captions cannot be made here (no model for the language).
        return {**progress, "captions": "", "captions_note": str(exc)}
    if not result.text.strip():
        # Silence or nothing the recogniser understood: say so, rather than "ready" captions
        # with no cues in them.
        Lesson.objects.filter(pk=lesson.pk, media=name).update(
            captions="", transcript="", captions_state=Lesson.CaptionsState.NO_SPEECH
        )
        return {**progress, "captions": "", "words": result.words, "no_speech": True}
    vtt_name, _text_name = transcription_output_names(media_name=name, language=language)
    file_store(default_storage, vtt_name, result.vtt.encode())
    # Automatic captions are a draft until the mentor edits or replaces them.
    Lesson.objects.filter(pk=lesson.pk, media=name).update(
        captions=vtt_name, transcript=result.text, captions_state=Lesson.CaptionsState.DRAFT
    )
    return {
        **progress,
        "captions": vtt_name,
        "words": result.words,
        "quality": result.quality,
        "external_id": result.external_id,
    }


# --- the narration job ------------------------------------------------------------------------


def lesson_narration_job(job: ProcessingJob) -> dict[str, Any]:
    lesson = _job_lesson(job)
    language = job.params.get("language") or lesson.course.language
    text = narration_text(lesson.content) if lesson.kind == Lesson.Kind.TEXT else ""
    if not text or narration_digest(text, language) != job.params["digest"]:
        return {"superseded": True}
    with _status_follows(job, lesson, content=lesson.content):
        name = speech_synthesize(
            text=text,
            language=language,
            storage_name=f"courses/narration/lesson-{lesson.pk}-{job.params['digest']}",
        )
    old = lesson.narration.name
    updated = Lesson.objects.filter(pk=lesson.pk, content=lesson.content).update(
        narration=name, media_status="ready"
    )
    if updated and old and old != name:
        with suppress(Exception):
            default_storage.delete(old)
    if updated:
        course_changed(course=lesson.course)
    return {"narration": name, "characters": len(text)}


# --- the cover job ----------------------------------------------------------------------------


def course_cover_thumbnails_job(job: ProcessingJob) -> dict[str, Any]:
    """Check a new cover (waiting in cover_pending), promote it when nothing is flagged,
    then make its thumbnails. A flagged cover waits for a moderator (course_cover_keep)."""
    course = Course.objects.filter(pk=int(job.object_id or 0)).first()
    if course is None:
        raise ValidationError("The course no longer exists.")
    cover = job.params["cover"]
    if cover not in (course.cover.name, course.cover_pending.name):
        return {"superseded": True}
    data = _read_image(cover)
    if course.cover_pending.name == cover:
        analysis = image_analyze(target=course, image_bytes=data, field="cover")
        if analysis.flagged:
            return {"waiting_for_review": True, "flagged": analysis.flagged}
        course_cover_promote(course, cover)
    return {"thumbnails": _thumbnails_make(course, cover, data)}


def _read_image(name: str) -> bytes:
    try:
        with default_storage.open(name, "rb") as handle:
            return bytes(handle.read())
    except FileNotFoundError:
        raise ValidationError(f"The file {name} is missing from storage.") from None


def _thumbnails_make(course: Course, cover: str, data: bytes) -> dict[str, str]:
    public = storages["public"]
    names = thumbnail_names(course=course, cover_name=cover)
    try:
        with Image.open(BytesIO(data)) as source:
            image = ImageOps.exif_transpose(source).convert("RGB")
    except Exception as exc:
        raise IntegrationError(f"The cover is not a readable image: {exc}") from exc
    for label, size in THUMBNAIL_SIZES.items():
        thumb = ImageOps.fit(image, size, method=Image.Resampling.LANCZOS)
        out = BytesIO()
        thumb.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
        file_store(public, names[label], out.getvalue())
    Course.objects.filter(pk=course.pk, cover=cover).update(thumbnails=names)
    course_card_updated(course_id=course.pk)
    course_changed(course=course)
    return names


def review_sentiment_job(job: ProcessingJob) -> dict[str, Any]:
    """Store the label and a score (positive minus negative, -1..1) on the review.

    A job for a text that has since been edited does nothing: the edit queued its own.
    """
    review = job.target
    if not isinstance(review, Review):
        raise ValidationError("The review no longer exists.")
    if review_text_digest(review.text) != job.params.get("digest"):
        return {"skipped": "the review was edited since"}
    # Sentiment, and toxic language or personal data put the review in the moderation queue.
    analysis = text_analyze(target=review, text=review.text, field="text")
    sentiment = analysis.sentiment
    if sentiment is None:
        return {"sentiment": "unavailable", "flagged": analysis.flagged}
    score = round(sentiment.scores.get("positive", 0.0) - sentiment.scores.get("negative", 0.0), 4)
    Review.objects.filter(pk=review.pk).update(sentiment=sentiment.label, sentiment_score=score)
    return {
        "label": sentiment.label,
        "score": score,
        "language": analysis.language.code,
        "flagged": analysis.flagged,
    }
