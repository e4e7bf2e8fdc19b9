import json
import logging
import sys
from logging.config import DictConfigurator

import pytest
from django.conf import settings
from django_guid import set_guid
from django_guid.log_filters import CorrelationId
from pythonjsonlogger.json import JsonFormatter


def test_request_id_header_round_trip(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "0123456789abcdef0123456789abcdef"})
    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) >= 32


def test_json_log_lines_carry_the_request_id():
    config = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(config["format"], rename_fields=config["rename_fields"])
    record = logging.LogRecord("kalpla.test", logging.INFO, __file__, 1, "hello %s", ("x",), None)
    set_guid("req-42")
    CorrelationId().filter(record)
    line = json.loads(formatter.format(record))
    assert line["message"] == "hello x"
    assert line["request_id"] == "req-42"
    assert line["level"] == "INFO" and line["logger"] == "kalpla.test"


def formatter(name: str) -> logging.Formatter:
    """The formatter settings.LOGGING configures under ``name``."""
    return DictConfigurator({}).configure_formatter(dict(settings.LOGGING["formatters"][name]))


def access_record(path: str) -> logging.LogRecord:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("1.2.3.4:5678", "GET", path, "1.1", 200),
        None,
    )
    CorrelationId().filter(record)  # as the console handler's filter does
    return record


@pytest.mark.parametrize("log_format", ["text", "json"])
@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/ws/me/?a=1&token=s3cret&b=2", "/ws/me/?a=1&token=[redacted]&b=2"),
        ("/ws/me/?session_token=s3cret", "/ws/me/?session_token=[redacted]"),
        (
            "/accounts/google/login/callback/?state=st&code=s3cret",
            "/accounts/google/login/callback/?state=st&code=[redacted]",
        ),
        ("/api/v1/courses/?api_key=s3cret", "/api/v1/courses/?api_key=[redacted]"),
        ("/files/d/x/?X-Amz-Signature=s3cret", "/files/d/x/?X-Amz-Signature=[redacted]"),
        ("/accounts/password/reset/key/3f-s3cret/", "/accounts/password/reset/key/[redacted]/"),
        ("/accounts/confirm-email/s3cret/", "/accounts/confirm-email/[redacted]/"),
        ("/notifications/unsubscribe/s3cret/", "/notifications/unsubscribe/[redacted]/"),
    ],
)
def test_secrets_in_logged_urls_are_redacted(log_format, path, logged):
    line = formatter(log_format).format(access_record(path))
    assert "s3cret" not in line
    message = json.loads(line)["message"] if log_format == "json" else line
    assert f'"GET {logged} HTTP/1.1" 200' in message


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password/reset/key/3f-set-password/",
        "/courses/?monkey=1&search=python&page=2",
        "/api/v1/me/api-keys/3/",
        "/ws/notifications/",
    ],
)
def test_urls_without_secrets_are_logged_as_they_are(path):
    assert f'"GET {path} HTTP/1.1"' in formatter("text").format(access_record(path))


def test_json_lines_redact_the_request_field_and_tracebacks_and_stay_json():
    class Request:
        def __str__(self) -> str:
            return "<ASGIRequest: GET '/accounts/confirm-email/s3cret/'>"

    try:
        raise ValueError('bad link "/accounts/password/reset/key/1-s3cret/"')
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        ("/notifications/unsubscribe/s3cret/",),
        exc_info,
    )
    record.request = Request()
    line = formatter("json").format(record)
    assert "s3cret" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "Not Found: /notifications/unsubscribe/[redacted]/"
    assert parsed["request"] == "<ASGIRequest: GET '/accounts/confirm-email/[redacted]/'>"
    assert '/accounts/password/reset/key/[redacted]/\\"' in json.dumps(parsed["exc_info"])
