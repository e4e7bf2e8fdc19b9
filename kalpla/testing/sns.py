"""Signing SNS messages in tests with a throwaway certificate, as SNS would."""

import base64
import datetime
from functools import cache as memoize
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from kalpla.integrations.sns_signatures import HASHES, sns_certificate_remember, sns_string_to_sign

TEST_CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-kalpla-test.pem"


@memoize
def _key_and_pem() -> tuple[rsa.RSAPrivateKey, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return key, certificate.public_bytes(serialization.Encoding.PEM)


def sns_sign(message: dict[str, Any], version: str = "2") -> dict[str, Any]:
    """``message`` with SignatureVersion, SigningCertURL and Signature set, as SNS sends it.

    The certificate is put where the verifier finds it (its cache), so nothing is fetched.
    """
    key, pem = _key_and_pem()
    sns_certificate_remember(TEST_CERT_URL, pem)
    signed = {**message, "SignatureVersion": version, "SigningCertURL": TEST_CERT_URL}
    signature = key.sign(sns_string_to_sign(signed), padding.PKCS1v15(), HASHES[version]())
    signed["Signature"] = base64.b64encode(signature).decode()
    return signed
