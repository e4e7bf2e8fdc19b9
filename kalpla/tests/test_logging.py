import json
import logging

from django.conf import settings
from django_guid import set_guid
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
    from django_guid.log_filters import CorrelationId

    CorrelationId().filter(record)
    line = json.loads(formatter.format(record))
    assert line["message"] == "hello x"
    assert line["request_id"] == "req-42"
    assert line["level"] == "INFO" and line["logger"] == "kalpla.test"


def test_query_tokens_are_redacted_from_uvicorn_log_records():
    from kalpla.log_filters import RedactQuerySecrets

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s"',
        ("1.2.3.4", "GET", "/ws/me/?a=1&token=s3cret&b=2"),
        None,
    )
    RedactQuerySecrets().filter(record)
    assert record.getMessage() == '1.2.3.4 - "GET /ws/me/?a=1&token=[redacted]&b=2"'
