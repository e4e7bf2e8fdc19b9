"""Transcription: audio/video -> timed words and text. Amazon Transcribe, or pocketsphinx offline.

The flow is stage (make the media reachable) -> start -> status (poll) -> fetch. Amazon
Transcribe reads the media from S3 and writes its JSON transcript to our bucket at
``transcripts/<job name>.json``. The local backend decodes synchronously in ``start`` and keeps
the transcript in the cache under its external id.
"""

import json
import tempfile
import wave
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage

from kalpla.integrations.aws import aws_errors, client
from kalpla.integrations.base import CapabilityUnavailable, IntegrationError, choose_backend
from mediatools import tools as media
from mediatools.captions import Word

# Amazon Transcribe language codes per course language; full codes ("en-GB") pass through.
TRANSCRIBE_LANGUAGES = {
    "en": "en-US",
    "hi": "hi-IN",
    "es": "es-ES",
    "fr": "fr-FR",
    "de": "de-DE",
    "it": "it-IT",
    "pt": "pt-BR",
    "ja": "ja-JP",
    "ar": "ar-SA",
    "ta": "ta-IN",
    "te": "te-IN",
}
MEDIA_FORMATS = {"mp3", "mp4", "wav", "flac", "ogg", "amr", "webm", "m4a"}
LOCAL_QUALITY = "rough (offline pocketsphinx)"
AWS_QUALITY = "Amazon Transcribe"
LOCAL_CACHE_SECONDS = 24 * 3600

# pocketsphinx marks silences, sentence edges and noises with these; they are not words.
_NON_WORDS = {"<s>", "</s>", "<sil>", "<unk>", "[noise]", "[NOISE]"}


class TranscriptionState(StrEnum):
    QUEUED = "QUEUED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class TranscriptionStatus:
    state: TranscriptionState
    failure_reason: str = ""

    @property
    def finished(self) -> bool:
        return self.state in (TranscriptionState.COMPLETED, TranscriptionState.FAILED)


@dataclass(frozen=True)
class Transcript:
    text: str
    words: tuple[Word, ...]
    language: str
    quality: str


class Transcriber(Protocol):
    def stage(self, *, media_name: str, job_name: str) -> str:
        """Make a file in default storage reachable by the backend; returns its media key."""
        ...

    def start(self, *, job_name: str, media_key: str, language: str) -> str: ...

    def status(self, external_id: str) -> TranscriptionStatus: ...

    def fetch(self, external_id: str) -> Transcript: ...


def transcribe_language(language: str) -> str:
    code = language.strip().replace("_", "-")
    base = code.split("-")[0].lower()
    if "-" in code:
        head, _, region = code.partition("-")
        return f"{head.lower()}-{region.upper()}"
    if base in TRANSCRIBE_LANGUAGES:
        return TRANSCRIBE_LANGUAGES[base]
    raise IntegrationError(f"Amazon Transcribe is not configured for language {language!r}.")


def transcript_key(job_name: str) -> str:
    return f"transcripts/{job_name}.json"


def parse_transcribe_json(data: dict[str, Any], *, language: str) -> Transcript:
    """Read Amazon Transcribe's documented output (results.transcripts / results.items)."""
    try:
        results = data["results"]
        text = " ".join(t["transcript"] for t in results.get("transcripts", [])).strip()
        words: list[Word] = []
        for item in results.get("items", []):
            content = item["alternatives"][0]["content"]
            if item.get("type") == "punctuation":
                # Punctuation has no times: it belongs to the word before it.
                if words:
                    last = words[-1]
                    words[-1] = Word(text=last.text + content, start=last.start, end=last.end)
                continue
            words.append(
                Word(
                    text=content,
                    start=float(item["start_time"]),
                    end=float(item["end_time"]),
                )
            )
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise IntegrationError(f"Unexpected Amazon Transcribe output: {exc!r}") from exc
    return Transcript(text=text, words=tuple(words), language=language, quality=AWS_QUALITY)


class AwsTranscriber:
    def __init__(self, transcribe: Any | None = None, s3: Any | None = None) -> None:
        self.bucket = settings.KALPLA_TRANSCRIBE_BUCKET
        if not self.bucket:
            raise CapabilityUnavailable(
                "Amazon Transcribe needs KALPLA_TRANSCRIBE_BUCKET (or AWS_STORAGE_BUCKET_NAME)."
            )
        self.transcribe = transcribe or client("transcribe")
        self.s3 = s3 or client("s3")

    def stage(self, *, media_name: str, job_name: str) -> str:
        key = _s3_key_in(default_storage, media_name, self.bucket)
        if key is not None:
            return key
        key = f"transcribe-input/{job_name}/{PurePosixPath(media_name).name}"
        size = default_storage.size(media_name)
        try:
            head = self.s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError:
            head = {}
        if head.get("ContentLength") == size:
            return key  # uploaded by an earlier attempt
        with default_storage.open(media_name, "rb") as source, aws_errors("S3 upload"):
            self.s3.upload_fileobj(
                source, self.bucket, key, ExtraArgs={"ServerSideEncryption": "AES256"}
            )
        return key

    def start(self, *, job_name: str, media_key: str, language: str) -> str:
        params: dict[str, Any] = {
            "TranscriptionJobName": job_name,
            "LanguageCode": transcribe_language(language),
            "Media": {"MediaFileUri": f"s3://{self.bucket}/{media_key}"},
            "OutputBucketName": self.bucket,
            "OutputKey": transcript_key(job_name),
        }
        suffix = PurePosixPath(media_key).suffix.lower().lstrip(".")
        if suffix in MEDIA_FORMATS:
            params["MediaFormat"] = suffix
        with aws_errors("Transcribe start_transcription_job"):
            try:
                self.transcribe.start_transcription_job(**params)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ConflictException":
                    raise
                # An earlier attempt started it and died before recording the id: adopt it.
        return job_name

    def status(self, external_id: str) -> TranscriptionStatus:
        with aws_errors("Transcribe get_transcription_job"):
            job = self.transcribe.get_transcription_job(TranscriptionJobName=external_id)
        details = job["TranscriptionJob"]
        state = details.get("TranscriptionJobStatus") or TranscriptionState.QUEUED
        return TranscriptionStatus(
            state=TranscriptionState(state), failure_reason=details.get("FailureReason", "")
        )

    def fetch(self, external_id: str) -> Transcript:
        with aws_errors("Transcribe get_transcription_job"):
            job = self.transcribe.get_transcription_job(TranscriptionJobName=external_id)
        language = job["TranscriptionJob"].get("LanguageCode", "")
        with aws_errors("S3 get transcript"):
            body = self.s3.get_object(Bucket=self.bucket, Key=transcript_key(external_id))["Body"]
            raw = body.read()
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise IntegrationError("The Amazon Transcribe output is not JSON.") from exc
        return parse_transcribe_json(data, language=language)


def _s3_key_in(storage: Any, name: str, bucket: str) -> str | None:
    """The S3 key of ``name`` when default storage is S3 in ``bucket``; else None."""
    from storages.backends.s3 import S3Storage

    if not isinstance(storage, S3Storage) or storage.bucket_name != bucket:
        return None
    location = (storage.location or "").strip("/")
    return f"{location}/{name}" if location else name


class LocalTranscriber:
    """pocketsphinx with its bundled US English model: free speech comes out rough."""

    def stage(self, *, media_name: str, job_name: str) -> str:
        return media_name

    def start(self, *, job_name: str, media_key: str, language: str) -> str:
        if language.strip().lower().replace("_", "-").split("-")[0] != "en":
            raise CapabilityUnavailable(f"no local speech model for {language}")
        with tempfile.TemporaryDirectory(prefix="kalpla-transcribe-") as tmp:
            source = _local_copy(media_key, Path(tmp))
            pcm = media.extract_pcm(source, Path(tmp) / "audio.wav", rate=16000)
            words = recognise_words(pcm)
        transcript = Transcript(
            text=" ".join(word.text for word in words),
            words=tuple(words),
            language="en-US",
            quality=LOCAL_QUALITY,
        )
        external_id = f"local-{job_name}"
        cache.set(_cache_key(external_id), asdict(transcript), timeout=LOCAL_CACHE_SECONDS)
        return external_id

    def status(self, external_id: str) -> TranscriptionStatus:
        if cache.get(_cache_key(external_id)) is None:
            return TranscriptionStatus(
                TranscriptionState.FAILED, "The local transcript has expired; run the job again."
            )
        return TranscriptionStatus(TranscriptionState.COMPLETED)

    def fetch(self, external_id: str) -> Transcript:
        data = cache.get(_cache_key(external_id))
        if data is None:
            raise IntegrationError("The local transcript has expired; run the job again.")
        return Transcript(
            text=data["text"],
            words=tuple(Word(**word) for word in data["words"]),
            language=data["language"],
            quality=data["quality"],
        )


def recognise_words(wav_path: Path) -> list[Word]:
    """Words with times from 16 kHz mono 16-bit WAV, decoded per stretch of speech (VAD)."""
    from pocketsphinx import Decoder, Segmenter

    decoder = Decoder(loglevel="FATAL")
    frame_rate = float(decoder.config["frate"])
    words: list[Word] = []
    with wave.open(str(wav_path), "rb") as wav:
        if (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) != (16000, 1, 2):
            raise IntegrationError("pocketsphinx needs 16 kHz mono 16-bit audio.")
        segmenter = Segmenter(sample_rate=16000)
        for speech in segmenter.segment(wav.getfp()):
            decoder.start_utt()
            decoder.process_raw(speech.pcm, full_utt=True)
            decoder.end_utt()
            for segment in decoder.seg():
                text = _clean_word(segment.word)
                if text:
                    words.append(
                        Word(
                            text=text,
                            start=round(speech.start_time + segment.start_frame / frame_rate, 3),
                            end=round(speech.start_time + (segment.end_frame + 1) / frame_rate, 3),
                        )
                    )
    return words


def _clean_word(word: str) -> str:
    if word in _NON_WORDS or word.startswith(("++", "[")):
        return ""
    return word.split("(")[0]  # "read(2)" is the second pronunciation of "read"


def _local_copy(name: str, directory: Path) -> Path:
    try:
        return Path(default_storage.path(name))
    except NotImplementedError:
        target = directory / ("source" + PurePosixPath(name).suffix)
        with default_storage.open(name, "rb") as source, target.open("wb") as out:
            for chunk in source.chunks():
                out.write(chunk)
        return target


def _cache_key(external_id: str) -> str:
    return f"transcribe:local:{external_id}"


def get_transcriber() -> Transcriber:
    backends: dict[str, str | Callable[[], Transcriber]] = {
        "local": LocalTranscriber,
        "aws": AwsTranscriber,
    }
    return choose_backend("KALPLA_AI_BACKEND", backends)
