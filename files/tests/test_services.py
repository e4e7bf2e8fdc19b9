"""File links and views: opaque access-checked download links (Range, HEAD, tokens), the
signed upload view, and the services."""

import base64
import time
from types import SimpleNamespace

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from files import services as file_services
from files.services import (
    FileLinkKind,
    file_access_refused,
    file_link_url,
    file_not_found,
    file_upload_confirm,
    file_upload_link,
    file_upload_start,
)
from files.tests.samples import HTML, MP4, SVG, image_bytes, png_bytes
from files.views import RangeNotSatisfiable, byte_range
from kalpla.exceptions import ApplicationError, PermissionDenied
from kalpla.integrations.s3 import DownloadGrant, LocalFileSigner, get_file_signer

BODY = bytes(range(256)) * 8  # 2048 distinguishable bytes
NAME = "private/lesson-1/clip.mp4"
KIND = "test-file"


@pytest.fixture
def media(settings, tmp_path):
    """Default storage on a fresh directory; no bucket, so the local signer is used."""
    settings.AWS_STORAGE_BUCKET_NAME = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return storages["default"]


@pytest.fixture
def stored(media):
    assert media.save(NAME, ContentFile(BODY)) == NAME
    return NAME


_links = SimpleNamespace(state=None)


def _resolve(object_id, role, user):
    state = _links.state
    state.resolved += 1
    if object_id not in state.files:
        raise file_not_found()
    if state.allowed is not None and user.pk not in state.allowed:
        raise file_access_refused()
    name, filename = state.files[object_id]
    return DownloadGrant(name=name, filename=filename)


TEST_LINK = FileLinkKind(resolve=_resolve, max_age=3600)


@pytest.fixture
def links(settings, monkeypatch):
    """A link kind of these tests, named in settings like an app's: object ids name ``files``,
    and ``allowed`` (None: everyone) is who may follow the links, checked on every request."""
    state = SimpleNamespace(files={}, allowed=None, resolved=0)
    monkeypatch.setattr(_links, "state", state)
    settings.KALPLA_FILE_LINK_KINDS = {
        **settings.KALPLA_FILE_LINK_KINDS,
        KIND: f"{__name__}.TEST_LINK",
    }
    return state


@pytest.fixture
def link(links):
    def make(name: str, filename: str | None = None) -> str:
        object_id = str(len(links.files) + 1)
        links.files[object_id] = (name, filename)
        return file_link_url(kind=KIND, object_id=object_id)

    return make


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def readable(token: str) -> str:
    """What anyone can read out of a signed token: its base64 payload, decoded."""
    payload = token.split(":")[0].lstrip(".")
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode(errors="replace")


def expired(monkeypatch, make_url):
    """Sign as if long ago, then give the link back."""
    with monkeypatch.context() as patch:
        past = signing.b62_encode(int(time.time()) - 30 * 24 * 3600)
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: past)
        return make_url()


def error_code(response) -> str:
    return response.json()["code"]


# --- byte ranges ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-9", (0, 9)),
        ("bytes=100-", (100, 999)),
        ("bytes=-500", (500, 999)),
        ("bytes=-5000", (0, 999)),
        ("bytes=990-5000", (990, 999)),
        ("bytes=0-0", (0, 0)),
        ("bytes=0-1,5-6", None),  # multi-range: whole file
        ("bytes=9-1", None),  # invalid: ignored
        ("items=0-1", None),
        ("bytes=-", None),
    ],
)
def test_byte_range_parses_single_ranges(header, expected):
    assert byte_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_byte_range_unsatisfiable(header):
    with pytest.raises(RangeNotSatisfiable):
        byte_range(header, 1000)


# --- download view --------------------------------------------------------------------------


def test_download_serves_the_whole_file_with_safe_headers(client, stored, link):
    url = link(stored)
    assert url.startswith("/files/d/")
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == BODY
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Length"] == str(len(BODY))
    assert response["Content-Disposition"] == "inline"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"] == "private"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_link_names_no_storage_path(client, stored, link):
    url = link(stored)
    encoded = base64.urlsafe_b64encode(NAME.encode()).decode().rstrip("=")
    for text in (url, readable(token_of(url))):
        assert "private/lesson-1" not in text and "clip.mp4" not in text
        assert encoded[:12] not in text
    response = client.get(url)
    assert all("clip" not in value for value in response.headers.values())


def test_download_with_a_filename_is_an_attachment(client, stored, link):
    response = client.get(link(stored, filename="Lesson 1 \u2013 intro.mp4"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''Lesson%201")


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-9", 0, 9), ("bytes=-500", 1548, 2047), ("bytes=100-", 100, 2047)],
    ids=["single", "suffix", "open"],
)
def test_download_answers_range_requests_with_206(client, stored, link, header, first, last):
    response = client.get(link(stored), HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(BODY)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Accept-Ranges"] == "bytes"
    assert b"".join(response.streaming_content) == BODY[first : last + 1]


def test_download_unsatisfiable_range_is_416(client, stored, link):
    response = client.get(link(stored), HTTP_RANGE="bytes=4096-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(BODY)}"
    assert response["Accept-Ranges"] == "bytes"


def test_download_if_range_with_a_stale_etag_sends_the_whole_file(client, stored, link):
    url = link(stored)
    etag = client.head(url)["ETag"]
    fresh = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert fresh.status_code == 206
    stale = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert stale.status_code == 200
    assert b"".join(stale.streaming_content) == BODY


def test_download_head_has_headers_and_no_body(client, stored, link):
    url = link(stored)
    response = client.head(url)
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(BODY))
    assert response["Accept-Ranges"] == "bytes"
    assert response.content == b""
    ranged = client.head(url, HTTP_RANGE="bytes=-10")
    assert ranged.status_code == 206
    assert ranged["Content-Range"] == f"bytes 2038-2047/{len(BODY)}"


def test_download_tampered_and_foreign_tokens_are_404(client, stored, link, links):
    token = token_of(link(stored))
    forged = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
    # an upload token (another salt), a token for a kind nobody registered, garbage
    upload = LocalFileSigner().upload_form(key=stored, content_type="video/mp4", max_bytes=10)
    unknown = signing.TimestampSigner(salt=file_services.FILE_LINK_SALT).sign_object(
        ["no-such-kind", "1", ""]
    )
    for bad in (forged, token_of(upload.url), unknown, "x", "a:b:c"):
        response = client.get(f"/files/d/{bad}/")
        assert response.status_code == 404, bad
        assert error_code(response) == "not_found"
    assert links.resolved == 0  # refused before any app code ran


def test_download_old_format_links_are_404(client, stored):
    # The former links carried the storage path, compressed but readable, in the token.
    old = signing.TimestampSigner(salt="kalpla.files.download").sign_object(
        {"n": stored, "f": None, "u": None, "e": 300}, compress=True
    )
    response = client.get(f"/files/d/{old}/")
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_download_expired_token_is_403(client, stored, link, monkeypatch):
    url = expired(monkeypatch, lambda: link(stored))
    response = client.get(url)
    assert response.status_code == 403
    assert error_code(response) == "link_expired"
    assert client.get(link(stored)).status_code == 200


def test_download_checks_access_again_on_every_request(db, client, stored, link, links):
    # given: a link someone may follow, in a page they have open
    viewer = UserFactory()
    links.allowed = {viewer.pk}
    url = link(stored)
    client.force_login(viewer)
    assert client.get(url, HTTP_RANGE="bytes=0-3").status_code == 206
    assert APIClient().get(url).status_code == 403  # not for others, even with the link

    # when: the viewer loses access, the page still open
    links.allowed = set()

    # then: the same link is refused
    response = client.get(url, HTTP_RANGE="bytes=4-7")
    assert response.status_code == 403
    assert error_code(response) == "permission_denied"


def test_download_runs_a_bounded_number_of_queries(
    db, client, stored, link, links, django_assert_max_num_queries
):
    viewer = UserFactory()
    links.allowed = {viewer.pk}
    client.force_login(viewer)
    url = link(stored)
    assert client.get(url, HTTP_RANGE="bytes=0-3").status_code == 206  # the player's first
    # then each further range request: session, user, the user's session row; the test
    # kind itself reads nothing (the apps' kinds have their own bounds)
    for first in range(4, 40, 4):
        with django_assert_max_num_queries(3):
            assert client.get(url, HTTP_RANGE=f"bytes={first}-{first + 3}").status_code == 206


def test_download_of_a_deleted_file_is_404(client, media, stored, link):
    url = link(stored)
    media.delete(stored)
    response = client.get(url)
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_download_ignores_the_accept_header_of_media_players(client, stored, link):
    response = client.get(link(stored), HTTP_ACCEPT="video/mp4")
    assert response.status_code == 200


def test_download_never_serves_active_content_inline(client, media, link):
    media.save("legacy/page.html", ContentFile(HTML))
    response = client.get(link("legacy/page.html"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    # named neutrally, not after the stored name
    assert response["Content-Disposition"] == 'attachment; filename="file.html"'


def test_file_link_url_refuses_unregistered_kinds():
    with pytest.raises(ValueError):
        file_link_url(kind="no-such-kind", object_id=1)


# --- upload view ----------------------------------------------------------------------------


def api_for(user) -> APIClient:
    api = APIClient()
    api.default_format = "multipart"
    api.force_authenticate(user)
    return api


def test_upload_view_stores_a_valid_file(media, student):
    form = file_upload_start(
        user=student, kind="image", filename="me.png", content_type="image/png", size=5000
    )
    content = png_bytes((30, 20))
    response = api_for(student).post(
        form.url, {"file": SimpleUploadedFile("me.png", content)}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json() == {"key": form.key, "size": len(content), "content_type": "image/png"}
    with media.open(form.key) as stored_file:
        assert stored_file.read() == content


def test_upload_view_refuses_anonymous_and_other_users(media, student):
    form = file_upload_start(
        user=student, kind="image", filename="me.png", content_type="image/png", size=5000
    )
    data = {"file": SimpleUploadedFile("me.png", png_bytes())}
    anonymous = APIClient().post(form.url, data, format="multipart")
    assert anonymous.status_code in (401, 403)
    assert error_code(anonymous) == "not_authenticated"
    data = {"file": SimpleUploadedFile("me.png", png_bytes())}
    other = api_for(UserFactory()).post(form.url, data)
    assert other.status_code == 403
    assert error_code(other) == "permission_denied"
    assert not media.exists(form.key)


def test_upload_view_enforces_the_signed_type_and_size(media, student):
    api = api_for(student)
    form = file_upload_start(
        user=student, kind="image", filename="a.png", content_type="image/png", size=100
    )
    too_big = api.post(form.url, {"file": SimpleUploadedFile("a.png", png_bytes((64, 64)))})
    assert too_big.status_code == 400
    assert error_code(too_big) == "file_too_large"
    assert "file" in too_big.json()["errors"]

    form = file_upload_start(
        user=student, kind="image", filename="a.png", content_type="image/png", size=5000
    )
    for content, code in [(HTML, "file_type"), (SVG, "svg_refused"), (MP4, "file_type")]:
        response = api.post(form.url, {"file": SimpleUploadedFile("a.png", content)})
        assert response.status_code == 400
        assert error_code(response) == code
    gif = SimpleUploadedFile("a.png", image_bytes("GIF"))
    response = api.post(form.url, {"file": gif})
    assert response.status_code == 400  # a real image, but not the PNG that was signed
    assert error_code(response) == "file_type"
    missing = api.post(form.url, {"other": "x"})
    assert missing.status_code == 400
    assert error_code(missing) == "required"
    assert not media.exists(form.key)


def test_upload_view_refuses_expired_and_forged_tokens(media, student, monkeypatch):
    api = api_for(student)
    form = expired(
        monkeypatch,
        lambda: file_upload_start(
            user=student, kind="image", filename="a.png", content_type="image/png", size=5000
        ),
    )
    response = api.post(form.url, {"file": SimpleUploadedFile("a.png", png_bytes())})
    assert response.status_code == 403
    assert error_code(response) == "link_expired"
    response = api.post("/files/u/forged:token/", {"file": SimpleUploadedFile("a", png_bytes())})
    assert response.status_code == 403
    assert error_code(response) == "invalid_link"


def test_upload_view_accepts_a_session_without_csrf_token(media, student):
    # Deliberate: the signed, user-bound URL is the capability (see FileUploadView).
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(student)
    form = file_upload_start(
        user=student, kind="document", filename="n.txt", content_type="text/plain", size=100
    )
    response = browser.post(form.url, {"file": SimpleUploadedFile("n.txt", b"hello")})
    assert response.status_code == 201
    assert response.json()["content_type"] == "text/plain"


# --- services end to end (local backend) ----------------------------------------------------


def test_services_round_trip_on_the_local_backend(client, media, student):
    assert isinstance(get_file_signer(), LocalFileSigner)
    # given an upload started for a video
    content = (MP4 + b"\x01" * 4000)[:4000]
    form = file_upload_start(
        user=student, kind="video", filename="lesson.mp4", content_type="video/mp4", size=4000
    )
    assert form.key.startswith(f"uploads/video/{student.pk}/") and form.key.endswith(".mp4")
    # when the client posts it and the app confirms
    response = api_for(student).post(form.url, {"file": SimpleUploadedFile("l.mp4", content)})
    assert response.status_code == 201
    info = file_upload_confirm(user=student, key=form.key, kind="video")
    # then it is known and downloadable, by ranges too
    assert (info.content_type, info.size) == ("video/mp4", 4000)
    client.force_login(student)
    url = file_upload_link(key=form.key)
    assert form.key not in url and form.key not in readable(token_of(url))
    ranged = client.get(url, HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206
    assert b"".join(ranged.streaming_content) == content[:100]
    # only the uploader can follow it
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert APIClient().get(url).status_code == 404


def test_upload_start_refuses_bad_declarations(media, student):
    cases = [
        ({"kind": "image", "content_type": "image/svg+xml", "size": 10}, "svg_refused"),
        ({"kind": "video", "content_type": "application/pdf", "size": 10}, "file_type"),
        (
            {"kind": "avatar", "content_type": "image/png", "size": 5 * 1024 * 1024},
            "file_too_large",
        ),
        ({"kind": "nope", "content_type": "image/png", "size": 10}, "invalid_kind"),
    ]
    for kwargs, code in cases:
        with pytest.raises(ValidationError) as info:
            file_upload_start(user=student, filename="f", **kwargs)
        assert info.value.code == code


def test_upload_confirm_deletes_what_is_not_what_it_claims(media, student):
    form = file_upload_start(
        user=student, kind="image", filename="a.png", content_type="image/png", size=5000
    )
    media.save(form.key, ContentFile(HTML))  # e.g. written around the upload view
    with pytest.raises(ValidationError) as info:
        file_upload_confirm(user=student, key=form.key, kind="image")
    assert info.value.code == "file_type"
    assert not media.exists(form.key)


def test_upload_confirm_checks_owner_and_presence(media, student):
    form = file_upload_start(
        user=student, kind="image", filename="a.png", content_type="image/png", size=5000
    )
    with pytest.raises(ApplicationError) as missing:
        file_upload_confirm(user=student, key=form.key, kind="image")
    assert missing.value.code == "upload_missing"
    media.save(form.key, ContentFile(png_bytes()))
    with pytest.raises(ApplicationError) as foreign:
        file_upload_confirm(user=UserFactory(), key=form.key, kind="image")
    assert isinstance(foreign.value, PermissionDenied)
    with pytest.raises(ApplicationError):
        file_upload_confirm(user=student, key=form.key, kind="avatar")  # not that kind's key
    assert file_upload_confirm(user=student, key=form.key, kind="image").width == 8
