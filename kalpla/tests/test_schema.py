import json

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi_3_without_warnings(client):
    # --fail-on-warn turns every drf-spectacular warning into a failure
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    schemes = schema["components"]["securitySchemes"]
    assert {"sessionToken", "apiKey", "cookieAuth"} <= set(schemes)
    assert "X-Session-Token" in schema["info"]["description"]


def test_operation_ids_are_unique_and_tagged(client):
    schema = json.loads(client.get("/api/schema/?format=json").content)
    ids = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            ids.append(operation["operationId"])
            assert operation.get("tags"), f"{method} {path} has no tag"
            assert operation.get("summary"), f"{method} {path} has no summary"
    assert len(ids) == len(set(ids))


def test_api_docs_page_served_without_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "cdn.jsdelivr" not in body and "unpkg" not in body
    assert "/static/drf_spectacular_sidecar/" in body
