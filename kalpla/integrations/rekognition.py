"""Image analysis (Amazon Rekognition): moderation labels.

Backends:

- ``aws``: Rekognition ``DetectModerationLabels`` with the image sent as bytes. Rekognition takes JPEG or PNG up to 5 MB: other formats (WebP, GIF) and
  larger images are re-encoded as JPEG, scaled down if needed.
- ``local``: there is no offline image moderation model here, and the backend says so.
  ``moderation_labels`` returns ``available=False`` (never "safe"): callers route the image to
  human review.
"""

import io
from dataclasses import dataclass, field
from typing import Any, Protocol

from PIL import Image, UnidentifiedImageError

from kalpla.integrations import aws
from kalpla.integrations.base import IntegrationError, choose_backend

MODERATION_MIN_CONFIDENCE = 60.0
"""Moderation labels below this confidence (percent) are not reported and do not count."""

IMAGE_MAX_BYTES = 5 * 1024 * 1024
"""Rekognition's limit for images sent as bytes."""
IMAGE_MAX_SIDE = 4096
REKOGNITION_FORMATS = frozenset({"JPEG", "PNG"})


@dataclass(frozen=True)
class ModerationLabel:
    name: str
    confidence: float
    """Percent, 0..100."""
    parent: str = ""
    level: int | None = None
    """Rekognition taxonomy level (1 = top category)."""


@dataclass(frozen=True)
class ModerationResult:
    available: bool
    """False when this backend cannot moderate images: the image was NOT checked."""
    unsafe: bool
    labels: list[ModerationLabel] = field(default_factory=list)
    min_confidence: float = MODERATION_MIN_CONFIDENCE
    reason: str = ""
    """Why the check was unavailable, for the moderation queue."""

    @property
    def score(self) -> float | None:
        """Highest label confidence as 0..1, None when nothing was found."""
        if not self.labels:
            return None
        return max(label.confidence for label in self.labels) / 100


class ImageAnalyzer(Protocol):
    def moderation_labels(self, image_bytes: bytes) -> ModerationResult: ...


def rekognition_image(image_bytes: bytes) -> bytes:
    """Bytes Rekognition accepts: JPEG/PNG within 5 MB, re-encoding anything else.

    Raises IntegrationError when the bytes are not an image Pillow can read.
    """
    try:
        with Image.open(io.BytesIO(image_bytes)) as image:
            if image.format in REKOGNITION_FORMATS and len(image_bytes) <= IMAGE_MAX_BYTES:
                return image_bytes
            image.load()
            converted = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise IntegrationError(f"Not an image Rekognition can read: {exc}") from exc
    converted.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
    for quality in (90, 75, 60):
        buffer = io.BytesIO()
        converted.save(buffer, format="JPEG", quality=quality)
        if buffer.tell() <= IMAGE_MAX_BYTES:
            return buffer.getvalue()
        converted.thumbnail((converted.width // 2, converted.height // 2))
    raise IntegrationError("The image is too large for Rekognition even after re-encoding.")


class AwsImageAnalyzer:
    """Amazon Rekognition. ``client`` may be injected (tests wrap it in a botocore Stubber)."""

    def __init__(
        self, client: Any | None = None, *, min_confidence: float = MODERATION_MIN_CONFIDENCE
    ) -> None:
        self.client = client if client is not None else aws.client("rekognition")
        self.min_confidence = min_confidence

    def moderation_labels(self, image_bytes: bytes) -> ModerationResult:
        with aws.aws_errors("Rekognition DetectModerationLabels"):
            response = self.client.detect_moderation_labels(
                Image={"Bytes": rekognition_image(image_bytes)},
                MinConfidence=self.min_confidence,
            )
        labels = [
            ModerationLabel(
                name=label["Name"],
                confidence=float(label["Confidence"]),
                parent=label.get("ParentName", ""),
                level=label.get("TaxonomyLevel"),
            )
            for label in response.get("ModerationLabels", [])
        ]
        labels.sort(key=lambda label: label.confidence, reverse=True)
        return ModerationResult(
            available=True,
            unsafe=any(label.confidence >= self.min_confidence for label in labels),
            labels=labels,
            min_confidence=self.min_confidence,
        )


# Moderators read this in the queue: what (did not) check the image, in plain words.
LOCAL_UNAVAILABLE = (
    "No automatic image check runs on this site, so a person must review this image."
)


class LocalImageAnalyzer:
    """No offline image model: reports every check as unavailable, never as safe."""

    def moderation_labels(self, image_bytes: bytes) -> ModerationResult:
        return ModerationResult(available=False, unsafe=False, labels=[], reason=LOCAL_UNAVAILABLE)


def get_image_analyzer() -> ImageAnalyzer:
    backends: dict[str, Any] = {"local": LocalImageAnalyzer, "aws": AwsImageAnalyzer}
    analyzer: ImageAnalyzer = choose_backend("KALPLA_AI_BACKEND", backends)
    return analyzer
