"""Video meetings (Amazon Chime SDK Meetings), with a local backend for offline demos.

``Meeting.join_info`` and ``Attendee`` together are what a web or mobile client passes to the
Chime SDK (``new MeetingSessionConfiguration(meeting, attendee)``). The local backend returns
a clearly labelled local room instead.
"""

import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.exceptions import ValidationError

from kalpla.integrations import aws
from kalpla.integrations.base import choose_backend

# Chime's ClientRequestToken / ExternalMeetingId / ExternalUserId: 2-64 characters.
_TOKEN_UNSAFE = re.compile(r"[^-_a-zA-Z0-9]")


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    external_id: str
    provider: str
    join_info: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Attendee:
    attendee_id: str
    meeting_id: str
    user_external_id: str
    join_token: str
    provider: str

    def join_info(self) -> dict[str, str]:
        """The attendee half of a Chime SDK session configuration."""
        return {
            "AttendeeId": self.attendee_id,
            "ExternalUserId": self.user_external_id,
            "JoinToken": self.join_token,
        }


class MeetingProvider(Protocol):
    def create_meeting(self, *, external_id: str, title: str) -> Meeting: ...

    def create_attendee(self, *, meeting_id: str, user_external_id: str) -> Attendee: ...

    def end_meeting(self, meeting_id: str) -> None: ...


def _chime_id(value: str) -> str:
    """Chime ids must be 2-64 characters; tokens also only ``[-_a-zA-Z0-9]``."""
    cleaned = _TOKEN_UNSAFE.sub("-", value)[:64]
    if len(cleaned) < 2:
        raise ValidationError(f"Meeting ids need at least 2 characters, got {value!r}.")
    return cleaned


class AwsMeetingProvider:
    MEETING_KEYS = ("MeetingId", "ExternalMeetingId", "MediaRegion", "MediaPlacement")

    def __init__(self, client: Any | None = None) -> None:
        self.client = client if client is not None else aws.client("chime-sdk-meetings")

    def create_meeting(self, *, external_id: str, title: str) -> Meeting:
        """Idempotent per ``external_id``: Chime returns the same meeting for a repeated token.

        ``title`` is ours only (Chime meetings have no title); it is echoed in join info.
        """
        external = _chime_id(external_id)
        with aws.aws_errors("Chime create meeting"):
            response = self.client.create_meeting(
                ClientRequestToken=external,
                MediaRegion=settings.KALPLA_CHIME_MEDIA_REGION,
                ExternalMeetingId=external,
            )
        meeting = response["Meeting"]
        join_info: dict[str, Any] = {
            "provider": "chime",
            "title": title,
            "Meeting": {key: meeting[key] for key in self.MEETING_KEYS if key in meeting},
        }
        return Meeting(
            meeting_id=meeting["MeetingId"],
            external_id=external,
            provider="chime",
            join_info=join_info,
        )

    def create_attendee(self, *, meeting_id: str, user_external_id: str) -> Attendee:
        user = _chime_id(user_external_id)
        with aws.aws_errors("Chime create attendee"):
            response = self.client.create_attendee(MeetingId=meeting_id, ExternalUserId=user)
        attendee = response["Attendee"]
        return Attendee(
            attendee_id=attendee["AttendeeId"],
            meeting_id=meeting_id,
            user_external_id=attendee.get("ExternalUserId", user),
            join_token=attendee["JoinToken"],
            provider="chime",
        )

    def end_meeting(self, meeting_id: str) -> None:
        """Ending a meeting that already ended (or timed out) is not an error."""
        with aws.aws_errors("Chime end meeting"):
            try:
                self.client.delete_meeting(MeetingId=meeting_id)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") not in (
                    "NotFound",
                    "NotFoundException",
                ):
                    raise


class LocalMeetingProvider:
    """Offline stand-in: a room URL on this site, labelled local, no media servers."""

    def create_meeting(self, *, external_id: str, title: str) -> Meeting:
        external = _chime_id(external_id)
        # Same external id -> same meeting, as with Chime's ClientRequestToken.
        meeting_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"kalpla-meeting:{external}"))
        return Meeting(
            meeting_id=meeting_id,
            external_id=external,
            provider="local",
            join_info={
                "provider": "local",
                "title": title,
                "room_url": f"{settings.SITE_URL.rstrip('/')}/meet/{meeting_id}/",
                "note": "Local meeting room for offline demos",
            },
        )

    def create_attendee(self, *, meeting_id: str, user_external_id: str) -> Attendee:
        user = _chime_id(user_external_id)
        return Attendee(
            attendee_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"kalpla-attendee:{meeting_id}:{user}")),
            meeting_id=meeting_id,
            user_external_id=user,
            join_token=f"local-{uuid.uuid4().hex}",
            provider="local",
        )

    def end_meeting(self, meeting_id: str) -> None:
        return None


def get_meeting_provider() -> MeetingProvider:
    return choose_backend(
        "KALPLA_MEETINGS_BACKEND", {"local": LocalMeetingProvider, "aws": AwsMeetingProvider}
    )
