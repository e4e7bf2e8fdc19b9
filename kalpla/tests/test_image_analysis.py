"""Image analysis: the honest local backend, Rekognition through moto and botocore's Stubber."""

import io

import pytest
from botocore.stub import Stubber
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from accounts.tests.factories import UserFactory
from kalpla import jobs
from kalpla.integrations import aws as aws_integration
from kalpla.integrations.base import (
    CapabilityUnavailable,
    IntegrationError,
    TransientIntegrationError,
)
from kalpla.integrations.rekognition import (
    AwsImageAnalyzer,
    LocalImageAnalyzer,
    get_image_analyzer,
    rekognition_image,
)
from kalpla.models import ModerationItem, ProcessingJob
from kalpla.services import analysis


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
    assert result.needs_review is True
    assert "No automatic image check" in result.reason


def test_local_backend_has_no_text_or_labels():
    with pytest.raises(CapabilityUnavailable):
        LocalImageAnalyzer().text_in_image(PNG)
    with pytest.raises(CapabilityUnavailable):
        LocalImageAnalyzer().labels(PNG)


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
    assert result.available and result.unsafe and result.needs_review
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
    assert (result.available, result.unsafe, result.needs_review) == (True, False, False)
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


def test_aws_text_in_image_through_moto(aws):
    analyzer = AwsImageAnalyzer()
    sent: list[str] = []
    analyzer.client.meta.events.register(
        "before-send", lambda request, **_: sent.append(request.url)
    )
    found = analyzer.text_in_image(PNG)
    assert sent and sent[0].startswith(aws)
    # moto's canned detections
    assert [(t.text, t.type) for t in found[:2]] == [("IT'S", "LINE"), ("MONDAY", "LINE")]
    assert found[0].confidence == pytest.approx(99.35693359375) and found[0].id == 0


def test_aws_text_in_image_request_and_parsing(aws):
    analyzer = AwsImageAnalyzer()
    with Stubber(analyzer.client) as stub:
        stub.add_response(
            "detect_text",
            {
                "TextDetections": [
                    {"DetectedText": "Kalpla 101", "Type": "LINE", "Id": 0, "Confidence": 98.1},
                    {
                        "DetectedText": "Kalpla",
                        "Type": "WORD",
                        "Id": 1,
                        "ParentId": 0,
                        "Confidence": 99.0,
                    },
                ],
                "TextModelVersion": "3.0",
            },
            expected_params={"Image": {"Bytes": PNG}},
        )
        found = analyzer.text_in_image(PNG)
        stub.assert_no_pending_responses()
    assert [(t.text, t.type, t.id, t.parent_id) for t in found] == [
        ("Kalpla 101", "LINE", 0, None),
        ("Kalpla", "WORD", 1, 0),
    ]


def test_aws_labels_through_moto(aws):
    labels = AwsImageAnalyzer().labels(PNG)
    assert [(label.name, label.parents) for label in labels] == [("Mobile Phone", ["Phone"])]
    assert labels[0].confidence == pytest.approx(99.9364013671875)


def test_aws_labels_request_and_parsing(aws):
    analyzer = AwsImageAnalyzer()
    with Stubber(analyzer.client) as stub:
        stub.add_response(
            "detect_labels",
            {
                "Labels": [
                    {"Name": "Whiteboard", "Confidence": 93.0, "Parents": []},
                    {"Name": "Person", "Confidence": 88.5, "Parents": [{"Name": "Human"}]},
                ],
                "LabelModelVersion": "3.0",
            },
            expected_params={"Image": {"Bytes": PNG}, "MaxLabels": 20, "MinConfidence": 70.0},
        )
        labels = analyzer.labels(PNG)
        stub.assert_no_pending_responses()
    assert [(label.name, label.confidence, label.parents) for label in labels] == [
        ("Whiteboard", 93.0, []),
        ("Person", 88.5, ["Human"]),
    ]


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
    assert first.summary()["available"] is False


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


@pytest.mark.django_db
def test_image_job_with_local_backend(django_capture_on_commit_callbacks):
    user = _user_with_avatar()
    with django_capture_on_commit_callbacks(execute=True):
        job = analysis.image_analyze_later(target=user, field="avatar")
        again = analysis.image_analyze_later(target=user, field="avatar")
    assert again.pk == job.pk
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.SUCCEEDED, job.error
    assert job.result["available"] is False and job.result["unsafe"] is False
    assert job.result["flagged"] == ["image_unchecked"]
    assert job.result["name"] == user.avatar.name
    assert _pending(user, "image_unchecked").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        jobs.job_rerun(job=job)
    assert _pending(user, "image_unchecked").count() == 1


@pytest.mark.django_db
def test_a_new_upload_gets_a_new_job(django_capture_on_commit_callbacks):
    user = _user_with_avatar()
    with django_capture_on_commit_callbacks(execute=True):
        first = analysis.image_analyze_later(target=user, field="avatar")
        user.avatar.save("new.png", ContentFile(_image(size=(10, 10))))
        second = analysis.image_analyze_later(target=user, field="avatar")
    assert first.pk != second.pk


@pytest.mark.django_db
def test_image_job_reads_the_file_from_storage_and_flags_unsafe(
    stubbed_rekognition, django_capture_on_commit_callbacks
):
    user = _user_with_avatar()
    assert default_storage.exists(user.avatar.name)
    stubbed_rekognition.add_response(
        "detect_moderation_labels",
        UNSAFE_RESPONSE,
        expected_params={"Image": {"Bytes": PNG}, "MinConfidence": 60.0},
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = analysis.image_analyze_later(target=user, field="avatar")
    stubbed_rekognition.assert_no_pending_responses()
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.SUCCEEDED, job.error
    assert job.result["unsafe"] is True and job.result["flagged"] == ["image_unsafe"]
    assert job.result["labels"][0] == {
        "name": "Weapon Violence",
        "confidence": 97.5,
        "parent": "Graphic Violence",
        "level": 2,
    }
    assert _pending(user, "image_unsafe").count() == 1


@pytest.mark.django_db
def test_unreadable_image_fails_the_job_and_goes_to_a_person(
    stubbed_rekognition, django_capture_on_commit_callbacks
):
    # Bypasses the avatar validators on purpose: the job must cope with what is stored.
    user = _user_with_avatar(b"GIF89a but truncated", name="broken.gif")
    with django_capture_on_commit_callbacks(execute=True):
        job = analysis.image_analyze_later(target=user, field="avatar")
    stubbed_rekognition.assert_no_pending_responses()  # nothing was sent to Rekognition
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ProcessingJob.Status.FAILED, 1)
    assert "Not an image" in job.error
    [item] = _pending(user, "image_unchecked")
    assert "could not read" in item.detail


@pytest.mark.django_db
def test_image_job_refuses_a_missing_file_or_wrong_field(django_capture_on_commit_callbacks):
    user = UserFactory()
    with pytest.raises(ValidationError, match="has no file"):
        analysis.image_analyze_later(target=user, field="avatar")
    with pytest.raises(ValidationError, match="not a file field"):
        analysis.image_analyze_later(target=user, field="bio")

    user = _user_with_avatar()
    default_storage.delete(user.avatar.name)
    with django_capture_on_commit_callbacks(execute=True):
        job = analysis.image_analyze_later(target=user, field="avatar")
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.FAILED and "missing" in job.error
