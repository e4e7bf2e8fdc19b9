"""Shapes of the badges API (a learner's own badges, with the links that verify them)."""

from rest_framework import serializers


class BadgeCourseOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class BadgeSummaryOut(serializers.Serializer):
    uid = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField()
    criteria = serializers.CharField()
    image_url = serializers.CharField(allow_blank=True, help_text="A square PNG, public.")
    course = BadgeCourseOut(allow_null=True, help_text="Null for a platform-wide badge.")


class BadgeAwardOut(serializers.Serializer):
    id = serializers.IntegerField()
    uid = serializers.UUIDField()
    badge = BadgeSummaryOut()
    issued_at = serializers.DateTimeField()
    revoked = serializers.BooleanField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField(allow_blank=True)
    share_url = serializers.URLField(help_text="The award's public page (to share, LinkedIn).")
    assertion_url = serializers.URLField(
        help_text="Open Badges 2.0 hosted assertion (JSON-LD, public; 410 once revoked)."
    )
    credential_url = serializers.URLField(
        help_text="The Open Badges 3.0 credential, signed (GET with your credentials)."
    )


class BadgeCredentialOut(serializers.Serializer):
    jwt = serializers.CharField(
        help_text="The OpenBadgeCredential as a VC-JWT (EdDSA; the header's kid is the URL of "
        "the issuer's public key)."
    )
    credential = serializers.DictField(help_text="The same credential as JSON (unsigned).")
