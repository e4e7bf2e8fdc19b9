"""WebVTT captions: timed words -> readable cues -> WebVTT text, and back (webvtt-py)."""

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError
from webvtt.models import Timestamp

SENTENCE_END = (".", "?", "!", "।")
MIN_CUE_SECONDS = 0.2


class CaptionError(ValueError):
    """The text is not WebVTT we can read."""


@dataclass(frozen=True)
class Word:
    """A recognised word with its time span in seconds; text may carry trailing punctuation."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def cues_from_words(
    words: Sequence[Word],
    max_chars: int = 42,
    max_duration: float = 6.0,
    max_gap: float = 1.5,
) -> list[Cue]:
    """Group timed words into cues of one line of at most ``max_chars`` characters.

    A cue also ends at the end of a sentence, after ``max_duration`` seconds, or at a pause
    longer than ``max_gap`` seconds. Cues come out in order and never overlap.
    """
    cues: list[Cue] = []
    group: list[Word] = []

    def flush() -> None:
        if not group:
            return
        start = max(group[0].start, cues[-1].end if cues else 0.0)
        end = max(group[-1].end, start + MIN_CUE_SECONDS)
        cues.append(Cue(start=round(start, 3), end=round(end, 3), text=_join(group)))
        group.clear()

    for word in words:
        if not word.text.strip():
            continue
        if group:
            too_long = len(_join([*group, word])) > max_chars
            too_slow = word.end - group[0].start > max_duration
            paused = word.start - group[-1].end > max_gap
            if too_long or too_slow or paused or group[-1].text.endswith(SENTENCE_END):
                flush()
        group.append(word)
    flush()
    return cues


def to_vtt(cues: Iterable[Cue]) -> str:
    captions = [
        webvtt.Caption(
            start=str(Timestamp.from_seconds(float(cue.start))),
            end=str(Timestamp.from_seconds(float(cue.end))),
            # Escaping <, & and > also keeps "-->" out of the cue text.
            text=html.escape(_one_line(cue.text), quote=False),
        )
        for cue in cues
        if cue.text.strip()
    ]
    return webvtt.WebVTT(captions=captions).content


def parse_vtt(text: str) -> list[Cue]:
    try:
        captions = webvtt.from_string(text)
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise CaptionError(f"Not a WebVTT file: {exc}") from exc
    return [
        Cue(
            start=caption.start_time.in_milliseconds() / 1000,
            end=caption.end_time.in_milliseconds() / 1000,
            text=html.unescape(caption.text),
        )
        for caption in captions.captions
    ]


def captions_to_vtt(text: str) -> str:
    """An uploaded caption file (WebVTT or SubRip) as WebVTT text; CaptionError if neither.

    SubRip is told apart by its comma decimal separator ("00:00:01,000 --> ...").
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").strip() + "\n"
    if text.startswith("WEBVTT"):
        vtt = text
    else:
        try:
            vtt = webvtt.WebVTT.from_buffer(text.splitlines(), format="srt").content
        except (MalformedFileError, MalformedCaptionError, ValueError, IndexError) as exc:
            raise CaptionError(f"Not a WebVTT or SubRip file: {exc}") from exc
    if not [cue for cue in parse_vtt(vtt) if cue.text.strip()]:
        raise CaptionError("The file has no captions in it.")
    return vtt


def plain_text(cues: Iterable[Cue]) -> str:
    return _one_line(" ".join(cue.text for cue in cues))


def _join(words: Sequence[Word]) -> str:
    return _one_line(" ".join(word.text for word in words))


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
