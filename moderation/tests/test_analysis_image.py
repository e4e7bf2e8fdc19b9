"""Image analysis: the honest local backend, Rekognition through moto and botocore's Stubber."""

import io

import pytest
from botocore.stub import Stubber
from django.core.files.base import ContentFile
from PIL import Image

from accounts.tests.factories import UserFactory
from kalpla.integrations import aws as aws_integration
from kalpla.integrations.base import (
    IntegrationError,
    TransientIntegrationError,
)
from kalpla.integrations.rekognition import (
    AwsImageAnalyzer,
    LocalImageAnalyzer,
    get_image_analyzer,
    rekognition_image,
)
from moderation import analysis
from moderation.models import ModerationItem


def _image(fmt: str = "PNG", size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(buffer, format=fmt)
    return buffer.getvalue()


PNG = _image()

UNSAFE_RESPONSE = {
    "ModerationLabels": [
        {"Confidence": 71.2, "Name": "Graphic Violence", "ParentName": "", "TaxonomyLevel": 1},
        {
            "Confidence": 97.5,
            "Name": "Weapon Violence",
            "ParentName": "Graphic Violence",
            "TaxonomyLevel": 2,
        },
    ],
    "ModerationModelVersion": "7.0",
}


def _pending(user, reason):
    return ModerationItem.objects.filter(
        object_id=str(user.pk), reason=reason, status=ModerationItem.Status.PENDING
    )


def _user_with_avatar(data: bytes = PNG, name: str = "me.png"):
    user = UserFactory()
    user.avatar.save(name, ContentFile(data))
    return user


# --- local backend ----------------------------------------------------------------------------


def test_local_backend_never_calls_an_image_safe():
    result = LocalImageAnalyzer().moderation_labels(PNG)
    assert result.available is False
    assert result.unsafe is False and result.labels == []
    assert "No automatic image check" in result.reason


def test_backend_choice(settings):
    settings.KALPLA_AI_BACKEND = "local"
    assert isinstance(get_image_analyzer(), LocalImageAnalyzer)


# --- image preparation ------------------------------------------------------------------------


def test_jpeg_and_png_are_sent_untouched():
    jpeg = _image("JPEG")
    assert rekognition_image(PNG) is PNG
    assert rekognition_image(jpeg) is jpeg


def test_other_formats_are_reencoded_as_jpeg():
    converted = rekognition_image(_image("WEBP"))
    assert converted[:3] == b"\xff\xd8\xff"
    with Image.open(io.BytesIO(converted)) as image:
        assert (image.format, image.size) == ("JPEG", (64, 48))


def test_not_an_image_is_a_permanent_error():
    with pytest.raises(IntegrationError) as info:
        rekognition_image(b"%PDF-1.7 not an image")
    assert not isinstance(info.value, TransientIntegrationError)


# --- AWS backend ------------------------------------------------------------------------------


def test_aws_backend_is_chosen_and_points_at_moto(aws):
    analyzer = get_image_analyzer()
    assert isinstance(analyzer, AwsImageAnalyzer)
    assert analyzer.client.meta.endpoint_url == aws


def test_aws_moderation_labels_request_and_parsing(aws):
    analyzer = AwsImageAnalyzer()
    with Stubber(analyzer.client) as stub:
        stub.add_response(
            "detect_moderation_labels",
            UNSAFE_RESPONSE,
            expected_params={"Image": {"Bytes": PNG}, "MinConfidence": 60.0},
        )
        result = analyzer.moderation_labels(PNG)
        stub.assert_no_pending_responses()
    assert result.available and result.unsafe
    assert [
        (label.name, label.confidence, label.parent, label.level) for label in result.labels
    ] == [
        ("Weapon Violence", 97.5, "Graphic Violence", 2),
        ("Graphic Violence", 71.2, "", 1),
    ]
    assert result.score == pytest.approx(0.975)


def test_aws_moderation_without_labels_is_safe_and_checked(aws):
    analyzer = AwsImageAnalyzer(min_confidence=80.0)
    with Stubber(analyzer.client) as stub:
        stub.add_response(
            "detect_moderation_labels",
            {"ModerationLabels": [], "ModerationModelVersion": "7.0"},
            expected_params={"Image": {"Bytes": PNG}, "MinConfidence": 80.0},
        )
        result = analyzer.moderation_labels(PNG)
    assert (result.available, result.unsafe) == (True, False)
    assert result.score is None


def test_aws_moderation_sends_webp_as_jpeg(aws):
    webp = _image("WEBP")
    analyzer = AwsImageAnalyzer()
    with Stubber(analyzer.client) as stub:
        stub.add_response(
            "detect_moderation_labels",
            {"ModerationLabels": []},
            expected_params={"Image": {"Bytes": rekognition_image(webp)}, "MinConfidence": 60.0},
        )
        analyzer.moderation_labels(webp)
        stub.assert_no_pending_responses()


def test_aws_moderation_throttling_is_transient(aws):
    analyzer = AwsImageAnalyzer()
    with Stubber(analyzer.client) as stub:
        stub.add_client_error(
            "detect_moderation_labels", "ThrottlingException", http_status_code=400
        )
        with pytest.raises(TransientIntegrationError, match="ThrottlingException"):
            analyzer.moderation_labels(PNG)


# --- services and jobs ------------------------------------------------------------------------


@pytest.mark.django_db
def test_local_backend_routes_the_image_to_human_review():
    user = _user_with_avatar()
    first = analysis.image_analyze(target=user, storage_name=user.avatar.name, field="avatar")
    second = analysis.image_analyze(target=user, image_bytes=PNG, field="avatar")
    assert first.flagged == second.flagged == ["image_unchecked"]
    [item] = ModerationItem.objects.all()
    assert (item.reason, item.status, item.target) == ("image_unchecked", "pending", user)
    assert "review" in item.detail
    assert not _pending(user, "image_unsafe").exists()
    assert first.moderation.available is False


@pytest.mark.django_db
def test_image_analyze_needs_exactly_one_source():
    user = UserFactory()
    with pytest.raises(ValueError):
        analysis.image_analyze(target=user)
    with pytest.raises(ValueError):
        analysis.image_analyze(target=user, image_bytes=PNG, storage_name="x.png")


@pytest.fixture
def stubbed_rekognition(aws, monkeypatch):
    client = aws_integration.client("rekognition")
    monkeypatch.setattr(analysis, "get_image_analyzer", lambda: AwsImageAnalyzer(client))
    with Stubber(client) as stub:
        yield stub


@pytest.mark.django_db
def test_unsafe_image_is_queued_once(stubbed_rekognition):
    user = _user_with_avatar()
    for _ in range(2):
        stubbed_rekognition.add_response(
            "detect_moderation_labels",
            UNSAFE_RESPONSE,
            expected_params={"Image": {"Bytes": PNG}, "MinConfidence": 60.0},
        )
        result = analysis.image_analyze(target=user, image_bytes=PNG, field="avatar")
        assert result.flagged == ["image_unsafe"]
    [item] = ModerationItem.objects.all()
    assert (item.reason, item.score) == ("image_unsafe", pytest.approx(0.975))
    assert [label["name"] for label in item.labels] == ["Weapon Violence", "Graphic Violence"]


@pytest.mark.django_db
def test_safe_image_is_not_queued(stubbed_rekognition):
    user = _user_with_avatar()
    stubbed_rekognition.add_response("detect_moderation_labels", {"ModerationLabels": []})
    result = analysis.image_analyze(target=user, image_bytes=PNG)
    assert result.flagged == [] and result.moderation.available
    assert not ModerationItem.objects.exists()
