"""SES sending identities for tests: moto's SES sends only from a verified sender, as SES does."""

from dataclasses import dataclass

from botocore.exceptions import ClientError

from kalpla.integrations import aws


@dataclass(frozen=True)
class SenderIdentity:
    address: str
    verified: bool


def ses_verify_sender(address: str) -> SenderIdentity:
    """Register ``address`` (or a domain) as an SES sending identity; safe to repeat.

    On real SES this starts verification (a confirmation email or DNS records); sending works
    once it is verified.
    """
    client = aws.client("sesv2")
    with aws.aws_errors("SES verify sender"):
        try:
            response = client.create_email_identity(EmailIdentity=address)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "AlreadyExistsException":
                raise
            response = client.get_email_identity(EmailIdentity=address)
    return SenderIdentity(
        address=address, verified=bool(response.get("VerifiedForSendingStatus", False))
    )
