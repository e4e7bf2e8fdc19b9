"""Shapes of meetings' join info (mentorship.services.meetings.JoinInfo)."""

from rest_framework import serializers

from mentorship.services.meetings import JoinInfo


class IceServerOut(serializers.Serializer):
    urls = serializers.ListField(child=serializers.CharField(), help_text="STUN/TURN URLs.")
    username = serializers.CharField(required=False, help_text="TURN only.")
    credential = serializers.CharField(required=False, help_text="TURN only.")


class JoinInfoOut(serializers.Serializer):
    session_id = serializers.IntegerField()
    provider = serializers.ChoiceField(
        choices=["local", "chime"],
        help_text="`chime`: pass `meeting` and `attendee` to the Chime SDK "
        "(`new MeetingSessionConfiguration(meeting, attendee)`). `local`: a WebRTC call "
        "signalled over `signalling_path` with `ice_servers`.",
    )
    meeting = serializers.DictField(
        help_text="The meeting half of the join info. Chime: `{provider, title, Meeting: "
        "{MeetingId, ExternalMeetingId, MediaRegion, MediaPlacement}}`; local: `{provider, "
        "title, room_url}`."
    )
    attendee = serializers.DictField(
        help_text="This join's attendee: `{AttendeeId, ExternalUserId, JoinToken}`."
    )
    ice_servers = IceServerOut(many=True, help_text="RTCPeerConnection `iceServers`.")
    signalling_path = serializers.CharField(
        help_text="WebSocket path of the call's signalling (local backend)."
    )
    page_url = serializers.SerializerMethodField(help_text="The meeting page on the site.")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    opens_at = serializers.DateTimeField(help_text="Join opens: 10 minutes before the start.")
    closes_at = serializers.DateTimeField(help_text="Join closes: the end plus the grace time.")

    def get_page_url(self, info: JoinInfo) -> str:
        page_url = info.page_path
        request = self.context.get("request")
        return request.build_absolute_uri(page_url) if request is not None else page_url


class MeetingNotOpenOut(serializers.Serializer):
    message = serializers.CharField()
    code = serializers.CharField(help_text="`meeting_not_open`.")
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
