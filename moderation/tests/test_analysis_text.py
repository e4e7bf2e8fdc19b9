"""Text analysis: the local backend for real, Comprehend through moto and botocore's Stubber."""

import pytest
from botocore.stub import Stubber

from accounts.tests.factories import UserFactory
from kalpla.integrations.base import CapabilityUnavailable, TransientIntegrationError
from kalpla.integrations.comprehend import (
    AwsTextAnalyzer,
    LocalTextAnalyzer,
    get_text_analyzer,
    luhn_valid,
    split_bytes,
)
from moderation import analysis
from moderation.models import ModerationItem

INSULT = "You are a stupid worthless idiot"
PRAISE = "This course is wonderful, the mentor explains everything clearly. I love it!"
FRENCH = "Je suis très heureux de suivre ce cours de programmation avec vous."
HINDI = "मुझे यह पाठ्यक्रम बहुत पसंद आया और मैंने बहुत कुछ सीखा।"
POLITE = "Thank you for the lovely lesson, it was very clear."


@pytest.fixture
def local():
    return LocalTextAnalyzer()


def _moto_requests(client) -> list[str]:
    """URLs the client really sent (the Stubber never sends, so these went over HTTP)."""
    urls: list[str] = []
    client.meta.events.register("before-send", lambda request, **_: urls.append(request.url))
    return urls


# --- local backend ----------------------------------------------------------------------------


def test_local_sentiment_negative_for_an_insult(local):
    result = local.sentiment(INSULT, language="en")
    assert result.label == "NEGATIVE"
    assert result.scores["negative"] > 0.5 > result.scores["positive"]
    assert set(result.scores) == {"positive", "negative", "neutral", "mixed"}


def test_local_sentiment_positive_neutral_and_mixed(local):
    assert local.sentiment(PRAISE, language="en").label == "POSITIVE"
    assert local.sentiment("The lesson is on Monday.", language="en").label == "NEUTRAL"
    mixed = local.sentiment("Great teacher, terrible audio.", language="en")
    assert mixed.label == "MIXED"
    assert mixed.scores["mixed"] >= 0.25


def test_local_sentiment_is_honest_about_other_languages(local):
    with pytest.raises(CapabilityUnavailable, match="English only"):
        local.sentiment(FRENCH, language="fr")


def test_local_language_detection(local):
    french = local.dominant_language(FRENCH)
    assert french.code == "fr" and french.score > 0.9
    assert local.dominant_language(HINDI).code == "hi"
    assert local.dominant_language(PRAISE).code == "en"
    assert local.dominant_language("12345 !!!").code == "und"


def test_local_language_detection_is_deterministic(local):
    short = "ok merci"
    assert len({local.dominant_language(short).code for _ in range(10)}) == 1


def test_local_toxicity_flags_profanity_and_insults(local):
    profane = local.toxicity("what the fuck is this shit", language="en")
    assert profane.toxic and profane.score == 1.0
    assert [name for name, _ in profane.labels] == ["PROFANITY"]

    insult = local.toxicity("honestly you are such a clown", language="en")
    assert insult.toxic and ("INSULT", 0.8) in insult.labels

    threat = local.toxicity("kys", language="en")
    assert threat.toxic and "VIOLENCE_OR_THREAT" in dict(threat.labels)


def test_local_toxicity_leaves_polite_text_alone(local):
    for text in (POLITE, "This assignment is hard", "Scunthorpe is a town", ""):
        result = local.toxicity(text, language="en")
        assert (result.toxic, result.score, result.labels) == (False, 0.0, [])


def test_local_toxicity_score_grows_with_the_share_of_swear_words(local):
    diluted = local.toxicity("damn " + "fine words about the course " * 20, language="en")
    dense = local.toxicity("damn damn damn", language="en")
    assert 0.5 <= diluted.score < dense.score == 1.0


def test_luhn():
    assert luhn_valid("4111111111111111")
    assert luhn_valid("5555555555554444")
    assert not luhn_valid("4111111111111112")


def test_local_pii_finds_email_indian_phone_and_valid_card(local):
    text = (
        "Write to priya.sharma@example.co.in, call +91 98765 43210 after 6 pm. "
        "Card 4111 1111 1111 1111; order no. 4111 1111 1111 1112."
    )
    found = {(e.type, e.text) for e in local.pii(text, language="en")}
    assert found == {
        ("EMAIL", "priya.sharma@example.co.in"),
        ("PHONE", "+91 98765 43210"),
        ("CREDIT_DEBIT_NUMBER", "4111 1111 1111 1111"),
    }
    for entity in local.pii(text, language="en"):
        assert text[entity.begin : entity.end] == entity.text
        assert 0 < entity.score <= 1


@pytest.mark.parametrize(
    "phone", ["+919876543210", "+91-98765-43210", "09876543210", "9876543210", "+91 80 4123 4567"]
)
def test_local_pii_indian_phone_formats(local, phone):
    entities = local.pii(f"my number is {phone}, thanks", language="en")
    assert [(e.type, e.text) for e in entities] == [("PHONE", phone)]


def test_local_pii_ignores_luhn_invalid_numbers(local):
    assert local.pii("Invoice 4111 1111 1111 1112 and 1234567890123", language="en") == []


def test_backend_choice(settings):
    settings.KALPLA_AI_BACKEND = "local"
    assert isinstance(get_text_analyzer(), LocalTextAnalyzer)


# --- AWS backend: moto server ----------------------------------------------------------------


def test_aws_backend_is_chosen_and_points_at_moto(aws):
    analyzer = get_text_analyzer()
    assert isinstance(analyzer, AwsTextAnalyzer)
    assert analyzer.client.meta.endpoint_url == aws


def test_aws_sentiment_parses_what_moto_returns(aws):
    analyzer = AwsTextAnalyzer()
    sent = _moto_requests(analyzer.client)
    result = analyzer.sentiment(PRAISE, language="en")
    assert sent and sent[0].startswith(aws)
    # moto's canned answer
    assert result.label == "NEUTRAL"
    assert result.scores["neutral"] == pytest.approx(0.9916020035743713)
    assert result.scores["positive"] == pytest.approx(0.008101312443614006)
    assert set(result.scores) == {"positive", "negative", "neutral", "mixed"}


def test_aws_sentiment_sends_at_most_5kb(aws):
    # moto refuses text over 5000 characters: 4 000 two-byte characters pass only when cut.
    analyzer = AwsTextAnalyzer()
    assert analyzer.sentiment("é" * 4000, language="fr").label == "NEUTRAL"
    with Stubber(analyzer.client) as stub:
        stub.add_response(
            "detect_sentiment",
            {"Sentiment": "POSITIVE", "SentimentScore": {"Positive": 0.9}},
            expected_params={"Text": "é" * 2500, "LanguageCode": "fr"},
        )
        analyzer.sentiment("é" * 4000, language="fr")
        stub.assert_no_pending_responses()


def test_aws_pii_parses_what_moto_returns(aws):
    analyzer = AwsTextAnalyzer()
    sent = _moto_requests(analyzer.client)
    text = "".join(chr(ord("a") + i % 26) for i in range(400))
    entities = analyzer.pii(text, language="en")
    assert sent and sent[0].startswith(aws)
    assert [(e.type, e.begin, e.end) for e in entities] == [
        ("NAME", 50, 58),
        ("EMAIL", 230, 259),
        ("BANK_ACCOUNT_NUMBER", 334, 349),
    ]
    assert entities[1].text == text[230:259]
    assert entities[0].score == pytest.approx(0.9999890923500061)


def test_aws_pii_splits_long_text_and_shifts_offsets(aws):
    analyzer = AwsTextAnalyzer()
    first = "word " * 20_000  # exactly 100 000 bytes
    second = "mail me: a@b.co"
    with Stubber(analyzer.client) as stub:
        stub.add_response(
            "detect_pii_entities",
            {"Entities": []},
            expected_params={"Text": first, "LanguageCode": "en"},
        )
        stub.add_response(
            "detect_pii_entities",
            {"Entities": [{"Score": 0.99, "Type": "EMAIL", "BeginOffset": 9, "EndOffset": 15}]},
            expected_params={"Text": second, "LanguageCode": "en"},
        )
        [entity] = analyzer.pii(first + second, language="en")
        stub.assert_no_pending_responses()
    assert (entity.begin, entity.end, entity.text) == (100_009, 100_015, "a@b.co")


def test_aws_pii_refuses_languages_comprehend_lacks(aws):
    with pytest.raises(CapabilityUnavailable):
        AwsTextAnalyzer().pii(HINDI, language="hi")


# --- AWS backend: Stubber for what moto lacks --------------------------------------------------


def test_aws_dominant_language_request_and_parsing(aws):
    analyzer = AwsTextAnalyzer()
    with Stubber(analyzer.client) as stub:
        stub.add_response(
            "detect_dominant_language",
            {
                "Languages": [
                    {"LanguageCode": "en", "Score": 0.04},
                    {"LanguageCode": "fr", "Score": 0.96},
                ]
            },
            expected_params={"Text": FRENCH},
        )
        language = analyzer.dominant_language(FRENCH)
        stub.assert_no_pending_responses()
    assert (language.code, language.score) == ("fr", 0.96)


def test_aws_dominant_language_needs_20_characters(aws):
    analyzer = AwsTextAnalyzer()
    with Stubber(analyzer.client) as stub:
        assert analyzer.dominant_language("ok merci").code == "und"
        stub.assert_no_pending_responses()  # nothing was sent


def test_aws_toxicity_segments_and_aggregates(aws):
    analyzer = AwsTextAnalyzer()
    text = "Ceci est une phrase élégante. " * 100  # 3 200 bytes: two-byte é included
    segments = [piece for _, piece in split_bytes(text, 1000)]
    assert len(segments) == 4 and "".join(segments) == text
    assert all(len(s.encode()) <= 1000 and s.endswith(" ") for s in segments)
    with Stubber(analyzer.client) as stub:
        stub.add_response(
            "detect_toxic_content",
            {
                "ResultList": [
                    {"Labels": [{"Name": "PROFANITY", "Score": 0.2}], "Toxicity": 0.1},
                    {
                        "Labels": [
                            {"Name": "INSULT", "Score": 0.93},
                            {"Name": "PROFANITY", "Score": 0.71},
                        ],
                        "Toxicity": 0.88,
                    },
                    {"Labels": [], "Toxicity": 0.0},
                    {"Labels": [], "Toxicity": 0.0},
                ]
            },
            expected_params={
                "TextSegments": [{"Text": s} for s in segments],
                "LanguageCode": "en",
            },
        )
        result = analyzer.toxicity(text, language="en")
        stub.assert_no_pending_responses()
    assert result.toxic and result.score == 0.88
    assert result.labels == [("INSULT", 0.93), ("PROFANITY", 0.71)]


def test_aws_toxicity_sends_at_most_ten_segments(aws):
    analyzer = AwsTextAnalyzer()
    text = ("x" * 999 + " ") * 15
    with Stubber(analyzer.client) as stub:
        stub.add_response(
            "detect_toxic_content",
            {"ResultList": [{"Labels": [], "Toxicity": 0.01}] * 10},
            expected_params={
                "TextSegments": [{"Text": "x" * 999 + " "}] * 10,
                "LanguageCode": "en",
            },
        )
        result = analyzer.toxicity(text, language="en")
        stub.assert_no_pending_responses()
    assert (result.toxic, result.score, result.labels) == (False, 0.01, [])


def test_aws_toxicity_is_english_only(aws):
    analyzer = AwsTextAnalyzer()
    with Stubber(analyzer.client) as stub, pytest.raises(CapabilityUnavailable):
        analyzer.toxicity(FRENCH, language="fr")
    stub.assert_no_pending_responses()


def test_aws_throttling_is_transient(aws):
    analyzer = AwsTextAnalyzer()
    with Stubber(analyzer.client) as stub:
        stub.add_client_error("detect_toxic_content", "ThrottlingException", http_status_code=400)
        with pytest.raises(TransientIntegrationError, match="ThrottlingException"):
            analyzer.toxicity(INSULT, language="en")


# --- services ---------------------------------------------------------------------------------


def _pending(user, reason):
    return ModerationItem.objects.filter(
        object_id=str(user.pk), reason=reason, status=ModerationItem.Status.PENDING
    )


@pytest.mark.django_db
def test_toxic_text_creates_one_pending_item_even_when_analysed_twice():
    user = UserFactory(bio=INSULT)
    first = analysis.text_analyze(target=user, text=user.bio, field="bio")
    second = analysis.text_analyze(target=user, text=user.bio, field="bio")
    assert first.flagged == second.flagged == ["toxic"]
    [item] = _pending(user, "toxic")
    assert item.target == user
    assert item.score == first.toxicity.score >= 0.5
    assert {label["name"] for label in item.labels} >= {"PROFANITY", "INSULT"}
    assert "bio" in item.detail
    assert first.sentiment.label == "NEGATIVE" and first.language.code == "en"


@pytest.mark.django_db
def test_pii_is_queued_without_copying_the_personal_data():
    user = UserFactory(bio="Reach me at ravi@example.in or +91 98765 43210 for tutoring.")
    result = analysis.text_analyze(target=user, text=user.bio)
    assert result.flagged == ["pii"]
    [item] = _pending(user, "pii")
    assert {label["name"] for label in item.labels} == {"EMAIL", "PHONE"}
    assert "ravi@example.in" not in item.detail + str(item.labels)
    email = result.pii[0]
    assert (email.type, email.begin, email.end, email.score) == ("EMAIL", 12, 27, 0.99)


@pytest.mark.django_db
def test_polite_text_is_not_queued():
    user = UserFactory(bio=PRAISE)
    result = analysis.text_analyze(target=user, text=user.bio)
    assert result.flagged == [] and result.sentiment.label == "POSITIVE"
    assert not ModerationItem.objects.exists()


@pytest.mark.django_db
def test_unavailable_checks_are_reported_not_faked():
    user = UserFactory(bio=FRENCH)
    result = analysis.text_analyze(target=user, text=user.bio)
    assert result.language.code == "fr"
    assert result.sentiment is None and "sentiment" in result.unavailable
    assert result.toxicity is not None and result.toxicity.toxic is False


@pytest.mark.django_db
def test_blank_text_is_not_analysed():
    user = UserFactory(bio="")
    result = analysis.text_analyze(target=user, text="   ")
    assert (result.language.code, result.language.score) == ("und", 0.0)
    assert result.flagged == []
