"""The development /media/ route serves the public prefixes and nothing else, whatever the
spelling of the path (raw ``..``, ``%2e%2e``, mixed, backslashes)."""

import http.client
import threading
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

pytestmark = [pytest.mark.urls("files.tests.urls_debug_media"), pytest.mark.django_db]

PRIVATE = {
    "demo/media/welcome.mp3": b"ID3 private demo audio",
    "courses/media/0123456789abcdef0123456789abcdef.webm": b"\x1aE\xdf\xa3 private video",
    "courses/narration/lesson-1-abc.mp3": b"ID3 private narration",
    "uploads/document/7/fedcba9876543210fedcba9876543210.zip": b"PK\x03\x04 private",
}
PUBLIC = {
    "public/courses/1/cover-abc-320.webp": b"RIFF public thumbnail",
    "avatars/u1.png": b"\x89PNG public avatar",
}

TRAVERSALS = [
    "/media/public/../demo/media/welcome.mp3",
    "/media/public/%2e%2e/courses/media/0123456789abcdef0123456789abcdef.webm",
    "/media/public/%2E%2E/courses/media/0123456789abcdef0123456789abcdef.webm",
    "/media/avatars/../courses/narration/lesson-1-abc.mp3",
    "/media/public/../uploads/document/7/fedcba9876543210fedcba9876543210.zip",
    "/media/public/.%2e/uploads/document/7/fedcba9876543210fedcba9876543210.zip",
    "/media/avatars/%2e./courses/narration/lesson-1-abc.mp3",
    "/media/public/./../demo/media/welcome.mp3",
    "/media/public//../demo/media/welcome.mp3",
    "/media/public/..%2fdemo/media/welcome.mp3",
    "/media/public/..%5cdemo/media/welcome.mp3",
    "/media/courses/covers/../../demo/media/welcome.mp3",
    "/media/demo/media/welcome.mp3",
    "/media/courses/media/0123456789abcdef0123456789abcdef.webm",
]


@pytest.fixture
def media_files(settings):
    settings.DEBUG = True
    settings.AWS_STORAGE_BUCKET_NAME = ""
    root = Path(str(settings.MEDIA_ROOT))
    for name, body in {**PRIVATE, **PUBLIC}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(body)
    return root


@pytest.mark.parametrize("url", TRAVERSALS)
def test_public_media_refuses_paths_outside_the_public_prefixes(client, media_files, url):
    response = client.get(url)

    assert response.status_code == 404
    assert not any(body in b"".join(response) for body in PRIVATE.values())


@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_media_serves_the_public_prefixes(client, media_files, name):
    response = client.get(f"/media/{name}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PUBLIC[name]


def test_public_media_refuses_a_symlink_out_of_a_public_prefix(client, media_files):
    (media_files / "public" / "escape").symlink_to(media_files / "demo" / "media")

    assert client.get("/media/public/escape/welcome.mp3").status_code == 404


@pytest.fixture
def raw_get(transactional_db, media_files):
    """A GET with the path sent byte for byte (as curl --path-as-is would) to the server
    runserver uses. Not pytest-django's live_server: its test-only media handler serves
    MEDIA_URL itself, in front of the URLconf under test."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    netloc = f"127.0.0.1:{server.server_address[1]}"

    def get(path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(netloc, timeout=10)
        try:
            connection.putrequest("GET", path, skip_accept_encoding=True)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    yield get
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.mark.parametrize("url", TRAVERSALS)
def test_public_media_refuses_traversal_over_raw_http(raw_get, url):
    status, body = raw_get(url)

    assert status == 404
    assert not any(secret in body for secret in PRIVATE.values())


def test_public_media_serves_a_thumbnail_over_raw_http(raw_get):
    status, body = raw_get("/media/public/courses/1/cover-abc-320.webp")

    assert (status, body) == (200, PUBLIC["public/courses/1/cover-abc-320.webp"])
