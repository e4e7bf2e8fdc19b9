import pytest
from botocore.stub import Stubber

from kalpla.integrations import aws as aws_integration
from kalpla.integrations.base import IntegrationError, TransientIntegrationError


def test_clients_reach_the_moto_server(aws):
    from kalpla.integrations.aws import client

    s3 = client("s3")
    s3.create_bucket(Bucket="kalpla-test")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["kalpla-test"]
    assert s3.meta.endpoint_url == aws


def test_throttling_maps_to_transient_error():
    client = aws_integration.client("comprehend", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error("detect_sentiment", "ThrottlingException", http_status_code=400)
        with pytest.raises(TransientIntegrationError), aws_integration.aws_errors("sentiment"):
            client.detect_sentiment(Text="hi", LanguageCode="en")


def test_validation_maps_to_permanent_error():
    client = aws_integration.client("comprehend", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error("detect_sentiment", "TextSizeLimitExceededException")
        with pytest.raises(IntegrationError) as info, aws_integration.aws_errors("sentiment"):
            client.detect_sentiment(Text="hi", LanguageCode="en")
    assert not isinstance(info.value, TransientIntegrationError)


def test_unreachable_endpoint_is_transient(settings):
    settings.AWS_CLIENT_PARAMS = {
        "endpoint_url": "http://127.0.0.1:1",
        "region_name": "us-east-1",
        "aws_access_key_id": "x",
        "aws_secret_access_key": "y",
    }
    settings.KALPLA_AWS_MAX_ATTEMPTS = 1
    client = aws_integration.client("s3")
    with pytest.raises(TransientIntegrationError), aws_integration.aws_errors("list"):
        client.list_buckets()
