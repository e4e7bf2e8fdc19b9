"""Speech services: text -> stored audio (Polly / espeak-ng), media -> captions (Transcribe /
pocketsphinx). The courses media jobs call them in the background.

Outputs go to default storage under deterministic names, so running a job twice overwrites
the same files instead of adding copies.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from jobs.models import ProcessingJob
from kalpla.integrations.base import IntegrationError, JobNotReady, TransientIntegrationError
from kalpla.integrations.polly import SpeechAudio, get_speech_synthesizer
from kalpla.integrations.transcribe import TranscriptionState, get_transcriber
from mediatools.captions import cues_from_words, plain_text, to_vtt

logger = logging.getLogger(__name__)

# How long one attempt waits for Amazon Transcribe before handing the job back to the task,
# which retries later with backoff. Kept well under the Celery soft time limit.
TRANSCRIBE_POLL_SECONDS = 120.0
TRANSCRIBE_RETRY_AFTER_SECONDS = 30.0  # between polls once a run has waited its share
TRANSCRIBE_POLL_INTERVAL_SECONDS = 5.0

AUDIO_SUFFIXES = {".mp3", ".wav"}


@dataclass(frozen=True)
class TranscriptionResult:
    vtt: str
    text: str
    words: int
    quality: str
    language: str
    external_id: str


def speech_synthesize(*, text: str, language: str, ssml: bool = False, storage_name: str) -> str:
    """Speak ``text`` and store the audio; returns the storage name.

    The extension follows the audio actually produced (.mp3, or .wav from espeak-ng without
    ffmpeg): ``lessons/7/intro`` or ``lessons/7/intro.mp3`` -> ``lessons/7/intro.mp3``.
    """
    name, _audio = _synthesize_and_store(
        text=text, language=language, ssml=ssml, storage_name=storage_name
    )
    return name


def _synthesize_and_store(
    *, text: str, language: str, ssml: bool, storage_name: str
) -> tuple[str, SpeechAudio]:
    if not text.strip():
        raise ValidationError("There is no text to speak.")
    if not storage_name.strip():
        raise ValidationError("A storage name is required.")
    audio = get_speech_synthesizer().synthesize(text, language=language, ssml=ssml)
    stem = PurePosixPath(storage_name)
    if stem.suffix.lower() in AUDIO_SUFFIXES:
        stem = stem.with_suffix("")
    name = _store(f"{stem}.{audio.format}", audio.audio)
    return name, audio


def transcription_run(
    *,
    media_name: str,
    language: str,
    job_name: str,
    external_id: str = "",
    on_started: Callable[[str], None] | None = None,
) -> TranscriptionResult:
    """Transcribe a file in default storage into WebVTT captions and plain text.

    With ``external_id`` (a transcription an earlier attempt started) it polls that one
    instead of starting another. ``on_started`` receives the id of a newly started one, so
    the caller can record it before waiting. While the service is still working after
    TRANSCRIBE_POLL_SECONDS this raises JobNotReady: the job polls again
    later without spending an attempt.
    """
    if not _exists(media_name):
        raise ValidationError(f"{media_name} does not exist.")
    transcriber = get_transcriber()
    if not external_id:
        media_key = transcriber.stage(media_name=media_name, job_name=job_name)
        external_id = transcriber.start(job_name=job_name, media_key=media_key, language=language)
        if on_started is not None:
            on_started(external_id)
    deadline = time.monotonic() + TRANSCRIBE_POLL_SECONDS
    while True:
        status = transcriber.status(external_id)
        if status.state == TranscriptionState.COMPLETED:
            break
        if status.state == TranscriptionState.FAILED:
            raise IntegrationError(f"Transcription failed: {status.failure_reason or 'unknown'}")
        if time.monotonic() >= deadline:
            raise JobNotReady(
                f"Transcription {external_id} is {status.state}; checking again later.",
                retry_after=TRANSCRIBE_RETRY_AFTER_SECONDS,
            )
        time.sleep(TRANSCRIBE_POLL_INTERVAL_SECONDS)
    transcript = transcriber.fetch(external_id)
    cues = cues_from_words(transcript.words)
    return TranscriptionResult(
        vtt=to_vtt(cues),
        text=transcript.text or plain_text(cues),
        words=len(transcript.words),
        quality=transcript.quality,
        language=language,
        external_id=external_id,
    )


def transcription_output_names(*, media_name: str, language: str) -> tuple[str, str]:
    """(captions, text) storage names next to the media: ``<media>.<lang>.vtt`` / ``.txt``."""
    return f"{media_name}.{language}.vtt", f"{media_name}.{language}.txt"


def transcription_job_name(job: ProcessingJob) -> str:
    """Stable through the retries of one run (job_start keeps started_at), new per rerun."""
    stamp = job.started_at.strftime("%Y%m%d%H%M%S") if job.started_at else "0"
    return f"kalpla-{job.pk}-{stamp}"


def _exists(name: str) -> bool:
    try:
        return default_storage.exists(name)
    except SuspiciousFileOperation as exc:
        raise ValidationError(f"{name!r} is not an allowed file name.") from exc


def _store(name: str, data: bytes) -> str:
    """Write ``data`` at exactly ``name``, replacing what is there."""
    if _exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        # Someone wrote the same name between our delete and save: never keep a copy.
        default_storage.delete(saved)
        raise TransientIntegrationError(f"{name} was being written concurrently.")
    logger.info("stored %s (%d bytes)", name, len(data))
    return name
