"""Fixtures shared by the courses tests."""

import pytest

from kalpla.integrations.aws import client as aws_client


@pytest.fixture
def s3_media(aws, settings):
    """The media bucket on moto with the default storage on S3, as in production."""
    bucket = "kalpla-authoring"
    aws_client("s3").create_bucket(Bucket=bucket)
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": aws,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "file_overwrite": False,
                "default_acl": "private",
            },
        },
    }
    return bucket
