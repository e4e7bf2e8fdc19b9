"""Text analysis (Amazon Comprehend): sentiment, dominant language, toxicity, PII.

Backends:

- ``aws``: Comprehend ``DetectSentiment`` / ``DetectDominantLanguage`` /
  ``DetectToxicContent`` / ``DetectPiiEntities``. Long text is cut to each API's documented
  limit: sentiment 5 KB (the first 5 KB are scored), dominant language 100 KB, PII 100 KB per
  call (longer text is split and offsets shifted back), toxic content segments of at most
  1 KB, at most 10 segments (10 KB) per call (the rest is not checked). Comprehend scores
  toxicity for English only and PII for English and Spanish; other languages raise
  ``CapabilityUnavailable``.
- ``local``: VADER sentiment (English only), langdetect, the better-profanity word list plus a
  few insult and threat patterns for toxicity, and regex PII (emails, phone numbers including
  Indian +91 formats, Luhn-checked card numbers). Good enough to demo, not to police.

Offsets (``PiiEntity.begin``/``end``) are indexes into the Python string that was analysed.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, Protocol

from kalpla.integrations import aws
from kalpla.integrations.base import CapabilityUnavailable, choose_backend

SentimentLabel = Literal["POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED"]

TOXIC_THRESHOLD = 0.5
"""A text is toxic when its toxicity score (0..1) reaches this."""

SENTIMENT_MAX_BYTES = 5000
LANGUAGE_MAX_BYTES = 100_000
PII_MAX_BYTES = 100_000
TOXIC_SEGMENT_MAX_BYTES = 1000
TOXIC_MAX_SEGMENTS = 10
LANGUAGE_MIN_CHARS = 20
"""Comprehend documents at least 20 characters for DetectDominantLanguage."""

SENTIMENT_LANGUAGES = frozenset(
    {"en", "es", "fr", "de", "it", "pt", "ar", "hi", "ja", "ko", "zh", "zh-TW"}
)
PII_LANGUAGES = frozenset({"en", "es"})
TOXIC_LANGUAGES = frozenset({"en"})
UNDETERMINED = "und"


@dataclass(frozen=True)
class Sentiment:
    label: SentimentLabel
    scores: dict[str, float]
    """Keys ``positive``, ``negative``, ``neutral``, ``mixed``; each 0..1."""


@dataclass(frozen=True)
class Language:
    code: str
    """ISO 639-1 code (``zh-TW`` for traditional Chinese); ``und`` when undetermined."""
    score: float


@dataclass(frozen=True)
class Toxicity:
    toxic: bool
    score: float
    labels: list[tuple[str, float]] = field(default_factory=list)
    """Comprehend label names (PROFANITY, INSULT, ...) with their scores, highest first."""


@dataclass(frozen=True)
class PiiEntity:
    type: str
    begin: int
    end: int
    score: float
    text: str


class TextAnalyzer(Protocol):
    def sentiment(self, text: str, *, language: str) -> Sentiment: ...

    def dominant_language(self, text: str) -> Language: ...

    def toxicity(self, text: str, *, language: str) -> Toxicity: ...

    def pii(self, text: str, *, language: str) -> list[PiiEntity]: ...


# --- shared helpers ---------------------------------------------------------------------------


def truncate_bytes(text: str, max_bytes: int) -> str:
    """The longest prefix of ``text`` whose UTF-8 encoding fits ``max_bytes``."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def split_bytes(text: str, max_bytes: int) -> Iterator[tuple[int, str]]:
    """Split ``text`` into (character offset, chunk) pieces of at most ``max_bytes`` UTF-8 bytes.

    Cuts at the last whitespace inside the limit when there is one, so words stay whole.
    """
    start = 0
    while start < len(text):
        piece = truncate_bytes(text[start:], max_bytes)
        if start + len(piece) < len(text):
            cut = max(piece.rfind(" "), piece.rfind("\n"), piece.rfind("\t"))
            if cut > 0:
                piece = piece[: cut + 1]
        yield start, piece
        start += len(piece)


def toxicity_from_labels(labels: dict[str, float], score: float) -> Toxicity:
    ordered = sorted(labels.items(), key=lambda item: item[1], reverse=True)
    return Toxicity(toxic=score >= TOXIC_THRESHOLD, score=round(score, 4), labels=ordered)


def _normalise_language(code: str) -> str:
    # langdetect says zh-cn / zh-tw; Comprehend says zh / zh-TW.
    lowered = code.lower()
    if lowered == "zh-cn":
        return "zh"
    if lowered == "zh-tw":
        return "zh-TW"
    return code


# --- AWS backend ------------------------------------------------------------------------------


class AwsTextAnalyzer:
    """Amazon Comprehend. ``client`` may be injected (tests wrap it in a botocore Stubber)."""

    def __init__(self, client: Any | None = None) -> None:
        self.client = client if client is not None else aws.client("comprehend")

    def sentiment(self, text: str, *, language: str) -> Sentiment:
        _require(language, SENTIMENT_LANGUAGES, "Comprehend sentiment")
        with aws.aws_errors("Comprehend DetectSentiment"):
            response = self.client.detect_sentiment(
                Text=truncate_bytes(text, SENTIMENT_MAX_BYTES), LanguageCode=language
            )
        scores = response.get("SentimentScore", {})
        return Sentiment(
            label=response["Sentiment"],
            scores={
                key.lower(): float(scores.get(key, 0.0))
                for key in ("Positive", "Negative", "Neutral", "Mixed")
            },
        )

    def dominant_language(self, text: str) -> Language:
        if len(text.strip()) < LANGUAGE_MIN_CHARS:
            return Language(code=UNDETERMINED, score=0.0)
        with aws.aws_errors("Comprehend DetectDominantLanguage"):
            response = self.client.detect_dominant_language(
                Text=truncate_bytes(text, LANGUAGE_MAX_BYTES)
            )
        languages = sorted(response.get("Languages", []), key=lambda lang: -lang["Score"])
        if not languages:
            return Language(code=UNDETERMINED, score=0.0)
        best = languages[0]
        return Language(code=best["LanguageCode"], score=float(best["Score"]))

    def toxicity(self, text: str, *, language: str) -> Toxicity:
        _require(language, TOXIC_LANGUAGES, "Comprehend toxicity")
        segments = [
            piece for _, piece in split_bytes(text, TOXIC_SEGMENT_MAX_BYTES) if piece.strip()
        ][:TOXIC_MAX_SEGMENTS]
        if not segments:
            return Toxicity(toxic=False, score=0.0, labels=[])
        with aws.aws_errors("Comprehend DetectToxicContent"):
            response = self.client.detect_toxic_content(
                TextSegments=[{"Text": piece} for piece in segments], LanguageCode=language
            )
        # The text is as toxic as its worst segment.
        score = 0.0
        labels: dict[str, float] = {}
        for result in response.get("ResultList", []):
            score = max(score, float(result.get("Toxicity", 0.0)))
            for label in result.get("Labels", []):
                name = label["Name"]
                labels[name] = max(labels.get(name, 0.0), float(label["Score"]))
        return toxicity_from_labels(labels, score)

    def pii(self, text: str, *, language: str) -> list[PiiEntity]:
        _require(language, PII_LANGUAGES, "Comprehend PII detection")
        entities: list[PiiEntity] = []
        for offset, piece in split_bytes(text, PII_MAX_BYTES):
            if not piece.strip():
                continue
            with aws.aws_errors("Comprehend DetectPiiEntities"):
                response = self.client.detect_pii_entities(Text=piece, LanguageCode=language)
            for entity in response.get("Entities", []):
                begin = offset + int(entity["BeginOffset"])
                end = offset + int(entity["EndOffset"])
                entities.append(
                    PiiEntity(
                        type=entity["Type"],
                        begin=begin,
                        end=end,
                        score=float(entity["Score"]),
                        text=text[begin:end],
                    )
                )
        return entities


def _require(language: str, supported: frozenset[str], what: str) -> None:
    if language not in supported:
        raise CapabilityUnavailable(f"{what} does not support language {language!r}.")


# --- local backend ----------------------------------------------------------------------------

MIXED_MIN = 0.25
"""VADER: MIXED when both the positive and the negative share reach this."""

_INSULT = re.compile(
    r"\b(?:you(?:'re|\s+are|\s+r)?|ur|u\s+r)\s+(?:(?:such|so|a|an|the|total|complete|all|"
    r"both|just|fucking|bloody|\w+ing)\s+){0,3}(?:idiot|stupid|moron|loser|dumb|fool|"
    r"worthless|useless|pathetic|retard(?:ed)?|trash|garbage|clown|imbecile|ugly)s?\b",
    re.IGNORECASE,
)
_THREAT = re.compile(
    r"\b(?:kill\s+(?:yo)?urself|kys|i(?:'ll|\s+will)\s+(?:kill|hurt|find)\s+you|"
    r"you\s+(?:should|deserve\s+to)\s+die)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\S+")
_CENSOR = "\u2588"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_CARD = re.compile(r"(?<![\d+])(?:\d[ -]?){12,18}\d(?!\d)")
_PHONES = (
    # Indian mobiles: +91 / 0091 / 0 prefix, 10 digits starting 6-9, grouped 5-5 or 3-3-4.
    re.compile(
        r"(?<![\w+])(?:(?:\+|00)91[\s-]?|0)?"
        r"(?:[6-9]\d{4}[\s-]?\d{5}|[6-9]\d{2}[\s-]?\d{3}[\s-]?\d{4})(?![\w])"
    ),
    # International numbers written with a + (Indian landlines such as +91 80 1234 5678 too).
    re.compile(r"(?<![\w+])\+\d{1,3}[\s-]?(?:\(\d{1,4}\)|\d{1,4})(?:[\s-]?\d{2,5}){1,4}(?![\w])"),
    # North American style (555) 123-4567.
    re.compile(r"(?<![\w+])\(\d{3}\)\s?\d{3}[\s-]\d{4}(?![\w])"),
)


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@cache
def _profanity() -> Any:
    from better_profanity import Profanity

    return Profanity()


@cache
def _profanity_index() -> tuple[dict[str, str], dict[str, list[Any]], int]:
    """A fast "certainly clean" test in front of better-profanity, which compares every word
    with every listed word and its variants (about 10 ms for a chat line).

    Each character is reduced to a coarse class (the union of better-profanity's look-alike
    substitutions: a, @, 4, *, i, l, 1, o, 0, u, v, e, 3 are one class), and the listed words
    (and phrases, with and without their spaces) are kept in that reduced form. A word that
    better-profanity would match reduces to one of them, so text none of whose words (or runs
    of up to ``longest`` words) do is clean without asking it; a run that does is compared
    with the listed words of its form only.
    """
    profanity = _profanity()
    parent: dict[str, str] = {}

    def find(char: str) -> str:
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    for letter, variants in profanity.CHARS_MAPPING.items():
        for variant in variants:
            if len(variant) == 1 and find(variant) != find(letter):
                parent[find(variant)] = find(letter)
    classes = {char: find(char) for char in parent}
    forms: dict[str, list[Any]] = {}
    longest = 1
    for entry in profanity.CENSOR_WORDSET:
        word = str(entry).lower()
        longest = max(longest, word.count(" ") + 1)
        for form in {word, word.replace(" ", "")}:
            forms.setdefault("".join(classes.get(c, c) for c in form), []).append(entry)
    return classes, forms, longest


def _may_be_profane(text: str) -> bool:
    from better_profanity.constants import ALLOWED_CHARACTERS

    classes, forms, longest = _profanity_index()
    words: list[str] = []
    current: list[str] = []
    for char in text.lower():
        if char in ALLOWED_CHARACTERS:
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    reduced = ["".join(classes.get(c, c) for c in word) for word in words]
    for start in range(len(words)):
        for end in range(start + 1, min(start + longest, len(words)) + 1):
            for sep in ("", " "):
                for entry in forms.get(sep.join(reduced[start:end]), ()):
                    if entry == sep.join(words[start:end]):
                        return True
    return False


@cache
def _langdetect() -> Any:
    import langdetect

    # langdetect samples at random: a fixed seed makes the same text give the same answer.
    langdetect.DetectorFactory.seed = 0
    return langdetect


class LocalTextAnalyzer:
    """Offline analysis; see the module docstring for what each check is worth."""

    def sentiment(self, text: str, *, language: str) -> Sentiment:
        if language != "en":
            raise CapabilityUnavailable(
                f"Local sentiment (VADER) scores English only, not {language!r}."
            )
        scores = _vader().polarity_scores(text)
        positive, negative = float(scores["pos"]), float(scores["neg"])
        compound = float(scores["compound"])
        label: SentimentLabel
        if positive >= MIXED_MIN and negative >= MIXED_MIN:
            label = "MIXED"
        elif compound >= 0.05:
            label = "POSITIVE"
        elif compound <= -0.05:
            label = "NEGATIVE"
        else:
            label = "NEUTRAL"
        return Sentiment(
            label=label,
            scores={
                "positive": positive,
                "negative": negative,
                "neutral": float(scores["neu"]),
                "mixed": min(positive, negative),
            },
        )

    def dominant_language(self, text: str) -> Language:
        langdetect = _langdetect()
        try:
            candidates = langdetect.detect_langs(text)
        except langdetect.LangDetectException:
            return Language(code=UNDETERMINED, score=0.0)
        best = candidates[0]
        return Language(code=_normalise_language(best.lang), score=round(float(best.prob), 4))

    def toxicity(self, text: str, *, language: str) -> Toxicity:
        """English word list and patterns, applied whatever the language (mixed text is common)."""
        words = _WORD.findall(text)
        if not words:
            return Toxicity(toxic=False, score=0.0, labels=[])
        profane = 0
        if _may_be_profane(text):
            censored = _profanity().censor(text, _CENSOR)
            profane = sum(1 for word in _WORD.findall(censored) if _CENSOR * 4 in word)
        labels: dict[str, float] = {}
        if profane:
            # One swear word already counts; a text made of them is fully toxic.
            labels["PROFANITY"] = min(1.0, 0.6 + 4 * profane / len(words))
        if _INSULT.search(text):
            labels["INSULT"] = 0.8
        if _THREAT.search(text):
            labels["VIOLENCE_OR_THREAT"] = 0.9
        score = max(labels.values(), default=0.0)
        return toxicity_from_labels({k: round(v, 4) for k, v in labels.items()}, score)

    def pii(self, text: str, *, language: str) -> list[PiiEntity]:
        found: list[PiiEntity] = []

        def add(kind: str, match: re.Match[str], score: float) -> None:
            begin, end = match.span()
            if any(begin < other.end and other.begin < end for other in found):
                return
            found.append(PiiEntity(kind, begin, end, score, match.group()))

        for match in _EMAIL.finditer(text):
            add("EMAIL", match, 0.99)
        for match in _CARD.finditer(text):
            digits = re.sub(r"\D", "", match.group())
            if 13 <= len(digits) <= 19 and luhn_valid(digits):
                add("CREDIT_DEBIT_NUMBER", match, 0.95)
        for pattern in _PHONES:
            for match in pattern.finditer(text):
                digits = re.sub(r"\D", "", match.group())
                if 8 <= len(digits) <= 15:
                    add("PHONE", match, 0.9)
        return sorted(found, key=lambda entity: entity.begin)


def get_text_analyzer() -> TextAnalyzer:
    backends: dict[str, Any] = {"local": LocalTextAnalyzer, "aws": AwsTextAnalyzer}
    analyzer: TextAnalyzer = choose_backend("KALPLA_AI_BACKEND", backends)
    return analyzer
