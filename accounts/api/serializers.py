from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import ApiKey, User
from accounts.roles import user_roles
from accounts.validators import timezone_names, validate_avatar
from kalpla.api.serializers import InputSerializer, StrictCharField
from kalpla.uploads import UPLOAD_KINDS


class UserSummaryOut(serializers.Serializer):
    """The small nested form every other API uses for a person."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    avatar_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_avatar_url(self, user: User) -> str | None:
        return avatar_url(user, self.context.get("request"))


def avatar_url(user: User, request: Any) -> str | None:
    if not user.avatar:
        return None
    url = user.avatar.url
    return request.build_absolute_uri(url) if request is not None else url


class MeOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    avatar_url = serializers.SerializerMethodField()
    bio = serializers.CharField()
    timezone = serializers.CharField()
    language = serializers.CharField()
    roles = serializers.SerializerMethodField()
    date_joined = serializers.DateTimeField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_avatar_url(self, user: User) -> str | None:
        return avatar_url(user, self.context.get("request"))

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=["Student", "Mentor", "Moderator", "Admin"])
        )
    )
    def get_roles(self, user: User) -> list[str]:
        return sorted(user_roles(user))


AVATAR_CONTENT_TYPES = sorted(UPLOAD_KINDS["avatar"].content_types)


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "maxLength": 0,
        "description": "`null` (or an empty string) removes the avatar. A new one is uploaded "
        "as multipart/form-data.",
    }
)
class AvatarRemoveField(serializers.Field):
    """The avatar of a JSON body: a file cannot be sent as JSON, so only removing it."""

    default_error_messages = {
        "invalid": _("Send null to remove the avatar; upload a new one as multipart/form-data.")
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, allow_null=True, **kwargs)

    def to_internal_value(self, data: Any) -> None:
        if data != "":
            self.fail("invalid")
        return None

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(
    {
        "type": "string",
        "enum": list(timezone_names()),
        "description": "An IANA time zone name, e.g. Asia/Kolkata.",
    }
)
class TimezoneField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=timezone_names(), **kwargs)


class MeProfileIn(InputSerializer):
    """The profile fields of PATCH /me/, whatever the body's media type."""

    name = StrictCharField(max_length=150, required=False, allow_blank=True)
    bio = StrictCharField(max_length=2000, required=False, allow_blank=True)
    timezone = TimezoneField(required=False)
    language = serializers.ChoiceField(
        choices=[("", "Follow the device")] + [(code, name) for code, name in settings.LANGUAGES],
        required=False,
        allow_blank=True,
    )


class MeUpdateIn(MeProfileIn):
    """PATCH /me/ as JSON."""

    avatar = AvatarRemoveField()


class MeUpdateFormIn(MeProfileIn):
    """PATCH /me/ as multipart/form-data: the same fields, with a new avatar image."""

    avatar = serializers.ImageField(
        required=False,
        validators=[validate_avatar],
        help_text=f"{', '.join(AVATAR_CONTENT_TYPES)}; at most 2 MB.",
    )


class ApiKeyOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    is_active = serializers.BooleanField()


class ApiKeyCreatedOut(ApiKeyOut):
    key = serializers.CharField(help_text="The secret; shown only in this answer.")


class ApiKeyCreateIn(InputSerializer):
    name = StrictCharField(max_length=100)


def api_key_created_data(key: ApiKey, raw: str) -> dict[str, Any]:
    return {**ApiKeyOut(key).data, "key": raw}
