"""Live video (Amazon IVS), with a local backend for offline demos.

The mentor gets the ingest URL and stream key (keep the key secret: whoever has it can
broadcast); students only ever get the playback URL.
"""

import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import ClientError
from django.conf import settings

from kalpla.integrations import aws
from kalpla.integrations.base import choose_backend

_NAME_UNSAFE = re.compile(r"[^-_a-zA-Z0-9]")


@dataclass(frozen=True)
class LiveChannel:
    channel_id: str  # the IVS channel ARN (what IVS calls take), or a local id
    name: str
    ingest_endpoint: str
    ingest_url: str  # RTMP(S) server URL for the broadcasting software
    stream_key: str  # mentor only
    playback_url: str  # students
    provider: str

    def for_viewer(self) -> dict[str, str]:
        """What a student may see: no ingest details, no stream key."""
        return {"provider": self.provider, "playback_url": self.playback_url}


class LiveVideoProvider(Protocol):
    def create_channel(self, *, name: str) -> LiveChannel: ...

    def delete_channel(self, channel_id: str) -> None: ...


def _channel_name(name: str) -> str:
    return _NAME_UNSAFE.sub("-", name)[:128]


class AwsLiveVideoProvider:
    def __init__(self, client: Any | None = None) -> None:
        self.client = client if client is not None else aws.client("ivs")

    def create_channel(self, *, name: str) -> LiveChannel:
        clean_name = _channel_name(name)
        with aws.aws_errors("IVS create channel"):
            response = self.client.create_channel(
                name=clean_name, type=settings.KALPLA_IVS_CHANNEL_TYPE
            )
        channel, stream_key = response["channel"], response["streamKey"]
        endpoint = channel["ingestEndpoint"]
        return LiveChannel(
            channel_id=channel["arn"],
            name=channel.get("name", clean_name),
            ingest_endpoint=endpoint,
            ingest_url=f"rtmps://{endpoint}:443/app/",
            stream_key=stream_key["value"],
            playback_url=channel["playbackUrl"],
            provider="ivs",
        )

    def delete_channel(self, channel_id: str) -> None:
        """Deleting a channel that is already gone is not an error."""
        with aws.aws_errors("IVS delete channel"):
            try:
                self.client.delete_channel(arn=channel_id)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                    raise


class LocalLiveVideoProvider:
    """Offline stand-in: labelled local values; nothing listens on the ingest URL."""

    INGEST_URL = "rtmp://127.0.0.1/live"

    def create_channel(self, *, name: str) -> LiveChannel:
        channel_id = f"local-{uuid.uuid4().hex[:12]}"
        return LiveChannel(
            channel_id=channel_id,
            name=_channel_name(name),
            ingest_endpoint="127.0.0.1",
            ingest_url=self.INGEST_URL,
            stream_key=f"local_sk_{secrets.token_urlsafe(24)}",
            playback_url=f"{settings.SITE_URL.rstrip('/')}/live/{channel_id}/",
            provider="local",
        )

    def delete_channel(self, channel_id: str) -> None:
        return None


def get_live_video_provider() -> LiveVideoProvider:
    return choose_backend(
        "KALPLA_MEETINGS_BACKEND", {"local": LocalLiveVideoProvider, "aws": AwsLiveVideoProvider}
    )
