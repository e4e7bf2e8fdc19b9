"""Moderators read what checked an item in plain words, never configuration names."""

import io

import pytest
from PIL import Image

from accounts.tests.factories import UserFactory
from kalpla.integrations.base import IntegrationError
from moderation import analysis

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_queue_describes_an_image_no_automatic_check_looked_at(client, moderator, settings):
    settings.KALPLA_AI_BACKEND = "local"
    analysis.image_analyze(target=UserFactory(), image_bytes=_png(), field="avatar")
    client.force_login(moderator)
    html = client.get("/moderation/").content.decode()
    assert "KALPLA_" not in html and "backend" not in html.lower()
    assert "No automatic image check runs on this site" in html


class _Unreadable:
    def moderation_labels(self, image_bytes: bytes) -> None:
        raise IntegrationError("InvalidImageFormatException: Request has invalid image format")


def test_queue_describes_an_image_the_check_could_not_read(client, moderator, monkeypatch):
    monkeypatch.setattr(analysis, "get_image_analyzer", _Unreadable)
    with pytest.raises(IntegrationError):
        analysis.image_analyze(target=UserFactory(), image_bytes=b"not an image", field="avatar")
    client.force_login(moderator)
    html = client.get("/moderation/").content.decode()
    assert "The automatic image check could not read this image" in html
    assert "InvalidImageFormatException" not in html
