"""Shapes of the event stream's API: the ingestion batch and the xAPI statement (as JSON
Schema, since both are validated and built without serializers for speed), and the export's
query parameters."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from analytics.services.events_ingest import (
    CLIENT_PLATFORMS,
    CLIENT_VERBS,
    CONTEXT_KEYS,
    MAX_BATCH,
    MAX_DURATION,
    QUARTILES,
)

_EVENT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "verb", "object", "timestamp", "result"],
    "properties": {
        "id": {"type": "string", "format": "uuid", "description": "Made by the client"},
        "verb": {"type": "string", "enum": sorted(CLIENT_VERBS)},
        "object": {
            "type": "object",
            "required": ["type", "id"],
            "additionalProperties": False,
            "properties": {
                "type": {"type": "string", "enum": ["lesson"]},
                "id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
            },
        },
        "course": {"type": "integer", "nullable": True, "minimum": 1, "maximum": 2**63 - 1},
        "timestamp": {"type": "string", "format": "date-time"},
        "result": {
            "type": "object",
            "required": ["progress"],
            "additionalProperties": False,
            "properties": {
                "progress": {"type": "number", "enum": list(QUARTILES)},
                "duration": {"type": "number", "minimum": 0, "maximum": MAX_DURATION},
            },
        },
        "context": {
            "type": "object",
            "maxProperties": CONTEXT_KEYS,
            "additionalProperties": {
                "oneOf": [
                    {"type": "string", "maxLength": 64},
                    {"type": "number"},
                    {"type": "boolean"},
                ]
            },
        },
    },
}

INGEST_REQUEST: dict[str, Any] = {
    "type": "object",
    "required": ["events", "sent_at"],
    "additionalProperties": False,
    "properties": {
        "events": {"type": "array", "minItems": 1, "maxItems": MAX_BATCH, "items": _EVENT},
        "sent_at": {"type": "string", "format": "date-time"},
        "platform": {"type": "string", "enum": list(CLIENT_PLATFORMS), "default": "web"},
        "anonymous_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "description": "Apps without the visitor cookie: their own install id",
        },
    },
}

INGEST_RESPONSE: dict[str, Any] = {
    "type": "object",
    "required": ["accepted", "duplicates", "rejected", "results"],
    "properties": {
        "accepted": {"type": "integer"},
        "duplicates": {"type": "integer"},
        "rejected": {"type": "integer"},
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "status"],
                "properties": {
                    "id": {"type": "string"},
                    "status": {"type": "string", "enum": ["accepted", "duplicate", "rejected"]},
                    "errors": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    },
}

_ACTIVITY: dict[str, Any] = {
    "type": "object",
    "required": ["objectType", "id"],
    "properties": {
        "objectType": {"type": "string", "enum": ["Activity"]},
        "id": {"type": "string", "description": "An IRI"},
        "definition": {"type": "object", "additionalProperties": True},
    },
}

XAPI_STATEMENT: dict[str, Any] = {
    "type": "object",
    "required": ["next", "previous", "results"],
    "properties": {
        "next": {"type": "string", "nullable": True, "format": "uri"},
        "previous": {"type": "string", "nullable": True, "format": "uri"},
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "actor", "verb", "object", "timestamp", "stored", "version"],
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "actor": {"type": "object", "additionalProperties": True},
                    "verb": {"type": "object", "additionalProperties": True},
                    "object": _ACTIVITY,
                    "result": {"type": "object", "additionalProperties": True},
                    "context": {"type": "object", "additionalProperties": True},
                    "timestamp": {"type": "string", "format": "date-time"},
                    "stored": {"type": "string", "format": "date-time"},
                    "version": {"type": "string"},
                },
            },
        },
    },
}


class XapiRangeIn(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        until = attrs.get("until")
        if until is not None and until <= attrs["since"]:
            raise serializers.ValidationError({"until": [_("Must be after since.")]})
        return attrs
