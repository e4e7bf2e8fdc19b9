"""Speech synthesis: espeak-ng for real, Polly through moto (voices) and Stubber (requests)."""

import io
import re
import xml.etree.ElementTree as ET

import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from django.core.exceptions import ValidationError
from django.core.files.storage import storages

from kalpla.integrations import aws as aws_integration
from kalpla.integrations.base import (
    CapabilityUnavailable,
    IntegrationError,
    TransientIntegrationError,
)
from kalpla.integrations.polly import (
    MAX_BILLED_CHARS,
    POLLY_VOICES,
    AwsSpeechSynthesizer,
    LocalSpeechSynthesizer,
    get_speech_synthesizer,
    polly_voice,
    split_ssml,
    split_text,
)
from kalpla.testing.tools import require_tool
from mediatools import tools as media
from mediatools.speech import speech_synthesize

SENTENCE = "Welcome to the course. Today we learn how computers store numbers."
LONG_TEXT = " ".join(
    f"Sentence number {i} explains one more idea about learning online, slowly and clearly."
    for i in range(120)
)  # about 10,000 characters


@pytest.fixture
def media_storage(settings, tmp_path):
    settings.AWS_STORAGE_BUCKET_NAME = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return storages["default"]


@pytest.fixture
def espeak():
    return require_tool("espeak-ng")


def _billed(chunk: str) -> int:
    import html

    return len(html.unescape(re.sub(r"<[^>]*>", "", chunk)))


# --- splitting long text --------------------------------------------------------------------


def test_split_text_keeps_chunks_under_the_limit_at_sentence_ends():
    chunks = split_text(LONG_TEXT)

    assert len(chunks) == 4
    assert all(len(chunk) <= MAX_BILLED_CHARS for chunk in chunks)
    assert all(chunk.endswith(".") for chunk in chunks)
    assert " ".join(chunks).split() == LONG_TEXT.split()


def test_split_text_cuts_a_long_sentence_at_commas_then_spaces():
    sentence = ", ".join(["word " * 30] * 10) + "."  # ~1,500 characters, no full stop inside

    chunks = split_text(sentence, max_chars=400)

    assert len(chunks) > 3
    assert all(len(chunk) <= 400 for chunk in chunks)
    assert " ".join(chunks).split() == sentence.split()


def test_split_text_hard_cuts_an_endless_word():
    assert split_text("x" * 7000) == ["x" * 3000, "x" * 3000, "x" * 1000]


def test_split_text_of_blank_text_is_empty():
    assert split_text("   \n ") == []


def test_split_ssml_gives_whole_documents_and_reopens_open_tags():
    body = " ".join(f"Point {i} &amp; its detail, said slowly." for i in range(300))
    ssml = f'<speak><prosody rate="slow">{body}</prosody><break time="1s"/>Bye.</speak>'

    chunks = split_ssml(ssml)

    assert len(chunks) >= 3
    for chunk in chunks:
        root = ET.fromstring(chunk)  # each chunk is well-formed on its own
        assert root.tag == "speak"
        assert _billed(chunk) <= 3000 and len(chunk) <= 6000
    assert all(chunk.startswith('<speak><prosody rate="slow">') for chunk in chunks)
    assert chunks[-1].endswith('</prosody><break time="1s"/>Bye.</speak>')
    spoken = " ".join(_billed_text(c) for c in chunks).split()
    assert spoken == _billed_text(ssml).split()


def _billed_text(chunk: str) -> str:
    return re.sub(r"<[^>]*>", " ", chunk)


def test_split_ssml_leaves_short_documents_alone():
    ssml = "<speak>Hello <emphasis>there</emphasis>.</speak>"
    assert split_ssml(ssml) == [ssml]


@pytest.mark.parametrize(
    "ssml",
    ["Hello", "<p>Hello</p>", "<speak><p>Hello</speak>", "<speak>Hi</p></speak>"],
)
def test_split_ssml_refuses_broken_documents(ssml):
    with pytest.raises(IntegrationError):
        split_ssml(ssml)


# --- voices ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "engine", "expected"),
    [
        ("en", "neural", ("Joanna", "en-US")),
        ("en-US", "standard", ("Joanna", "en-US")),
        ("en_IN", "neural", ("Kajal", "en-IN")),
        ("hi", "neural", ("Kajal", "hi-IN")),
        ("hi", "standard", ("Aditi", "hi-IN")),
        ("es", "neural", ("Lucia", "es-ES")),
        ("fr", "neural", ("Lea", "fr-FR")),
        ("de-DE", "neural", ("Vicki", "de-DE")),
    ],
)
def test_polly_voice_per_language(language, engine, expected):
    assert polly_voice(language, engine) == expected


def test_polly_voice_unknown_language_or_engine_is_refused():
    with pytest.raises(IntegrationError, match="no voice configured"):
        polly_voice("tlh", "neural")
    with pytest.raises(IntegrationError, match="KALPLA_POLLY_ENGINE"):
        polly_voice("en", "long-form")


def test_polly_describe_voices_through_moto(aws):
    voices = AwsSpeechSynthesizer().voices()

    assert len(voices) > 50
    joanna = next(v for v in voices if v.id == "Joanna")
    assert joanna.language_code == "en-US" and "neural" in joanna.engines
    indian = AwsSpeechSynthesizer().voices(language_code="en-IN")
    assert {"Kajal", "Raveena"} <= {v.id for v in indian}
    assert all(v.language_code == "en-IN" for v in indian)


def test_every_configured_voice_speaks_its_language_with_its_engine(aws):
    voices = {v.id: v for v in AwsSpeechSynthesizer().voices()}

    for language, engines in POLLY_VOICES.items():
        for engine, (voice_id, language_code) in engines.items():
            voice = voices[voice_id]
            languages = {voice.language_code, *voice.additional_language_codes}
            assert language_code in languages, (language, voice_id)
            assert engine in voice.engines, (language, voice_id, engine)


# --- Polly synthesis ------------------------------------------------------------------------


def test_polly_long_text_is_sent_in_chunks_and_joined(aws, settings):
    settings.KALPLA_POLLY_ENGINE = "neural"
    synthesizer = AwsSpeechSynthesizer()
    sent = []
    synthesizer.polly.meta.events.register(
        "before-parameter-build.polly.SynthesizeSpeech",
        lambda params, **kw: sent.append(dict(params)),
    )

    audio = synthesizer.synthesize(LONG_TEXT, language="hi")

    assert len(sent) == 4 == audio.chunks
    assert all(len(p["Text"]) <= MAX_BILLED_CHARS for p in sent)
    assert {(p["VoiceId"], p["LanguageCode"], p["Engine"]) for p in sent} == {
        ("Kajal", "hi-IN", "neural")
    }
    assert audio.audio == b"\x00" * 8 * 4  # moto's canned 8 bytes per request, in order
    assert (audio.format, audio.content_type, audio.voice) == ("mp3", "audio/mpeg", "Kajal")


def test_polly_request_shape_for_ssml(settings):
    settings.KALPLA_POLLY_ENGINE = "standard"
    polly = aws_integration.client("polly", region_name="us-east-1")
    ssml = '<speak>Namaste. <break time="500ms"/> Aaj hum padhenge.</speak>'
    with Stubber(polly) as stub:
        stub.add_response(
            "synthesize_speech",
            {
                "AudioStream": StreamingBody(io.BytesIO(b"ID3mp3"), 6),
                "ContentType": "audio/mpeg",
                "RequestCharacters": 32,
            },
            {
                "Engine": "standard",
                "LanguageCode": "hi-IN",
                "OutputFormat": "mp3",
                "Text": ssml,
                "TextType": "ssml",
                "VoiceId": "Aditi",
            },
        )
        audio = AwsSpeechSynthesizer(polly=polly).synthesize(ssml, language="hi", ssml=True)
        stub.assert_no_pending_responses()
    assert audio.audio == b"ID3mp3"
    assert audio.voice == "Aditi"


def test_polly_throttling_is_transient():
    polly = aws_integration.client("polly", region_name="us-east-1")
    with Stubber(polly) as stub:
        stub.add_client_error("synthesize_speech", "ThrottlingException", http_status_code=400)
        with pytest.raises(TransientIntegrationError):
            AwsSpeechSynthesizer(polly=polly).synthesize("Hello.", language="en")


def test_polly_speech_is_stored_through_the_service(aws, media_storage):
    name = speech_synthesize(text=LONG_TEXT, language="en", storage_name="speech/long")

    assert name == "speech/long.mp3"
    with media_storage.open(name, "rb") as stored:
        assert stored.read() == b"\x00" * 32


# --- espeak-ng ------------------------------------------------------------------------------


def test_espeak_writes_a_playable_wav_without_ffmpeg(espeak, settings, tmp_path):
    require_tool("ffprobe")
    settings.KALPLA_FFMPEG_BINARY = "no-such-ffmpeg"  # WAV is what remains without ffmpeg

    audio = LocalSpeechSynthesizer().synthesize(SENTENCE, language="en")

    assert (audio.format, audio.content_type) == ("wav", "audio/wav")
    assert audio.audio[:4] == b"RIFF" and audio.audio[8:12] == b"WAVE"
    path = tmp_path / "speech.wav"
    path.write_bytes(audio.audio)
    info = media.probe(path)
    assert info.has_audio and info.duration > 0.5


def test_espeak_with_ffmpeg_gives_mp3(espeak, tmp_path):
    require_tool("ffmpeg")

    audio = LocalSpeechSynthesizer().synthesize(SENTENCE, language="en")

    assert (audio.format, audio.content_type, audio.voice) == (
        "mp3",
        "audio/mpeg",
        "espeak-ng:en-us",
    )
    path = tmp_path / "speech.mp3"
    path.write_bytes(audio.audio)
    assert media.probe(path).duration > 2.0


def test_espeak_ssml_honours_tags_instead_of_reading_them(espeak, tmp_path):
    require_tool("ffmpeg")
    synth = LocalSpeechSynthesizer()
    plain = synth.synthesize("Hello world.", language="en")
    marked = synth.synthesize(
        '<speak>Hello <break time="2s"/> world.</speak>', language="en", ssml=True
    )

    durations = []
    for index, audio in enumerate((plain, marked)):
        path = tmp_path / f"{index}.mp3"
        path.write_bytes(audio.audio)
        durations.append(media.probe(path).duration)
    # The pause is heard; had the tags been read aloud it would be far longer than 2 s extra.
    assert 1.5 < durations[1] - durations[0] < 3.5


def test_espeak_speaks_hindi(espeak, tmp_path):
    audio = LocalSpeechSynthesizer().synthesize("नमस्ते, आज हम पढ़ेंगे।", language="hi")

    assert audio.voice == "espeak-ng:hi"
    path = tmp_path / f"hi.{audio.format}"
    path.write_bytes(audio.audio)
    assert media.probe(path).duration > 0.5


def test_espeak_without_a_voice_for_the_language_is_unavailable(espeak):
    with pytest.raises(CapabilityUnavailable, match="no voice for 'tlh'"):
        LocalSpeechSynthesizer().synthesize("nuqneH", language="tlh")


def test_espeak_not_installed_is_unavailable_never_silence(settings):
    settings.KALPLA_ESPEAK_BINARY = "no-such-espeak-ng"

    with pytest.raises(CapabilityUnavailable, match="espeak-ng is not installed"):
        LocalSpeechSynthesizer().synthesize(SENTENCE, language="en")


def test_local_backend_is_the_default(settings):
    settings.KALPLA_AI_BACKEND = "local"
    assert isinstance(get_speech_synthesizer(), LocalSpeechSynthesizer)


# --- service ------------------------------------------------------------------------------


def test_speech_synthesize_overwrites_the_same_name(espeak, media_storage):
    first = speech_synthesize(text=SENTENCE, language="en", storage_name="speech/intro.mp3")
    second = speech_synthesize(text="Shorter.", language="en", storage_name="speech/intro.mp3")

    assert first == second
    extension = first.rsplit(".", 1)[1]
    assert media_storage.listdir("speech")[1] == [f"intro.{extension}"]
    assert media_storage.size(first) > 0


def test_speech_synthesize_refuses_empty_text(media_storage):
    with pytest.raises(ValidationError):
        speech_synthesize(text="  ", language="en", storage_name="speech/empty")
