from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import ApiKey, User
from accounts.roles import user_roles
from accounts.validators import validate_avatar, validate_timezone
from kalpla.api.serializers import InputSerializer


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


class MeUpdateIn(InputSerializer):
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    bio = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    timezone = serializers.CharField(max_length=64, required=False, validators=[validate_timezone])
    language = serializers.ChoiceField(
        choices=[("", "Follow the device")] + [(code, name) for code, name in settings.LANGUAGES],
        required=False,
        allow_blank=True,
    )
    avatar = serializers.ImageField(required=False, allow_null=True, validators=[validate_avatar])


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
    name = serializers.CharField(max_length=100)


def api_key_created_data(key: ApiKey, raw: str) -> dict[str, Any]:
    return {**ApiKeyOut(key).data, "key": raw}
