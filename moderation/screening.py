"""Automatic screening of new content: score it, decide whether it may be shown, queue it.

Two steps, so the caller can run the analysis before it takes any lock:

- ``screening_analyze(text=..., images=...)`` scores the text (toxicity, personal data) with
  the configured text analyzer. No database work. With the local backend this is a word list
  and a few regular expressions (well under a millisecond for a chat message), so chat sends
  run it inline; language detection and sentiment are not needed here and are skipped.
- ``screening_apply(target=..., analysis=..., pre_moderated=...)`` decides the status and
  puts the target in the queue (``ModerationItem``, with the scores, labels and reasons):

  - toxicity at or above ``KALPLA_MODERATION_HOLD_THRESHOLD``: held whatever the policy;
  - toxicity at or above ``KALPLA_MODERATION_FLAG_THRESHOLD``, or personal data: flagged
    (post-moderation: still shown);
  - ``pre_moderated`` (the policy, a new account): held until a moderator approves, queued
    with the reason ``premoderation`` when nothing else flagged it.

Images go through ``moderation.analysis.image_analyze`` (which queues unsafe and unchecked
images itself); an unsafe image at or above the hold threshold holds the content.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models

from kalpla.integrations.base import CapabilityUnavailable, IntegrationError
from kalpla.integrations.comprehend import get_text_analyzer
from moderation.analysis import image_analyze
from moderation.models import ModerationItem
from moderation.services import moderation_flag

logger = logging.getLogger(__name__)

PUBLISHED = "published"
HELD = "held"


@dataclass(frozen=True)
class Finding:
    reason: str
    score: float | None
    detail: str
    labels: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Analysis:
    toxicity: float
    findings: list[Finding]

    @property
    def score(self) -> float:
        return max([self.toxicity, *(f.score or 0.0 for f in self.findings)])


@dataclass(frozen=True)
class Verdict:
    status: str
    """``published`` or ``held``."""
    score: float
    reasons: list[str]
    items: list[ModerationItem]

    @property
    def held(self) -> bool:
        return self.status == HELD


def flag_threshold() -> float:
    return float(settings.KALPLA_MODERATION_FLAG_THRESHOLD)


def hold_threshold() -> float:
    return float(settings.KALPLA_MODERATION_HOLD_THRESHOLD)


def screening_analyze(*, text: str) -> Analysis:
    """Toxicity and personal data of ``text`` (no database work; see the module docstring)."""
    if not text.strip():
        return Analysis(toxicity=0.0, findings=[])
    analyzer = get_text_analyzer()
    language = str(settings.LANGUAGE_CODE).split("-")[0]
    findings: list[Finding] = []
    toxicity = 0.0
    try:
        result = analyzer.toxicity(text, language=language)
        toxicity = float(result.score)
        if toxicity >= flag_threshold():
            findings.append(
                Finding(
                    reason=ModerationItem.Reason.TOXIC,
                    score=toxicity,
                    detail=f"Toxic language (score {toxicity:.2f}).",
                    labels=[{"name": name, "score": score} for name, score in result.labels],
                )
            )
        pii = analyzer.pii(text, language=language)
    except CapabilityUnavailable:
        pii = []
    except IntegrationError:
        # The check could not run: a person looks instead of nobody.
        logger.warning("text screening failed", exc_info=True)
        findings.append(
            Finding(
                reason=ModerationItem.Reason.OTHER,
                score=None,
                detail="The automatic text check failed; review by hand.",
            )
        )
        pii = []
    if pii:
        by_type: dict[str, float] = {}
        for entity in pii:
            by_type[entity.type] = max(by_type.get(entity.type, 0.0), entity.score)
        findings.append(
            Finding(
                reason=ModerationItem.Reason.PII,
                score=max(by_type.values()),
                detail=f"{len(pii)} personal data item(s): {', '.join(sorted(by_type))}.",
                labels=[{"name": name, "score": score} for name, score in sorted(by_type.items())],
            )
        )
    return Analysis(toxicity=toxicity, findings=findings)


def screening_apply(
    *,
    target: models.Model,
    analysis: Analysis,
    pre_moderated: bool = False,
    images: tuple[str, ...] = (),
    context: str = "",
    why_held: str = "",
) -> Verdict:
    """Queue what the analysis found about the (saved) ``target`` and say whether it is held.

    ``images``: names in default storage, checked now (slow with a remote backend: callers
    with images run this from a job). ``why_held`` explains a pre-moderation hold.
    """
    items: list[ModerationItem] = []
    reasons: list[str] = []
    held = pre_moderated or analysis.toxicity >= hold_threshold()
    for finding in analysis.findings:
        items.append(
            moderation_flag(
                target=target,
                reason=finding.reason,
                detail=finding.detail,
                score=finding.score,
                labels=finding.labels,
                context=context,
            )
        )
        reasons.append(finding.reason)
    image_score = 0.0
    for name in images:
        try:
            result = image_analyze(target=target, storage_name=name)
        except IntegrationError:
            continue  # queued as unchecked by image_analyze
        reasons.extend(result.flagged)
        if result.moderation.unsafe:
            image_score = max(image_score, float(result.moderation.score or 0.0))
    held = held or image_score >= hold_threshold()
    if held and not items:
        items.append(
            moderation_flag(
                target=target,
                reason=ModerationItem.Reason.PREMODERATION,
                detail=why_held or "Held until a moderator approves it.",
                context=context,
            )
        )
        reasons.append(ModerationItem.Reason.PREMODERATION)
    return Verdict(
        status=HELD if held else PUBLISHED,
        score=max(analysis.score, image_score),
        reasons=[str(r) for r in reasons],
        items=items,
    )
