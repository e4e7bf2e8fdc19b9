"""The badges' public documents, built from the rows (no queries beyond what the caller
selected): Open Badges 2.0 hosted JSON-LD (Issuer, BadgeClass, Assertion) and the Open Badges
3.0 OpenBadgeCredential, signed as a VC-JWT (OB 3.0 section 8.2: the credential is the JWT
payload, with ``iss``, ``nbf``, ``jti`` and ``sub`` mapped from it).

Every URL in them is absolute, made with ``KALPLA_SITE_URL``; the ids are the URLs that serve
the documents, so a verifier checks an award by fetching its ``id``.
"""

import hashlib
import secrets
import uuid
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import storages
from django.urls import reverse

from .models import BadgeAward, BadgeClass
from .signing import IssuerKey, issuer_key, public_jwk, sign_jwt

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
OB3_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
OB3_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def url(name: str, *args: Any) -> str:
    return absolute(reverse(f"assessments:{name}", args=args))


def _utc(moment: datetime) -> str:
    """ISO 8601 in UTC with ``Z``, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- recipient identity ----------------------------------------------------------------------


def new_salt() -> str:
    return secrets.token_hex(16)


def identity_hash(*, email: str, salt: str) -> str:
    """OB 2.0's hashed recipient: ``sha256$`` + hex SHA-256 of the email followed by the salt."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return f"sha256${digest}"


# --- URLs -----------------------------------------------------------------------------------


def badge_image_url(badge: BadgeClass) -> str:
    return absolute(storages["public"].url(badge.image)) if badge.image else ""


def key_url(key: IssuerKey) -> str:
    return url("badge_key", key.thumbprint)


# --- Open Badges 2.0 --------------------------------------------------------------------------


def issuer_document() -> dict[str, Any]:
    return {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": url("badge_issuer"),
        "name": settings.KALPLA_BADGE_ISSUER_NAME,
        "url": absolute("/"),
        "email": _issuer_email(),
        "verification": {"type": "hosted", "allowedOrigins": _host()},
    }


def badge_class_document(badge: BadgeClass) -> dict[str, Any]:
    criteria: dict[str, str] = {"narrative": badge.criteria}
    course = badge.course
    if course is not None:
        criteria["id"] = absolute(reverse("courses:detail", args=[course.slug]))
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": url("badge_class", badge.uid),
        "name": badge.name,
        "description": badge.description,
        "image": badge_image_url(badge),
        "criteria": criteria,
        "issuer": url("badge_issuer"),
        "tags": [course.title] if course is not None else [],
    }


def assertion_document(award: BadgeAward) -> dict[str, Any]:
    """The hosted assertion; for a revoked award, what OB 2.0 answers instead (with 410)."""
    assertion_id = url("badge_assertion", award.uid)
    if award.is_revoked:
        return {
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": assertion_id,
            "revoked": True,
            "revocationReason": award.revoked_reason,
        }
    document: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_id,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.salt,
            "identity": award.identity_hash,
        },
        "badge": url("badge_class", award.badge.uid),
        "verification": {"type": "hosted"},
        "issuedOn": _utc(award.issued_at),
        "image": badge_image_url(award.badge),
    }
    evidence = _evidence(award)
    if evidence:
        document["evidence"] = evidence
    return document


def _evidence(award: BadgeAward) -> list[dict[str, str]]:
    if not (award.evidence_url or award.narrative):
        return []
    item = {"type": "Evidence"}
    if award.evidence_url:
        item["id"] = award.evidence_url
    if award.narrative:
        item["narrative"] = award.narrative
    return [item]


# --- Open Badges 3.0 --------------------------------------------------------------------------


def issuer_profile(*, key: IssuerKey | None = None, with_keys: bool = True) -> dict[str, Any]:
    """The OB 3.0 issuer Profile; published with its verification method (the public key)."""
    key = key or issuer_key()
    profile: dict[str, Any] = {
        "id": url("badge_issuer_profile"),
        "type": ["Profile"],
        "name": settings.KALPLA_BADGE_ISSUER_NAME,
        "url": absolute("/"),
        "email": _issuer_email(),
    }
    if with_keys:
        profile = {"@context": OB3_CONTEXT, **profile}
        profile["verificationMethod"] = [
            {
                "id": key_url(key),
                "type": "JsonWebKey",
                "controller": profile["id"],
                "publicKeyJwk": public_jwk(key, kid=key_url(key)),
            }
        ]
    return profile


def jwks(*, key: IssuerKey | None = None) -> dict[str, Any]:
    key = key or issuer_key()
    return {"keys": [public_jwk(key, kid=key_url(key))]}


def achievement(badge: BadgeClass) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": url("badge_class", badge.uid),
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": badge.name,
        "description": badge.description,
        "criteria": {"narrative": badge.criteria},
        "creator": issuer_profile(with_keys=False),
    }
    if badge.course is not None:
        document["criteria"]["id"] = absolute(reverse("courses:detail", args=[badge.course.slug]))
    if badge.image:
        document["image"] = {"id": badge_image_url(badge), "type": "Image"}
    return document


def credential(award: BadgeAward) -> dict[str, Any]:
    """The award as an OpenBadgeCredential (unsigned)."""
    subject_id = f"urn:uuid:{uuid.uuid5(award.uid, 'recipient')}"
    document: dict[str, Any] = {
        "@context": OB3_CONTEXT,
        "id": f"urn:uuid:{award.uid}",
        "type": OB3_TYPES,
        "name": award.badge.name,
        "issuer": issuer_profile(with_keys=False),
        "validFrom": _utc(award.issued_at),
        "credentialSubject": {
            "id": subject_id,
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": award.identity_hash,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": award.salt,
                }
            ],
            "achievement": achievement(award.badge),
        },
    }
    evidence = _evidence(award)
    if evidence:
        document["evidence"] = [{**item, "type": ["Evidence"]} for item in evidence]
    return document


def credential_jwt(award: BadgeAward) -> str:
    """The credential signed as a VC-JWT with the issuer's Ed25519 key (``kid``: its URL)."""
    key = issuer_key()
    document = credential(award)
    claims = {
        **document,
        "iss": document["issuer"]["id"],
        "nbf": int(award.issued_at.timestamp()),
        "jti": document["id"],
        "sub": document["credentialSubject"]["id"],
    }
    return sign_jwt(claims, key=key, kid=key_url(key))


def _issuer_email() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def _host() -> str:
    return urlsplit(settings.SITE_URL).netloc
