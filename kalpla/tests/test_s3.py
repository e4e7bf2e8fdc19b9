"""S3 files against a real moto server: django-storages, presigned GET/POST, services."""

import base64
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from pathlib import Path

import pytest
import urllib3
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from storages.backends.s3 import S3Storage

from accounts.tests.factories import UserFactory
from files.services import file_upload_confirm, file_upload_link, file_upload_start
from files.tests.samples import HTML, MP4, png_bytes
from kalpla.integrations.aws import client
from kalpla.integrations.base import IntegrationError
from kalpla.integrations.s3 import S3FileSigner, get_file_signer

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "kalpla-media"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}


@pytest.fixture
def bucket(aws, settings):
    """The media bucket on moto; the app configured as in production (bucket set)."""
    client("s3").create_bucket(Bucket=BUCKET)
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    return client("s3")


@pytest.fixture(scope="module")
def production_storages() -> dict:
    """STORAGES exactly as kalpla/settings.py builds it when a bucket is configured."""
    env = {**os.environ, "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_ENDPOINT_URL": "http://moto"}
    code = "import json; from django.conf import settings; print(json.dumps(settings.STORAGES))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def storage_from_settings(production_storages: dict, alias: str, moto_url: str) -> S3Storage:
    entry = production_storages[alias]
    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    return S3Storage(**{**entry["OPTIONS"], "endpoint_url": moto_url, **CREDENTIALS})


def fetch(url: str, **headers: str) -> tuple[int, Message, bytes]:
    """Status, headers (looked up case-insensitively: moto sends some in lower case), body."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def post_form(form, content: bytes, content_type: str | None = None) -> urllib3.BaseHTTPResponse:
    fields = dict(form.fields)
    if content_type:
        fields["Content-Type"] = content_type
    file_type = fields.get("Content-Type", "application/octet-stream")
    return urllib3.request(
        "POST", form.url, fields={**fields, "file": ("upload.bin", content, file_type)}
    )


def policy_of(form) -> dict:
    return json.loads(base64.b64decode(form.fields["policy"]))


# --- django-storages --------------------------------------------------------------------------


def test_default_storage_is_private_and_encrypted(bucket, aws, production_storages):
    storage = storage_from_settings(production_storages, "default", aws)
    name = storage.save("docs/notes.txt", ContentFile(b"private notes"))
    # read back through the storage
    with storage.open(name) as stored:
        assert stored.read() == b"private notes"
    head = bucket.head_object(Bucket=BUCKET, Key=name)
    assert head["ServerSideEncryption"] == "AES256"
    # never overwritten: a second save gets a new name
    assert storage.save("docs/notes.txt", ContentFile(b"other")) != name
    # its URL is a short-lived signed one that works
    url = storage.url(name)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert "X-Amz-Signature" in query or "Signature" in query
    assert fetch(url)[2] == b"private notes"


def test_public_storage_has_long_cache_headers_and_plain_urls(bucket, aws, production_storages):
    storage = storage_from_settings(production_storages, "public", aws)
    name = storage.save("thumbs/lesson.png", ContentFile(png_bytes()))
    head = bucket.head_object(Bucket=BUCKET, Key=f"public/{name}")
    assert head["CacheControl"] == "max-age=31536000, immutable"
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentType"] == "image/png"
    url = storage.url(name)
    assert url.endswith(f"/{BUCKET}/public/thumbs/lesson.png")
    assert "?" not in url
    assert production_storages["public"]["OPTIONS"]["default_acl"] is None


def test_local_public_storage_lives_under_media_public():
    from django.core.files.storage import storages

    assert storages["public"].url("thumbs/a.png") == "/media/public/thumbs/a.png"
    assert str(storages["public"].location).endswith("/public")


# --- presigned URLs ---------------------------------------------------------------------------


def test_get_file_signer_follows_the_bucket_setting(bucket, settings):
    assert isinstance(get_file_signer(), S3FileSigner)
    settings.AWS_STORAGE_BUCKET_NAME = ""
    assert not isinstance(get_file_signer(), S3FileSigner)


def test_presigned_get_fetches_the_object_with_sigv4(bucket, settings):
    bucket.put_object(Bucket=BUCKET, Key="videos/a.mp4", Body=MP4, ContentType="video/mp4")
    signer = S3FileSigner(bucket=BUCKET)
    url = signer.download_url(name="videos/a.mp4")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == [str(settings.KALPLA_DOWNLOAD_URL_EXPIRE)]
    status, _, body = fetch(url)
    assert (status, body) == (200, MP4)
    # ranges work straight from S3 (video seeking)
    status, _, body = fetch(url, Range="bytes=4-11")
    assert (status, body) == (206, MP4[4:12])


def test_presigned_get_with_filename_is_an_attachment(bucket):
    bucket.put_object(
        Bucket=BUCKET, Key="docs/r.pdf", Body=b"%PDF-1.4", ContentType="application/pdf"
    )
    url = S3FileSigner(bucket=BUCKET).download_url(name="docs/r.pdf", filename="Résumé.pdf")
    status, headers, body = fetch(url)
    assert (status, body) == (200, b"%PDF-1.4")
    assert headers["Content-Disposition"] == "attachment; filename*=utf-8''R%C3%A9sum%C3%A9.pdf"


def test_presigned_post_uploads_with_type_size_and_encryption_conditions(bucket):
    signer = S3FileSigner(bucket=BUCKET)
    form = signer.upload_form(key="uploads/image/1/a.png", content_type="image/png", max_bytes=500)
    assert form.fields["Content-Type"] == "image/png"
    assert form.fields["x-amz-server-side-encryption"] == "AES256"
    conditions = policy_of(form)["conditions"]
    assert ["content-length-range", 1, 500] in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert {"x-amz-server-side-encryption": "AES256"} in conditions
    assert {"key": "uploads/image/1/a.png"} in conditions
    assert {"bucket": BUCKET} in conditions

    response = post_form(form, png_bytes())
    assert response.status == 204
    head = bucket.head_object(Bucket=BUCKET, Key="uploads/image/1/a.png")
    assert head["ContentType"] == "image/png"
    assert head["ContentLength"] == len(png_bytes())
    # moto 5.2 accepts bodies outside content-length-range (real S3 answers 400
    # EntityTooLarge), so the size guarantee is the signed condition asserted above, and
    # file_upload_confirm re-checks the size of what actually arrived.


def test_open_head_reads_size_type_and_only_the_first_bytes(bucket):
    body = MP4 + b"\x07" * 100_000
    bucket.put_object(Bucket=BUCKET, Key="v.mp4", Body=body, ContentType="video/mp4")
    stored = S3FileSigner(bucket=BUCKET).open_head(name="v.mp4", max_bytes=1000)
    try:
        assert (stored.size, stored.content_type) == (len(body), "video/mp4")
        assert stored.file.read() == body[:1000]
    finally:
        stored.close()


def test_open_head_and_delete_missing_objects(bucket):
    signer = S3FileSigner(bucket=BUCKET)
    with pytest.raises(FileNotFoundError):
        signer.open_head(name="nothing-here", max_bytes=10)
    bucket.put_object(Bucket=BUCKET, Key="empty", Body=b"")
    stored = signer.open_head(name="empty", max_bytes=10)
    assert (stored.size, stored.file.read()) == (0, b"")
    signer.delete(name="empty")
    with pytest.raises(FileNotFoundError):
        signer.open_head(name="empty", max_bytes=10)


def test_s3_errors_become_integration_errors(aws):
    with pytest.raises(IntegrationError) as info:
        S3FileSigner(bucket="no-such-bucket").delete(name="a")
    assert "NoSuchBucket" in str(info.value)


# --- services on S3 -------------------------------------------------------------------------


def test_services_round_trip_on_s3(bucket, student, client):
    # given an image upload started by a student
    content = png_bytes((40, 30))
    form = file_upload_start(
        user=student, kind="image", filename="me.png", content_type="image/png", size=len(content)
    )
    assert form.url.startswith(bucket.meta.endpoint_url)
    assert ["content-length-range", 1, len(content)] in policy_of(form)["conditions"]
    # when the client uploads straight to S3 and the app confirms
    assert post_form(form, content).status == 204
    info = file_upload_confirm(user=student, key=form.key, kind="image")
    # then the file is known and reachable through a presigned URL
    assert (info.content_type, info.size, info.width, info.height) == (
        "image/png",
        len(content),
        40,
        30,
    )
    # through the uploader's own link: checked, then a short presigned GET
    client.force_login(student)
    response = client.get(file_upload_link(key=form.key))
    assert response.status_code == 302
    assert response["Cache-Control"] == "no-store"
    status, headers, body = fetch(response["Location"])
    assert (status, body) == (200, content)
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"] == "inline"
    # another user's request resolves in their own folder: S3 has nothing there (S3 and
    # moto answer 403 for a missing key to whoever may not list the bucket)
    stranger = UserFactory()
    client.force_login(stranger)
    other = client.get(file_upload_link(key=form.key))
    assert f"/uploads/image/{stranger.pk}/" in other["Location"]
    assert fetch(other["Location"])[0] in (403, 404)


def test_links_on_s3_keep_active_content_out_of_the_browser(bucket, student, client):
    # given: an upload stored with a type that could run (written around the checks)
    form = file_upload_start(
        user=student, kind="document", filename="a.txt", content_type="text/plain", size=100
    )
    key = form.key.replace(".txt", ".html")
    bucket.put_object(Bucket=BUCKET, Key=key, Body=HTML, ContentType="text/html")
    client.force_login(student)

    # when: it is fetched through its link
    response = client.get(file_upload_link(key=key))
    status, headers, body = fetch(response["Location"])

    # then: S3 answers with the type and disposition the app chose, not the object's
    assert (status, body) == (200, HTML)
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"] == 'attachment; filename="file.html"'


def test_confirm_on_s3_deletes_a_file_that_lies_about_its_type(bucket, student):
    form = file_upload_start(
        user=student, kind="image", filename="cat.png", content_type="image/png", size=1000
    )
    # moto does not check the body either; S3 would not check content at all
    assert post_form(form, HTML).status == 204
    with pytest.raises(ValidationError) as info:
        file_upload_confirm(user=student, key=form.key, kind="image")
    assert info.value.code == "file_type"
    with pytest.raises(Exception) as gone:
        bucket.head_object(Bucket=BUCKET, Key=form.key)
    assert "404" in str(gone.value)


def test_confirm_on_s3_refuses_oversize_objects(bucket, student, settings):
    settings.KALPLA_MAX_UPLOAD_BYTES = 5000
    form = file_upload_start(
        user=student, kind="video", filename="v.mp4", content_type="video/mp4", size=5000
    )
    # more than was signed for: real S3 refuses at upload, moto lets it in, confirm catches it
    assert post_form(form, MP4 + b"\x00" * 6000).status == 204
    with pytest.raises(ValidationError) as info:
        file_upload_confirm(user=student, key=form.key, kind="video")
    assert info.value.code == "file_too_large"
    assert bucket.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0
