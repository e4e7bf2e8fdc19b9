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
# What a service answers for an operation it does not have (moto's server: a bare 404).
_UNSUPPORTED_CODES = {"404", "UnknownOperationException", "NotImplemented"}


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

    def rotate_stream_key(self, *, channel_id: str, name: str) -> LiveChannel:
        """A new stream key (the old one stops working). The channel may be a new one: read
        every field of the answer, not only the key."""
        ...


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
        channel = {"name": clean_name, **response["channel"]}
        return self._live_channel(channel, stream_key=response["streamKey"]["value"])

    def delete_channel(self, channel_id: str) -> None:
        """Deleting a channel that is already gone is not an error."""
        with aws.aws_errors("IVS delete channel"):
            try:
                self.client.delete_channel(arn=channel_id)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                    raise

    def rotate_stream_key(self, *, channel_id: str, name: str) -> LiveChannel:
        """Delete the channel's keys and create one. A service without the stream-key calls
        (moto answers them with a plain 404) gets a new channel instead: new key, new
        playback URL."""
        try:
            return self._rotate_key_in_place(channel_id)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in _UNSUPPORTED_CODES:
                with aws.aws_errors("IVS rotate stream key"):
                    raise
        self.delete_channel(channel_id)
        return self.create_channel(name=name)

    def _rotate_key_in_place(self, channel_id: str) -> LiveChannel:
        keys = self.client.list_stream_keys(channelArn=channel_id).get("streamKeys", [])
        for key in keys:
            self.client.delete_stream_key(arn=key["arn"])
        created = self.client.create_stream_key(channelArn=channel_id)["streamKey"]
        channel = self.client.get_channel(arn=channel_id)["channel"]
        return self._live_channel(channel, stream_key=created["value"])

    @staticmethod
    def _live_channel(channel: dict[str, Any], *, stream_key: str) -> LiveChannel:
        endpoint = channel["ingestEndpoint"]
        return LiveChannel(
            channel_id=channel["arn"],
            name=channel.get("name", ""),
            ingest_endpoint=endpoint,
            ingest_url=f"rtmps://{endpoint}:443/app/",
            stream_key=stream_key,
            playback_url=channel["playbackUrl"],
            provider="ivs",
        )


class LocalLiveVideoProvider:
    """Offline stand-in: labelled local values; nothing listens on the ingest URL."""

    INGEST_URL = "rtmp://127.0.0.1/live"

    def create_channel(self, *, name: str) -> LiveChannel:
        return self._channel(f"local-{uuid.uuid4().hex[:12]}", name)

    def delete_channel(self, channel_id: str) -> None:
        return None

    def rotate_stream_key(self, *, channel_id: str, name: str) -> LiveChannel:
        """The same channel with a new random key."""
        return self._channel(channel_id, name)

    def _channel(self, channel_id: str, name: str) -> LiveChannel:
        return LiveChannel(
            channel_id=channel_id,
            name=_channel_name(name),
            ingest_endpoint="127.0.0.1",
            ingest_url=self.INGEST_URL,
            stream_key=f"local_sk_{secrets.token_urlsafe(24)}",
            playback_url=f"{settings.SITE_URL.rstrip('/')}/live/{channel_id}/",
            provider="local",
        )


def get_live_video_provider() -> LiveVideoProvider:
    return choose_backend(
        "KALPLA_MEETINGS_BACKEND", {"local": LocalLiveVideoProvider, "aws": AwsLiveVideoProvider}
    )
