"""SES events as Amazon SNS posts them to the tracking webhook, for the email tests."""

import base64
import json
import uuid

from kalpla.testing.sns import sns_sign

WEBHOOK = "/anymail/amazon_ses/tracking/"
SECRET = "kalpla-ses:test-webhook-secret"
SENDER = "no-reply@kalpla.example"


# --- SES events as SNS posts them ----------------------------------------------------------


def ses_event(
    event_type: str, recipient: str, message_id: str, *, metadata: dict | None = None, **detail
) -> dict:
    """An SES event as SES publishes it to SNS; ``metadata`` is the sent message's X-Metadata
    header (anymail's ``metadata``)."""
    headers = [{"name": "To", "value": recipient}]
    if metadata is not None:
        headers.append({"name": "X-Metadata", "value": json.dumps(metadata)})
    mail_object = {
        "timestamp": _at("10:00:00"),
        "source": f"Kalpla <{SENDER}>",
        "sendingAccountId": "123456789012",
        "messageId": message_id,
        "destination": [recipient],
        "headersTruncated": False,
        "headers": headers,
        "commonHeaders": {"to": [recipient], "messageId": message_id, "subject": "Hi"},
    }
    return {"eventType": event_type, "mail": mail_object, **detail}


def bounce(
    recipient: str, message_id: str, bounce_type: str = "Permanent", metadata: dict | None = None
) -> dict:
    hard = bounce_type == "Permanent"
    bounced = {
        "emailAddress": recipient,
        "action": "failed",
        "status": "5.1.1" if hard else "4.2.2",
        "diagnosticCode": "smtp; 550 5.1.1 user unknown",
    }
    return ses_event(
        "Bounce",
        recipient,
        message_id,
        metadata=metadata,
        bounce={
            "bounceType": bounce_type,
            "bounceSubType": "General" if hard else "MailboxFull",
            "bouncedRecipients": [bounced],
            "timestamp": _at("10:00:02"),
            "feedbackId": "0100017f-feedback",
        },
    )


def complaint(recipient: str, message_id: str) -> dict:
    complained = {
        "complainedRecipients": [{"emailAddress": recipient}],
        "timestamp": _at("10:05:00"),
        "feedbackId": "0100-complaint",
        "complaintFeedbackType": "abuse",
    }
    return ses_event("Complaint", recipient, message_id, complaint=complained)


def delivered(recipient: str, message_id: str) -> dict:
    delivery = {"timestamp": _at("10:00:01"), "recipients": [recipient], "smtpResponse": "250 ok"}
    return ses_event("Delivery", recipient, message_id, delivery=delivery)


def _at(time: str) -> str:
    return f"2026-11-25T{time}.000Z"


def sns_body(event: dict, sns_message_id: str | None = None) -> tuple[str, dict[str, str]]:
    """The SNS HTTP notification wrapping an SES event; reuse ``sns_message_id`` to redeliver."""
    message_id = sns_message_id or str(uuid.uuid4())
    topic = "arn:aws:sns:us-east-1:123456789012:kalpla-ses-events"
    body = {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": topic,
        "Message": json.dumps(event),
        "Timestamp": "2026-11-25T10:00:03.120Z",
        "SignatureVersion": "1",
        "Signature": base64.b64encode(b"signature-bytes").decode(),
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0.pem",
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    }
    headers = {
        "HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Notification",
        "HTTP_X_AMZ_SNS_MESSAGE_ID": message_id,
        "HTTP_X_AMZ_SNS_TOPIC_ARN": topic,
        "HTTP_USER_AGENT": "Amazon Simple Notification Service Agent",
    }
    return json.dumps(sns_sign(body)), headers


def post_ses_event(
    client, event: dict, sns_message_id: str | None = None, *, credentials: str | None = SECRET
):
    """POST ``event`` to the webhook as SNS does, with Basic ``credentials`` (None: none)."""
    body, headers = sns_body(event, sns_message_id)
    if credentials is not None:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    return client.post(WEBHOOK, data=body, content_type="text/plain; charset=UTF-8", **headers)
