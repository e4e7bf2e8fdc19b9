"""API of meetings: join info for the apps (and any client) of a session's meeting."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import error_body
from mentorship.selectors.meetings import session_for_meeting
from mentorship.services.meetings import MeetingNotOpen, meeting_join

from .serializers_meetings import JoinInfoOut, MeetingNotOpenOut

SIGNALLING = """
**Local backend: the WebRTC call.** Open a WebSocket to `signalling_path`
(`wss://<host>/ws/meetings/{session_id}/`), signed in by the session cookie, `?token=<session
token>` or a first frame `{"type": "auth", "id": "1", "payload": {"token": "..."}}`. Frames are
JSON `{"type", "id", "payload"}`; the server relays WebRTC descriptions and ICE candidates
between the two participants and never reads them. Close codes: 4401 not signed in, 4403 not a
participant or outside the join window.

- server → you, once: `{"type": "room.joined", "payload": {"peer_id": "9f1c…", "role": "peer",
  "peers": []}}`
- server → you, for each other participant (already there or arriving):
  `{"type": "peer.joined", "payload": {"peer_id": "47ab…", "user_id": 12, "name": "Asha Rao",
  "role": "peer"}}`
- you → server: `{"type": "signal", "id": "3", "payload": {"to": "47ab…", "data":
  {"description": {"type": "offer", "sdp": "v=0…"}}}}` (or `{"candidate": {"candidate":
  "candidate:…", "sdpMid": "0", "sdpMLineIndex": 0}}`)
- server → the other side: `{"type": "signal", "payload": {"from": "9f1c…", "user_id": 7,
  "data": {...}}}`
- server → you: `{"type": "peer.left", "payload": {"peer_id": "47ab…", "user_id": 12, "name":
  "Asha Rao", "role": "peer"}}`: close that peer connection.
- server → you, on a bad frame: `{"type": "error", "code": "unknown_peer", "message": "…"}`.

Negotiation: both sides add their tracks and may offer; when offers cross, the side with the
larger `peer_id` is polite (rolls back and answers). Queue ICE candidates that arrive before the
remote description. Reconnect with backoff; each socket is a new peer.
"""

JOIN_EXAMPLE_CHIME = {
    "session_id": 42,
    "provider": "chime",
    "meeting": {
        "provider": "chime",
        "title": "Mentoring session: Meera Iyer and Asha Rao",
        "Meeting": {
            "MeetingId": "4d8e0c1f-2a7b-4c3d-9e8f-1a2b3c4d5e6f",
            "ExternalMeetingId": "session-42-6b1f3c2e-7d4a-4f0e-9a51-0c8e2d7b9f13-kalpla",
            "MediaRegion": "ap-south-1",
            "MediaPlacement": {
                "AudioHostUrl": "a1b2.k.m3.as1.app.chime.aws:3478",
                "SignalingUrl": "wss://signal.m3.as1.app.chime.aws/control/4d8e0c1f",
            },
        },
    },
    "attendee": {
        "AttendeeId": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        "ExternalUserId": "user-7",
        "JoinToken": "ZjY2NzE5ZDAtNjQ5Zi00ZjFkLWJhYmYtZjQ0ZmIxNzI5ZDI5",
    },
    "ice_servers": [],
    "signalling_path": "/ws/meetings/42/",
    "page_url": "https://kalpla.example/mentoring/sessions/42/meeting/",
    "starts_at": "2026-12-08T10:00:00Z",
    "ends_at": "2026-12-08T11:00:00Z",
    "opens_at": "2026-12-08T09:50:00Z",
    "closes_at": "2026-12-08T11:15:00Z",
}
JOIN_EXAMPLE_LOCAL = {
    **JOIN_EXAMPLE_CHIME,
    "provider": "local",
    "meeting": {
        "provider": "local",
        "title": "Mentoring session: Meera Iyer and Asha Rao",
        "room_url": "https://kalpla.example/mentoring/sessions/42/meeting/",
        "note": "Local meeting room for offline demos",
    },
    "attendee": {
        "AttendeeId": "0b9e3f7a-5c1d-5e2f-8a4b-6c7d8e9f0a1b",
        "ExternalUserId": "user-7",
        "JoinToken": "local-3f2a…",
    },
    "ice_servers": [
        {"urls": ["stun:stun.example.org:3478"]},
        {"urls": ["turn:turn.example.org:3478"], "username": "kalpla", "credential": "secret"},
    ],
}


class SessionJoinApi(APIView):
    @extend_schema(
        tags=["mentorship"],
        operation_id="sessions_join",
        summary="Join a session's meeting (join info)",
        description="For the session's mentor and mentee, from 10 minutes before the start "
        "until the end plus KALPLA_MEETING_GRACE_MINUTES. The first join creates the meeting "
        "(one per session); every join creates an attendee. With the aws backend pass "
        "`meeting` and `attendee` to the Amazon Chime SDK; with the local backend connect "
        "peer to peer over the signalling socket below.\n" + SIGNALLING,
        request=None,
        responses={
            200: JoinInfoOut,
            401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
            403: OpenApiResponse(ErrorSerializer, description="Not the mentor or the mentee"),
            404: OpenApiResponse(ErrorSerializer, description="No such session"),
            409: OpenApiResponse(
                MeetingNotOpenOut,
                description="Outside the join window or the session is not booked "
                "(`meeting_not_open`, with the window)",
            ),
            503: OpenApiResponse(
                ErrorSerializer,
                description="The meeting provider cannot be reached (`meeting_unavailable`); "
                "try again later",
            ),
        },
        examples=[
            OpenApiExample("Chime (aws)", value=JOIN_EXAMPLE_CHIME, response_only=True),
            OpenApiExample("WebRTC (local)", value=JOIN_EXAMPLE_LOCAL, response_only=True),
            OpenApiExample(
                "Not open yet",
                value={
                    "message": "The meeting opens at Dec. 8, 2026, 9:50 a.m., 10 minutes "
                    "before the session starts.",
                    "code": "meeting_not_open",
                    "opens_at": "2026-12-08T09:50:00Z",
                    "closes_at": "2026-12-08T11:15:00Z",
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def post(self, request: Request, session_id: int) -> Response:
        session = session_for_meeting(session_id=session_id)
        try:
            info = meeting_join(session=session, user=signed_in_user(request))
        except MeetingNotOpen as closed:
            body = {
                **error_body(closed.message, closed.code),
                "opens_at": closed.opens_at,
                "closes_at": closed.closes_at,
            }
            return Response(MeetingNotOpenOut(body).data, status=409)
        return Response(JoinInfoOut(info, context={"request": request}).data)
