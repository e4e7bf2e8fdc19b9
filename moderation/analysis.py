"""Automatic text and image checks that feed the moderation queue.

``text_analyze`` / ``image_analyze`` run now; other apps call them (from their own jobs where
the work is slow) and store what they need on their own models.

Nothing here is silently "safe": toxic text and PII go to the queue as ``toxic`` / ``pii``, an
unsafe image as ``image_unsafe``, and an image nobody could check automatically (local backend,
unreadable file) as ``image_unchecked`` so a person reviews it. Flagging is idempotent: one
pending item per target and reason (``moderation_flag``).
"""

import logging
from dataclasses import asdict, dataclass, field

from django.conf import settings
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
from moderation.models import ModerationItem
from moderation.services import moderation_flag

logger = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class ImageAnalysis:
    moderation: ModerationResult
    flagged: list[str] = field(default_factory=list)


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
