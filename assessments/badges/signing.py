"""The issuer's Ed25519 key: Open Badges 3.0 credentials are signed with it as VC-JWTs
(JOSE ``alg: EdDSA``), and its public half is published as a JWK (``kid`` is its URL).

``KALPLA_BADGE_SIGNING_KEY`` holds the private key: PEM (PKCS#8; ``\\n`` escapes allowed, for
one-line env files) or base64 of the 32-byte seed (or of the PKCS#8 DER). Without it, a key is
derived from ``SECRET_KEY`` with HKDF (stable while SECRET_KEY is), with a warning in the log;
``manage.py check`` warns in production (``assessments.W001``).
"""

import base64
import binascii
import hashlib
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

HKDF_SALT = b"kalpla-open-badges"
HKDF_INFO = b"kalpla open badges 3.0 issuer ed25519 signing key v1"


@dataclass(frozen=True)
class IssuerKey:
    private: Ed25519PrivateKey
    thumbprint: str  # RFC 7638 JWK thumbprint: the key's id in URLs
    x: str  # the public key, base64url (the JWK's "x")
    derived: bool  # derived from SECRET_KEY, not configured


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    cleaned = "".join(text.split())
    padded = cleaned + "=" * (-len(cleaned) % 4)
    try:
        if "-" in cleaned or "_" in cleaned:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"KALPLA_BADGE_SIGNING_KEY is not base64 ({exc}).") from None


def parse_private_key(value: str) -> Ed25519PrivateKey:
    """The Ed25519 private key in ``value`` (PEM or base64); ImproperlyConfigured if not one."""
    value = value.strip()
    try:
        if "-----BEGIN" in value:
            key: Any = serialization.load_pem_private_key(
                value.replace("\\n", "\n").encode(), password=None
            )
        else:
            raw = _b64decode(value)
            if len(raw) == 32:
                key = Ed25519PrivateKey.from_private_bytes(raw)
            else:
                key = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"KALPLA_BADGE_SIGNING_KEY cannot be read ({exc}).") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("KALPLA_BADGE_SIGNING_KEY is not an Ed25519 key.")
    return key


def derive_private_key(secret: str) -> Ed25519PrivateKey:
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=HKDF_INFO).derive(
        secret.encode()
    )
    return Ed25519PrivateKey.from_private_bytes(seed)


@lru_cache(maxsize=4)
def _issuer_key(configured: str, secret: str) -> IssuerKey:
    if configured.strip():
        private, derived = parse_private_key(configured), False
    else:
        logger.warning(
            "KALPLA_BADGE_SIGNING_KEY is not set: Open Badges 3.0 credentials are signed with a "
            "key derived from DJANGO_SECRET_KEY (they stop verifying if it changes)."
        )
        private, derived = derive_private_key(secret), True
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    x = b64url(raw)
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"))
    thumbprint = b64url(hashlib.sha256(canonical.encode()).digest())
    return IssuerKey(private=private, thumbprint=thumbprint, x=x, derived=derived)


def issuer_key() -> IssuerKey:
    return _issuer_key(settings.KALPLA_BADGE_SIGNING_KEY, settings.SECRET_KEY)


def public_jwk(key: IssuerKey, *, kid: str) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": key.x, "kid": kid, "alg": "EdDSA", "use": "sig"}


def sign_jwt(payload: dict[str, Any], *, key: IssuerKey, kid: str) -> str:
    return jwt.encode(payload, key.private, algorithm="EdDSA", headers={"kid": kid, "typ": "JWT"})
