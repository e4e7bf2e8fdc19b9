"""Transcription: captions, pocketsphinx for real, Amazon Transcribe through moto and Stubber,
and the transcription service (polling the job it started, adopting a lost one)."""

import json
import re
from itertools import pairwise

import pytest
from botocore.stub import Stubber
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from kalpla.integrations import aws as aws_integration
from kalpla.integrations import transcribe as transcribe_integration
from kalpla.integrations.base import (
    CapabilityUnavailable,
    IntegrationError,
    JobNotReady,
    TransientIntegrationError,
)
from kalpla.integrations.polly import LocalSpeechSynthesizer
from kalpla.integrations.transcribe import (
    AwsTranscriber,
    LocalTranscriber,
    TranscriptionState,
    parse_transcribe_json,
    transcribe_language,
    transcript_key,
)
from kalpla.testing.tools import require_tool
from mediatools import speech
from mediatools.captions import (
    CaptionError,
    Cue,
    Word,
    cues_from_words,
    parse_vtt,
    plain_text,
    to_vtt,
)

BUCKET = "kalpla-transcribe"
SPOKEN = "Welcome to the course. Today we learn about computers and numbers."

# The documented Amazon Transcribe output shape (results.transcripts / results.items).
TRANSCRIBE_OUTPUT = {
    "jobName": "placeholder",
    "accountId": "123456789012",
    "status": "COMPLETED",
    "results": {
        "transcripts": [{"transcript": "Hello world. How are you today?"}],
        "items": [
            {
                "start_time": "0.04",
                "end_time": "0.52",
                "alternatives": [{"confidence": "0.99", "content": "Hello"}],
                "type": "pronunciation",
            },
            {
                "start_time": "0.52",
                "end_time": "1.01",
                "alternatives": [{"confidence": "0.98", "content": "world"}],
                "type": "pronunciation",
            },
            {"alternatives": [{"confidence": "0.0", "content": "."}], "type": "punctuation"},
            *[
                {
                    "start_time": f"{1.5 + 0.4 * i:.2f}",
                    "end_time": f"{1.8 + 0.4 * i:.2f}",
                    "alternatives": [{"confidence": "0.97", "content": word}],
                    "type": "pronunciation",
                }
                for i, word in enumerate(["How", "are", "you", "today"])
            ],
            {"alternatives": [{"confidence": "0.0", "content": "?"}], "type": "punctuation"},
        ],
    },
}


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
def fast_polling(monkeypatch):
    """One status check per run."""
    monkeypatch.setattr(speech, "TRANSCRIBE_POLL_SECONDS", 0.0)


@pytest.fixture
def transcribe_bucket(aws, settings):
    settings.KALPLA_TRANSCRIBE_BUCKET = BUCKET
    s3 = aws_integration.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    return s3


class MotoTranscriber(AwsTranscriber):
    """Amazon Transcribe as moto runs it, plus the one thing moto skips: writing the output.

    Real Transcribe writes its JSON to OutputKey when the job completes; moto writes nothing,
    so this puts the documented output there when the job starts.
    """

    def start(self, *, job_name: str, media_key: str, language: str) -> str:
        external_id = super().start(job_name=job_name, media_key=media_key, language=language)
        output = {**TRANSCRIBE_OUTPUT, "jobName": job_name}
        self.s3.put_object(
            Bucket=self.bucket, Key=transcript_key(job_name), Body=json.dumps(output)
        )
        return external_id


def transcription_jobs() -> list[dict]:
    client = aws_integration.client("transcribe")
    return client.list_transcription_jobs()["TranscriptionJobSummaries"]


def spoken_media(storage, name: str, text: str = SPOKEN) -> str:
    """A lecture recording: ``text`` spoken by espeak-ng, stored in default storage."""
    audio = LocalSpeechSynthesizer().synthesize(text, language="en")
    stored = storage.save(f"{name}.{audio.format}", ContentFile(audio.audio))
    return stored


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def word_accuracy(reference: str, hypothesis: str) -> float:
    """1 - word error rate (Levenshtein distance over words), floored at 0."""
    ref, hyp = _words(reference), _words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return max(0.0, 1 - row[-1] / max(len(ref), 1))


# --- captions -------------------------------------------------------------------------------


def _timed(text: str, start: float = 0.0, step: float = 0.4) -> list[Word]:
    return [
        Word(text=w, start=round(start + i * step, 3), end=round(start + i * step + 0.3, 3))
        for i, w in enumerate(text.split())
    ]


def test_cues_respect_the_line_length():
    words = _timed("one two three four five six seven eight nine ten eleven twelve thirteen")
    cues = cues_from_words(words, max_chars=20)

    assert all(len(cue.text) <= 20 for cue in cues)
    assert plain_text(cues).split() == [w.text for w in words]


def test_cues_break_at_sentence_ends_long_pauses_and_max_duration():
    words = [
        *_timed("Hello there."),
        *_timed("After a pause", start=5.0),
        *_timed("a b c d e f g h i j k l m n o p", start=10.0, step=0.5),
    ]
    cues = cues_from_words(words, max_chars=80, max_duration=3.0)

    assert cues[0].text == "Hello there."
    assert cues[1].text == "After a pause"
    assert all(cue.end - cue.start <= 3.0 + 0.3 for cue in cues[2:])
    assert len(cues) >= 5


def test_cues_never_overlap_and_have_a_minimum_length():
    words = [Word("a", 1.0, 1.0), Word("b.", 0.9, 0.95), Word("c", 0.95, 2.0)]
    cues = cues_from_words(words)

    for earlier, later in pairwise(cues):
        assert later.start >= earlier.end
    assert all(cue.end > cue.start for cue in cues)


def test_vtt_round_trip_escapes_markup():
    cues = [Cue(0.5, 1.25, "a < b & c --> d"), Cue(2, 3.5, "second line")]

    text = to_vtt(cues)

    assert text.startswith("WEBVTT")
    assert "00:00:00.500 --> 00:00:01.250" in text
    assert "-->  d" not in text and "&lt;" in text
    assert parse_vtt(text) == cues


def test_parse_vtt_refuses_other_text():
    with pytest.raises(CaptionError):
        parse_vtt("1\n00:00:01,000 --> 00:00:02,000\nan SRT file\n")


# --- language mapping and the documented output ---------------------------------------------


@pytest.mark.parametrize(
    ("language", "code"),
    [("en", "en-US"), ("hi", "hi-IN"), ("en-in", "en-IN"), ("es", "es-ES"), ("de_DE", "de-DE")],
)
def test_transcribe_language_codes(language, code):
    assert transcribe_language(language) == code


def test_transcribe_language_unknown_is_refused():
    with pytest.raises(IntegrationError):
        transcribe_language("tlh")


def test_parse_transcribe_output_attaches_punctuation():
    transcript = parse_transcribe_json(TRANSCRIBE_OUTPUT, language="en-US")

    assert transcript.text == "Hello world. How are you today?"
    assert [w.text for w in transcript.words] == ["Hello", "world.", "How", "are", "you", "today?"]
    assert transcript.words[1].start == 0.52 and transcript.words[1].end == 1.01
    cues = cues_from_words(transcript.words)
    assert [c.text for c in cues] == ["Hello world.", "How are you today?"]


def test_parse_transcribe_output_refuses_other_shapes():
    with pytest.raises(IntegrationError, match="Unexpected"):
        parse_transcribe_json({"results": {"items": [{"type": "pronunciation"}]}}, language="en")


# --- pocketsphinx ---------------------------------------------------------------------------


def test_espeak_speech_transcribed_by_pocketsphinx_gives_webvtt(media_storage):
    require_tool("espeak-ng")
    require_tool("ffmpeg")
    name = spoken_media(media_storage, "lessons/1/intro")

    result = speech.transcription_run(media_name=name, language="en", job_name="kalpla-intro")

    assert result.quality == "rough (offline pocketsphinx)"
    cues = parse_vtt(result.vtt)
    assert cues and all(cue.text.strip() for cue in cues)
    starts = [cue.start for cue in cues]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(cue.end > cue.start for cue in cues)
    assert all(a.end <= b.start for a, b in pairwise(cues))
    heard = result.text.strip()
    assert heard and result.words == len(heard.split())
    print(f"\npocketsphinx heard: {heard!r}; word accuracy {word_accuracy(SPOKEN, heard):.0%}")


def test_local_transcriber_lifecycle_is_synchronous(media_storage):
    require_tool("espeak-ng")
    require_tool("ffmpeg")
    name = spoken_media(media_storage, "clips/hello", "Hello world.")
    transcriber = LocalTranscriber()

    external_id = transcriber.start(job_name="t1", media_key=name, language="en")

    assert transcriber.status(external_id).state == TranscriptionState.COMPLETED
    transcript = transcriber.fetch(external_id)
    assert transcript.quality == "rough (offline pocketsphinx)"
    assert transcript.words and all(w.end > w.start for w in transcript.words)


def test_local_transcriber_has_no_hindi_model():
    with pytest.raises(CapabilityUnavailable, match="no local speech model for hi"):
        LocalTranscriber().start(job_name="t2", media_key="any.wav", language="hi")


def test_transcription_of_missing_media_is_refused(media_storage):
    with pytest.raises(ValidationError, match="does not exist"):
        speech.transcription_run(media_name="lessons/none.mp3", language="en", job_name="t3")


# --- Amazon Transcribe through moto ---------------------------------------------------------


def test_transcribe_lifecycle_against_moto(transcribe_bucket, media_storage):
    name = media_storage.save("lessons/3/talk.mp3", ContentFile(b"ID3 fake mp3 bytes"))
    transcriber = AwsTranscriber()

    key = transcriber.stage(media_name=name, job_name="kalpla-life")
    assert key == "transcribe-input/kalpla-life/talk.mp3"
    uploaded = transcribe_bucket.get_object(Bucket=BUCKET, Key=key)
    assert uploaded["Body"].read() == b"ID3 fake mp3 bytes"
    assert uploaded["ServerSideEncryption"] == "AES256"

    external_id = transcriber.start(job_name="kalpla-life", media_key=key, language="en")
    states = [transcriber.status(external_id).state for _ in range(3)]
    assert states == ["QUEUED", "IN_PROGRESS", "COMPLETED"]

    # moto writes no transcript: put the documented output where Transcribe would.
    output = {**TRANSCRIBE_OUTPUT, "jobName": external_id}
    transcribe_bucket.put_object(
        Bucket=BUCKET, Key="transcripts/kalpla-life.json", Body=json.dumps(output)
    )
    transcript = transcriber.fetch(external_id)
    assert transcript.language == "en-US"
    assert transcript.text == "Hello world. How are you today?"
    vtt = to_vtt(cues_from_words(transcript.words))
    assert [c.text for c in parse_vtt(vtt)] == ["Hello world.", "How are you today?"]

    (job,) = transcription_jobs()
    assert job["TranscriptionJobName"] == "kalpla-life"
    assert job["LanguageCode"] == "en-US"


def test_transcribe_stage_skips_an_upload_already_made(transcribe_bucket, media_storage):
    name = media_storage.save("lessons/4/talk.wav", ContentFile(b"RIFF data"))
    transcriber = AwsTranscriber()
    key = transcriber.stage(media_name=name, job_name="kalpla-once")
    transcribe_bucket.put_object(Bucket=BUCKET, Key=key, Body=b"RIFF DATA")  # same size

    assert transcriber.stage(media_name=name, job_name="kalpla-once") == key
    assert transcribe_bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"RIFF DATA"


def test_transcribe_start_twice_adopts_the_existing_job(transcribe_bucket):
    transcriber = AwsTranscriber()

    first = transcriber.start(job_name="kalpla-dup", media_key="a/b.wav", language="hi")
    second = transcriber.start(job_name="kalpla-dup", media_key="a/b.wav", language="hi")

    assert first == second == "kalpla-dup"
    assert len(transcription_jobs()) == 1


def test_transcribe_request_shape(settings):
    settings.KALPLA_TRANSCRIBE_BUCKET = BUCKET
    client = aws_integration.client("transcribe", region_name="us-east-1")
    s3 = aws_integration.client("s3", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response(
            "start_transcription_job",
            {
                "TranscriptionJob": {
                    "TranscriptionJobName": "kalpla-7-1",
                    "TranscriptionJobStatus": "QUEUED",
                }
            },
            {
                "TranscriptionJobName": "kalpla-7-1",
                "LanguageCode": "hi-IN",
                "MediaFormat": "mp4",
                "Media": {"MediaFileUri": f"s3://{BUCKET}/media/lessons/7/class.mp4"},
                "OutputBucketName": BUCKET,
                "OutputKey": "transcripts/kalpla-7-1.json",
            },
        )
        stub.add_response(
            "get_transcription_job",
            {
                "TranscriptionJob": {
                    "TranscriptionJobName": "kalpla-7-1",
                    "TranscriptionJobStatus": "FAILED",
                    "FailureReason": "The media format is not supported.",
                }
            },
            {"TranscriptionJobName": "kalpla-7-1"},
        )
        transcriber = AwsTranscriber(transcribe=client, s3=s3)
        external_id = transcriber.start(
            job_name="kalpla-7-1", media_key="media/lessons/7/class.mp4", language="hi"
        )
        status = transcriber.status(external_id)
        stub.assert_no_pending_responses()
    assert status.state == TranscriptionState.FAILED and status.finished
    assert status.failure_reason == "The media format is not supported."


def test_transcribe_throttling_is_transient(settings):
    settings.KALPLA_TRANSCRIBE_BUCKET = BUCKET
    client = aws_integration.client("transcribe", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error(
            "get_transcription_job", "LimitExceededException", http_status_code=400
        )
        with pytest.raises(TransientIntegrationError):
            AwsTranscriber(transcribe=client, s3=object()).status("kalpla-x")


def test_transcribe_without_a_bucket_is_unavailable(settings):
    settings.KALPLA_TRANSCRIBE_BUCKET = ""
    with pytest.raises(CapabilityUnavailable, match="KALPLA_TRANSCRIBE_BUCKET"):
        AwsTranscriber()


# --- the transcription service on AWS ------------------------------------------------------


def test_transcription_run_polls_the_aws_job_it_started(
    transcribe_bucket, media_storage, fast_polling, monkeypatch
):
    monkeypatch.setattr(speech, "get_transcriber", MotoTranscriber)
    name = media_storage.save("lessons/5/talk.mp3", ContentFile(b"ID3 mp3"))
    started: list[str] = []

    # the first run starts the AWS job and reports its id before waiting (QUEUED)
    with pytest.raises(JobNotReady, match="QUEUED"):
        speech.transcription_run(
            media_name=name, language="en", job_name="kalpla-5-1", on_started=started.append
        )
    assert started == ["kalpla-5-1"]
    # the next run polls that job instead of starting another (IN_PROGRESS)
    with pytest.raises(JobNotReady, match="IN_PROGRESS"):
        speech.transcription_run(
            media_name=name, language="en", job_name="kalpla-5-1", external_id=started[0]
        )
    # a caller that lost the id (a worker died before recording it): the start is adopted
    result = speech.transcription_run(media_name=name, language="en", job_name="kalpla-5-1")

    assert [j["TranscriptionJobName"] for j in transcription_jobs()] == ["kalpla-5-1"]
    assert result.external_id == "kalpla-5-1"
    assert [c.text for c in parse_vtt(result.vtt)] == ["Hello world.", "How are you today?"]
    assert result.text == "Hello world. How are you today?"


def test_transcription_run_reports_an_aws_failure(
    transcribe_bucket, media_storage, fast_polling, monkeypatch
):
    class FailingTranscriber(MotoTranscriber):
        def status(self, external_id):
            return transcribe_integration.TranscriptionStatus(
                TranscriptionState.FAILED, "Unsupported media"
            )

    monkeypatch.setattr(speech, "get_transcriber", FailingTranscriber)
    name = media_storage.save("lessons/6/talk.mp3", ContentFile(b"ID3"))

    with pytest.raises(IntegrationError, match="Transcription failed: Unsupported media") as info:
        speech.transcription_run(media_name=name, language="en", job_name="kalpla-6-1")
    assert not isinstance(info.value, TransientIntegrationError)
