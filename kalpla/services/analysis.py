"""Automatic text and image checks that feed the moderation queue.

``text_analyze`` / ``image_analyze`` run now; ``text_analyze_later`` / ``image_analyze_later``
queue a ProcessingJob (kinds ``text.analyze`` and ``image.analyze``) whose ``result`` holds the
summary. Other apps call these services and store what they need on their own models.

Nothing here is silently "safe": toxic text and PII go to the queue as ``toxic`` / ``pii``, an
unsafe image as ``image_unsafe``, and an image nobody could check automatically (local backend,
unreadable file) as ``image_unchecked`` so a person reviews it. Flagging is idempotent: one
pending item per target and reason (``moderation_flag``).
"""

import hashlib
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.storage import default_storage
from django.db import models

from kalpla.integrations.base import (
    CapabilityUnavailable,
    IntegrationError,
    TransientIntegrationError,
)
from kalpla.integrations.comprehend import (
    UNDETERMINED,
    Language,
    PiiEntity,
    Sentiment,
    Toxicity,
    get_text_analyzer,
)
from kalpla.integrations.rekognition import (
    LOCAL_UNAVAILABLE,
    ModerationResult,
    get_image_analyzer,
)
from kalpla.jobs import job_enqueue, job_handler
from kalpla.models import ModerationItem, ProcessingJob
from kalpla.moderation import moderation_flag

logger = logging.getLogger(__name__)

IMAGE_READ_MAX_BYTES = 25 * 1024 * 1024
"""Images larger than this are not sent for analysis; they go to human review instead."""


@dataclass(frozen=True)
class TextAnalysis:
    language: Language
    sentiment: Sentiment | None
    toxicity: Toxicity | None
    pii: list[PiiEntity]
    unavailable: dict[str, str] = field(default_factory=dict)
    """Checks this backend could not run for this language, with the reason."""
    flagged: list[str] = field(default_factory=list)
    """Moderation reasons queued for the target."""

    def summary(self) -> dict[str, Any]:
        """JSON-able result; PII is reported by type and position, never by its text."""
        return {
            "language": asdict(self.language),
            "sentiment": asdict(self.sentiment) if self.sentiment else None,
            "toxicity": (
                {
                    "toxic": self.toxicity.toxic,
                    "score": self.toxicity.score,
                    "labels": [[name, score] for name, score in self.toxicity.labels],
                }
                if self.toxicity
                else None
            ),
            "pii": [
                {"type": e.type, "begin": e.begin, "end": e.end, "score": e.score} for e in self.pii
            ],
            "unavailable": dict(self.unavailable),
            "flagged": list(self.flagged),
        }


@dataclass(frozen=True)
class ImageAnalysis:
    moderation: ModerationResult
    flagged: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "available": self.moderation.available,
            "unsafe": self.moderation.unsafe,
            "min_confidence": self.moderation.min_confidence,
            "labels": [asdict(label) for label in self.moderation.labels],
            "reason": self.moderation.reason,
            "flagged": list(self.flagged),
        }


# --- text -------------------------------------------------------------------------------------


def _default_language() -> str:
    return str(settings.LANGUAGE_CODE).split("-")[0]


def text_analyze(
    *, target: models.Model, text: str, language: str | None = None, field: str = ""
) -> TextAnalysis:
    """Language, sentiment, toxicity and PII of ``text`` (which belongs to ``target``).

    Without ``language`` the dominant language is detected; when it cannot be (too short),
    the site's default language is assumed. TransientIntegrationError propagates for retry.
    """
    if not text.strip():
        return TextAnalysis(
            language=Language(UNDETERMINED, 0.0), sentiment=None, toxicity=None, pii=[]
        )
    analyzer = get_text_analyzer()
    detected = Language(language, 1.0) if language else analyzer.dominant_language(text)
    code = detected.code if detected.code != UNDETERMINED else _default_language()

    unavailable: dict[str, str] = {}
    sentiment: Sentiment | None = None
    toxicity: Toxicity | None = None
    pii: list[PiiEntity] = []
    try:
        sentiment = analyzer.sentiment(text, language=code)
    except CapabilityUnavailable as exc:
        unavailable["sentiment"] = str(exc)
    try:
        toxicity = analyzer.toxicity(text, language=code)
    except CapabilityUnavailable as exc:
        unavailable["toxicity"] = str(exc)
    try:
        pii = analyzer.pii(text, language=code)
    except CapabilityUnavailable as exc:
        unavailable["pii"] = str(exc)

    where = f" in {field}" if field else ""
    flagged: list[str] = []
    if toxicity is not None and toxicity.toxic:
        moderation_flag(
            target=target,
            reason=ModerationItem.Reason.TOXIC,
            detail=f"Toxic language{where} (score {toxicity.score:.2f}).",
            score=toxicity.score,
            labels=[{"name": name, "score": score} for name, score in toxicity.labels],
        )
        flagged.append(ModerationItem.Reason.TOXIC.value)
    if pii:
        by_type: dict[str, float] = {}
        for entity in pii:
            by_type[entity.type] = max(by_type.get(entity.type, 0.0), entity.score)
        moderation_flag(
            target=target,
            reason=ModerationItem.Reason.PII,
            detail=f"{len(pii)} personal data item(s){where}: {', '.join(sorted(by_type))}.",
            score=max(by_type.values()),
            labels=[{"name": name, "score": score} for name, score in sorted(by_type.items())],
        )
        flagged.append(ModerationItem.Reason.PII.value)
    return TextAnalysis(
        language=Language(code, detected.score),  # score 0.0: assumed, not detected
        sentiment=sentiment,
        toxicity=toxicity,
        pii=pii,
        unavailable=unavailable,
        flagged=flagged,
    )


def _text_of(target: models.Model, field_name: str) -> str:
    model_field = _model_field(target, field_name)
    if not isinstance(model_field, models.CharField | models.TextField):
        raise ValidationError(f"{field_name} is not a text field.")
    return getattr(target, field_name) or ""


def text_analyze_later(
    *, target: models.Model, field: str, language: str | None = None
) -> ProcessingJob:
    """Queue analysis of ``target.<field>``; a changed text gets its own job."""
    text = _text_of(target, field)
    params: dict[str, Any] = {
        "field": field,
        # Only keys the job: the same text is analysed once, an edited text again.
        "digest": hashlib.sha256(text.encode()).hexdigest()[:16],
    }
    if language:
        params["language"] = language
    return job_enqueue(kind="text.analyze", target=target, params=params)


@job_handler("text.analyze")
def text_analyze_job(job: ProcessingJob) -> dict[str, Any]:
    target = _job_target(job)
    field_name = str(job.params.get("field", ""))
    analysis = text_analyze(
        target=target,
        text=_text_of(target, field_name),
        language=job.params.get("language") or None,
        field=field_name,
    )
    return {"field": field_name, **analysis.summary()}


# --- images -----------------------------------------------------------------------------------


IMAGE_UNREADABLE = (
    "The automatic image check could not read this image, so a person must review it."
)


def _flag_unchecked(*, target: models.Model, detail: str, field: str) -> None:
    """``detail`` is a sentence for moderators; the field goes inside its full stop."""
    if field:
        detail = f"{detail.rstrip('.')} ({field})."
    moderation_flag(target=target, reason=ModerationItem.Reason.IMAGE_UNCHECKED, detail=detail)


def image_analyze(
    *,
    target: models.Model,
    image_bytes: bytes | None = None,
    storage_name: str | None = None,
    field: str = "",
) -> ImageAnalysis:
    """Moderate an image given as bytes or as a name in default storage.

    A permanent failure (not an image Rekognition reads) queues the target for human review
    and re-raises; transient errors propagate untouched for retry.
    """
    if (image_bytes is None) == (storage_name is None):
        raise ValueError("Pass exactly one of image_bytes and storage_name.")
    if image_bytes is None:
        with default_storage.open(str(storage_name), "rb") as handle:
            image_bytes = handle.read()
    where = f" ({field})" if field else ""
    try:
        result = get_image_analyzer().moderation_labels(image_bytes)
    except TransientIntegrationError:
        raise
    except CapabilityUnavailable as exc:
        result = ModerationResult(available=False, unsafe=False, reason=str(exc))
    except IntegrationError:
        # The error itself is for the job's record and the logs, not for moderators.
        logger.warning("image check failed for %s", target, exc_info=True)
        _flag_unchecked(target=target, detail=IMAGE_UNREADABLE, field=field)
        raise

    flagged: list[str] = []
    if result.unsafe:
        moderation_flag(
            target=target,
            reason=ModerationItem.Reason.IMAGE_UNSAFE,
            detail=f"Unsafe image{where}: {', '.join(label.name for label in result.labels)}.",
            score=result.score,
            labels=[asdict(label) for label in result.labels],
        )
        flagged.append(ModerationItem.Reason.IMAGE_UNSAFE.value)
    elif not result.available:
        _flag_unchecked(target=target, detail=result.reason or LOCAL_UNAVAILABLE, field=field)
        flagged.append(ModerationItem.Reason.IMAGE_UNCHECKED.value)
    return ImageAnalysis(moderation=result, flagged=flagged)


def _image_file_of(target: models.Model, field_name: str) -> models.fields.files.FieldFile:
    if not isinstance(_model_field(target, field_name), models.FileField):
        raise ValidationError(f"{field_name} is not a file field.")
    file = getattr(target, field_name)
    if not file:
        raise ValidationError(f"{field_name} has no file.")
    return file


def image_analyze_later(*, target: models.Model, field: str) -> ProcessingJob:
    """Queue moderation of the file in ``target.<field>``; a new upload gets its own job."""
    file = _image_file_of(target, field)
    return job_enqueue(
        kind="image.analyze", target=target, params={"field": field, "name": file.name}
    )


@job_handler("image.analyze")
def image_analyze_job(job: ProcessingJob) -> dict[str, Any]:
    target = _job_target(job)
    field_name = str(job.params.get("field", ""))
    file = _image_file_of(target, field_name)
    try:
        size = file.size
        if size <= IMAGE_READ_MAX_BYTES:
            with file.open("rb") as handle:
                image_bytes = handle.read()
    except FileNotFoundError:
        raise ValidationError(f"The file {file.name} is missing from storage.") from None
    if size > IMAGE_READ_MAX_BYTES:
        _flag_unchecked(
            target=target,
            detail="The image is too large to check automatically, so a person must review it.",
            field=field_name,
        )
        raise ValidationError(f"The image is larger than {IMAGE_READ_MAX_BYTES} bytes.")
    analysis = image_analyze(target=target, image_bytes=image_bytes, field=field_name)
    return {"field": field_name, "name": file.name, **analysis.summary()}


# --- shared -----------------------------------------------------------------------------------


def _job_target(job: ProcessingJob) -> models.Model:
    target = job.target
    if target is None:
        raise ValidationError("The object to analyse no longer exists.")
    return target


def _model_field(target: models.Model, field_name: str) -> Any:
    # Only concrete model fields: params never reach arbitrary attributes.
    try:
        return target._meta.get_field(field_name)
    except FieldDoesNotExist:
        raise ValidationError(f"{type(target).__name__} has no field {field_name!r}.") from None
