"""Speech synthesis: text or SSML -> audio. AWS Polly, or espeak-ng offline.

Polly takes at most 3000 billed characters (6000 with SSML tags) per request, so long text is
split at sentence boundaries and the MP3 parts are joined: MP3 is a stream of frames, so
concatenated files play as one.
"""

import html
import re
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

from kalpla.integrations.aws import aws_errors, client
from kalpla.integrations.base import CapabilityUnavailable, IntegrationError, choose_backend
from mediatools import tools as media

MAX_BILLED_CHARS = 3000
MAX_TOTAL_CHARS = 6000

# (voice, LanguageCode) per language and engine; LanguageCode picks the language of bilingual
# voices (Kajal and Aditi speak Hindi and Indian English).
POLLY_VOICES: dict[str, dict[str, tuple[str, str]]] = {
    "en": {"neural": ("Joanna", "en-US"), "standard": ("Joanna", "en-US")},
    "en-us": {"neural": ("Joanna", "en-US"), "standard": ("Joanna", "en-US")},
    "en-in": {"neural": ("Kajal", "en-IN"), "standard": ("Raveena", "en-IN")},
    "en-gb": {"neural": ("Amy", "en-GB"), "standard": ("Amy", "en-GB")},
    "hi": {"neural": ("Kajal", "hi-IN"), "standard": ("Aditi", "hi-IN")},
    "es": {"neural": ("Lucia", "es-ES"), "standard": ("Lucia", "es-ES")},
    "fr": {"neural": ("Lea", "fr-FR"), "standard": ("Lea", "fr-FR")},
    "de": {"neural": ("Vicki", "de-DE"), "standard": ("Vicki", "de-DE")},
    "it": {"neural": ("Bianca", "it-IT"), "standard": ("Bianca", "it-IT")},
    "pt": {"neural": ("Camila", "pt-BR"), "standard": ("Camila", "pt-BR")},
    "ja": {"neural": ("Takumi", "ja-JP"), "standard": ("Takumi", "ja-JP")},
    "ar": {"neural": ("Hala", "ar-AE"), "standard": ("Zeina", "arb")},
}

# espeak-ng voice names (espeak-ng --voices); other languages are tried under their own code.
ESPEAK_VOICES = {
    "en": "en-us",
    "en-in": "en-us",
    "fr": "fr-fr",
    "pt": "pt-br",
    "zh": "cmn",
}

_SENTENCE_BREAK = re.compile(r"(?<=[.!?।])(?=\s)")
_FALLBACK_BREAKS = (re.compile(r"(?<=[,;:])(?=\s)"), re.compile(r"(?=\s)"))
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?\s*([^\s/>]+)")


@dataclass(frozen=True)
class SpeechAudio:
    audio: bytes
    content_type: str
    format: str
    voice: str
    chunks: int = 1


@dataclass(frozen=True)
class PollyVoice:
    id: str
    language_code: str
    additional_language_codes: tuple[str, ...]
    engines: tuple[str, ...]
    gender: str


class SpeechSynthesizer(Protocol):
    def synthesize(self, text: str, *, language: str, ssml: bool = False) -> SpeechAudio: ...


def _language_keys(language: str) -> list[str]:
    code = language.strip().lower().replace("_", "-")
    return [code, code.split("-")[0]]


def polly_voice(language: str, engine: str) -> tuple[str, str]:
    """(VoiceId, LanguageCode) for a course language such as "en", "hi" or "en-IN"."""
    for key in _language_keys(language):
        if key in POLLY_VOICES:
            voices = POLLY_VOICES[key]
            if engine not in voices:
                raise IntegrationError(
                    f"No Polly {engine} voice configured for {language!r}; "
                    f"set KALPLA_POLLY_ENGINE to one of {', '.join(sorted(voices))}."
                )
            return voices[engine]
    raise IntegrationError(f"Polly has no voice configured for language {language!r}.")


def espeak_voice(language: str) -> str:
    code, base = _language_keys(language)
    return ESPEAK_VOICES.get(code) or ESPEAK_VOICES.get(base) or base


def _text_units(text: str, limit: int) -> list[str]:
    """Sentences of ``text`` (an over-long one cut at commas, then spaces), joinable as is."""
    units: list[str] = []
    for sentence in _SENTENCE_BREAK.split(text):
        units.extend(_fit(sentence, limit, _FALLBACK_BREAKS))
    return [unit for unit in units if unit]


def _fit(piece: str, limit: int, breaks: tuple[re.Pattern[str], ...]) -> list[str]:
    if len(piece) <= limit:
        return [piece]
    for index, pattern in enumerate(breaks):
        parts = [part for part in pattern.split(piece) if part]
        if len(parts) > 1:
            return [small for part in parts for small in _fit(part, limit, breaks[index:])]
    return [piece[i : i + limit] for i in range(0, len(piece), limit)]


def split_text(text: str, *, max_chars: int = MAX_BILLED_CHARS) -> list[str]:
    """Plain text in chunks of at most ``max_chars``, broken between sentences."""
    chunks: list[str] = []
    current = ""
    for unit in _text_units(text, max_chars):
        if current.strip() and len(current) + len(unit) > max_chars:
            chunks.append(current)
            current = ""
        current += unit
    chunks.append(current)
    return [chunk.strip() for chunk in chunks if chunk.strip()]


def split_ssml(
    ssml: str, *, max_billed: int = MAX_BILLED_CHARS, max_total: int = MAX_TOTAL_CHARS
) -> list[str]:
    """SSML in chunks that are each a whole <speak> document, broken between sentences.

    Tags open at a break are closed at the end of one chunk and opened again at the start of
    the next, so <prosody>, <lang> and the like keep applying. Only text is billed.
    """
    ssml = ssml.strip()
    if not re.match(r"<speak[\s>]", ssml) or not ssml.endswith("</speak>"):
        raise IntegrationError("SSML must be one <speak>...</speak> document.")
    chunks: list[str] = []
    current: list[str] = []
    stack: list[tuple[str, str]] = []  # (name, opening tag) of the elements open now
    billed = 0
    length = 0

    def closing_tags() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(stack))

    for token in _TAG.split(ssml):
        if not token:
            continue
        is_tag = token.startswith("<")
        units = [token] if is_tag else _text_units(token, max_billed)
        for unit in units:
            cost = 0 if is_tag else len(html.unescape(unit))
            too_big = billed + cost > max_billed or (
                length + len(unit) + len(closing_tags()) > max_total
            )
            # Break before text or an opening tag; a closing tag or bare space stays behind.
            if billed and too_big and unit.strip() and not unit.startswith("</"):
                chunks.append("".join(current) + closing_tags())
                current = [opening for _, opening in stack]
                billed, length = 0, sum(len(opening) for opening in current)
            current.append(unit)
            billed += cost
            length += len(unit)
            if is_tag:
                _track(stack, unit)
    if stack:
        raise IntegrationError("SSML tags are not balanced.")
    chunks.append("".join(current))
    return chunks


def _track(stack: list[tuple[str, str]], tag: str) -> None:
    if tag.startswith(("<?", "<!")) or tag.endswith("/>"):
        return
    match = _TAG_NAME.match(tag)
    if match is None:
        raise IntegrationError(f"Unreadable SSML tag {tag!r}.")
    name = match.group(1)
    if tag.startswith("</"):
        if not stack or stack[-1][0] != name:
            raise IntegrationError("SSML tags are not balanced.")
        stack.pop()
    else:
        stack.append((name, tag))


class AwsSpeechSynthesizer:
    def __init__(self, polly: Any | None = None) -> None:
        self.polly = polly or client("polly")

    def synthesize(self, text: str, *, language: str, ssml: bool = False) -> SpeechAudio:
        engine = settings.KALPLA_POLLY_ENGINE
        voice_id, language_code = polly_voice(language, engine)
        chunks = split_ssml(text) if ssml else split_text(text)
        if not chunks:
            raise IntegrationError("There is no text to speak.")
        parts: list[bytes] = []
        for chunk in chunks:
            with aws_errors("Polly synthesize_speech"):
                response = self.polly.synthesize_speech(
                    Engine=engine,
                    LanguageCode=language_code,
                    OutputFormat="mp3",
                    Text=chunk,
                    TextType="ssml" if ssml else "text",
                    VoiceId=voice_id,
                )
                with closing(response["AudioStream"]) as stream:
                    parts.append(stream.read())
        return SpeechAudio(
            audio=b"".join(parts),
            content_type="audio/mpeg",
            format="mp3",
            voice=voice_id,
            chunks=len(chunks),
        )

    def voices(self, *, language_code: str | None = None) -> list[PollyVoice]:
        params: dict[str, Any] = {"IncludeAdditionalLanguageCodes": True}
        if language_code:
            params["LanguageCode"] = language_code
        found: list[PollyVoice] = []
        while True:
            with aws_errors("Polly describe_voices"):
                response = self.polly.describe_voices(**params)
            found.extend(
                PollyVoice(
                    id=voice["Id"],
                    language_code=voice.get("LanguageCode", ""),
                    additional_language_codes=tuple(voice.get("AdditionalLanguageCodes", ())),
                    engines=tuple(voice.get("SupportedEngines", ())),
                    gender=voice.get("Gender", ""),
                )
                for voice in response.get("Voices", [])
            )
            if not response.get("NextToken"):
                return found
            params["NextToken"] = response["NextToken"]


class LocalSpeechSynthesizer:
    """espeak-ng: robotic but intelligible, offline; MP3 when ffmpeg is installed, else WAV."""

    def synthesize(self, text: str, *, language: str, ssml: bool = False) -> SpeechAudio:
        if not text.strip():
            raise IntegrationError("There is no text to speak.")
        voice = espeak_voice(language)
        with tempfile.TemporaryDirectory(prefix="kalpla-speech-") as tmp:
            wav = Path(tmp) / "speech.wav"
            args = ["-v", voice, "-w", str(wav), "--stdin", *(["-m"] if ssml else [])]
            try:
                media.run_tool("espeak-ng", args, input_bytes=text.encode())
            except CapabilityUnavailable:
                raise
            except IntegrationError as exc:
                if "voice does not exist" in str(exc):
                    raise CapabilityUnavailable(f"espeak-ng has no voice for {language!r}") from exc
                raise
            if media.tool_available("ffmpeg"):
                mp3 = media.to_mp3(wav, Path(tmp) / "speech.mp3")
                return SpeechAudio(mp3.read_bytes(), "audio/mpeg", "mp3", f"espeak-ng:{voice}")
            return SpeechAudio(wav.read_bytes(), "audio/wav", "wav", f"espeak-ng:{voice}")


def get_speech_synthesizer() -> SpeechSynthesizer:
    backends: dict[str, str | Callable[[], SpeechSynthesizer]] = {
        "local": LocalSpeechSynthesizer,
        "aws": AwsSpeechSynthesizer,
    }
    return choose_backend("KALPLA_AI_BACKEND", backends)
