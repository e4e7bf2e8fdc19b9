"""Checking that an HTTP(S) notification really comes from Amazon SNS.

SNS signs every message it delivers with the key of a certificate it publishes under
``https://sns.<region>.amazonaws.com/...pem``; the receiver rebuilds the signed text from the
message's fields and checks the signature with that certificate
(https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html). Only
certificates from SNS hosts over HTTPS are fetched; each is cached for a day.
"""

import base64
import hashlib
import re
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.core.cache import cache

CERT_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")
CERT_TTL = 24 * 3600
CERT_FETCH_TIMEOUT = 5
SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type",
    ),
    "UnsubscribeConfirmation": (
        "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type",
    ),
}  # fmt: skip
HASHES: dict[str, type[hashes.HashAlgorithm]] = {"1": hashes.SHA1, "2": hashes.SHA256}


class SnsSignatureError(Exception):
    """The message is not signed by SNS (or cannot be checked)."""


def sns_string_to_sign(message: dict[str, Any]) -> bytes:
    fields = SIGNED_FIELDS.get(str(message.get("Type")))
    if fields is None:
        raise SnsSignatureError(f"Unknown SNS message type {message.get('Type')!r}.")
    parts = []
    for name in fields:
        if name in message and message[name] is not None:
            parts.append(f"{name}\n{message[name]}\n")
    return "".join(parts).encode()


def _cert_cache_key(url: str) -> str:
    return "sns:cert:" + hashlib.sha256(url.encode()).hexdigest()[:40]


def sns_certificate_url_check(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not CERT_HOST.match(parts.hostname or "") or parts.port:
        raise SnsSignatureError(f"The signing certificate is not on an SNS host: {url!r}.")
    if not parts.path.endswith(".pem"):
        raise SnsSignatureError(f"The signing certificate URL is not a .pem file: {url!r}.")


def sns_certificate_remember(url: str, pem: bytes) -> None:
    """Keep a certificate for ``url`` (after fetching it; tests use it to provide one)."""
    cache.set(_cert_cache_key(url), pem, timeout=CERT_TTL)


def _certificate(url: str) -> x509.Certificate:
    sns_certificate_url_check(url)
    pem: bytes | None = cache.get(_cert_cache_key(url))
    if pem is None:
        try:
            with urllib.request.urlopen(url, timeout=CERT_FETCH_TIMEOUT) as response:  # noqa: S310 - https SNS host checked above
                pem = response.read(64 * 1024)
        except OSError as exc:
            raise SnsSignatureError(f"Could not fetch the signing certificate: {exc}") from exc
        sns_certificate_remember(url, pem)
    try:
        return x509.load_pem_x509_certificate(pem)
    except ValueError as exc:
        raise SnsSignatureError("The signing certificate is not a PEM certificate.") from exc


def sns_message_verify(message: dict[str, Any]) -> None:
    """Raise SnsSignatureError unless ``message`` carries a valid SNS signature."""
    version = str(message.get("SignatureVersion", ""))
    algorithm = HASHES.get(version)
    if algorithm is None:
        raise SnsSignatureError(f"Unsupported SignatureVersion {version!r}.")
    try:
        signature = base64.b64decode(str(message.get("Signature", "")), validate=True)
    except ValueError as exc:
        raise SnsSignatureError("The signature is not base64.") from exc
    certificate = _certificate(str(message.get("SigningCertURL", "")))
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SnsSignatureError("The signing certificate does not hold an RSA key.")
    try:
        key.verify(signature, sns_string_to_sign(message), padding.PKCS1v15(), algorithm())
    except InvalidSignature as exc:
        raise SnsSignatureError("The SNS signature does not match the message.") from exc
