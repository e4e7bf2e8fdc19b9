"""The API's error contract: JSON errors everywhere under /api/, and query parameters that are
applied or refused (never silently ignored), as the schema states."""

import json

import pytest
from django.test import Client

from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return json.loads(client.get("/api/schema/?format=json").content)


def test_api_unknown_url_is_json_in_debug_mode(settings, client):
    settings.DEBUG = True
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "code": "not_found"}


def test_api_unknown_url_outside_v1_is_json_in_debug_mode(settings, client):
    settings.DEBUG = True
    response = client.post("/api/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_api_method_not_allowed_by_django_view_is_json(settings, client):
    from django.http import HttpResponse
    from django.urls import path
    from django.views.decorators.http import require_GET

    @require_GET
    def plain(request):
        return HttpResponse("ok")

    settings.ROOT_URLCONF = type("Conf", (), {"urlpatterns": [path("api/v1/plain/", plain)]})
    response = client.post("/api/v1/plain/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert response["Allow"] == "GET"


def test_api_csrf_failure_is_json(student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    response = client.post("/api/v1/courses/x/enroll/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "code" in response.json()


def test_site_404_stays_a_page_in_debug_mode(settings, client):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/categories/?page_size=true", "page_size"),
        ("/api/v1/categories/?page_size=0", "page_size"),
        ("/api/v1/categories/?page_size=101", "page_size"),
        ("/api/v1/categories/?page=first", "page"),
        ("/api/v1/courses/?level=", "level"),
        ("/api/v1/courses/?is_free=maybe", "is_free"),
        ("/api/v1/courses/?min_rating=", "min_rating"),
        ("/api/v1/courses/?level=wizard", "level"),
        ("/api/v1/courses/?category=", "category"),
        ("/api/v1/courses/?search=%20%20", "search"),
        ("/api/v1/courses/?language=" + "x" * 11, "language"),
        ("/api/v1/courses/?search=" + "x" * 199 + "%20%20", "search"),
        ("/api/v1/courses/?is_free=1", "is_free"),
        ("/api/v1/courses/?is_free=True", "is_free"),
        ("/api/v1/courses/?min_rating=7", "min_rating"),
    ],
)
def test_list_bad_query_parameter_is_400_with_field_message(api_client, url, field):
    response = api_client.get(url)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [field]


@pytest.mark.parametrize(
    "query", ["unread=", "unread=perhaps", "unread=1", "page_size=lots", "page_size=-1"]
)
def test_notifications_bad_query_parameter_is_400(student_api, query):
    response = student_api.get(f"/api/v1/notifications/?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [query.split("=")[0]]


def test_list_good_query_parameters_still_filter(api_client):
    CourseFactory(level="beginner")
    CourseFactory(level="advanced")
    body = api_client.get("/api/v1/courses/?level=beginner&page_size=1&page=1").json()
    assert body["count"] == 1


def test_schema_states_what_the_filters_accept(schema):
    def parameters(path):
        return {p["name"]: p["schema"] for p in schema["paths"][path]["get"]["parameters"]}

    courses = parameters("/api/v1/courses/")
    assert courses["search"] == {
        "type": "string",
        "minLength": 1,
        "pattern": r"\S",
        "maxLength": 200,
    }
    assert courses["category"]["minLength"] == 1
    assert courses["language"]["maxLength"] == 10
    assert courses["is_free"] == {"type": "boolean"}
    assert (courses["min_rating"]["minimum"], courses["min_rating"]["maximum"]) == (0, 5)
    assert parameters("/api/v1/notifications/")["unread"] == {"type": "boolean"}


def test_list_boolean_filter_takes_true_and_false(student_api):
    assert student_api.get("/api/v1/notifications/?unread=true").status_code == 200
    assert student_api.get("/api/v1/notifications/?unread=false").status_code == 200


@pytest.mark.parametrize("method", ["get", "post", "patch", "put", "delete"])
def test_api_path_without_its_trailing_slash_is_a_json_404_in_debug_mode(
    settings, student_api, method
):
    settings.DEBUG = True
    response = getattr(student_api, method)("/api/v1/me/phone", {"number": "+919876543210"})
    assert response.status_code == 404
    assert response.json() == {
        "message": "Not found. API paths end with a slash: /api/v1/me/phone/",
        "code": "not_found",
    }


def test_api_path_without_its_trailing_slash_is_a_json_404_in_production(settings, api_client):
    settings.DEBUG = False
    response = api_client.post("/api/v1/me/api-keys", {"name": "x"}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_site_path_without_its_trailing_slash_still_redirects(client):
    response = client.get("/courses")
    assert response.status_code == 301 and response["Location"] == "/courses/"


def test_list_without_search_fields_documents_no_search_or_ordering(schema, student_api):
    parameters = {p["name"] for p in schema["paths"]["/api/v1/me/api-keys/"]["get"]["parameters"]}
    assert parameters == {"page", "page_size"}


def test_schema_documents_pagination_errors_and_bounds(schema):
    courses = schema["paths"]["/api/v1/courses/"]["get"]
    assert "404" in courses["responses"] and "400" in courses["responses"]
    assert "Invalid page" in courses["responses"]["404"]["description"]
    page_size = next(p for p in courses["parameters"] if p["name"] == "page_size")
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    feed = schema["paths"]["/api/v1/notifications/"]["get"]["responses"]
    assert "Invalid cursor" in feed["404"]["description"]


def test_schema_documents_401_for_signed_in_lists(schema):
    for path in ("/api/v1/me/api-keys/", "/api/v1/me/devices/"):
        assert "401" in schema["paths"][path]["get"]["responses"], path


def test_schema_input_bodies_refuse_unknown_fields(schema):
    components = schema["components"]["schemas"]
    assert components["ApiKeyCreateInRequest"]["additionalProperties"] is False
    # output components stay open: new fields may be added
    assert "additionalProperties" not in components["ApiKeyOut"]


def test_schema_patch_body_of_a_whole_input_keeps_required_fields(schema):
    body = schema["paths"]["/api/v1/me/phone/"]["patch"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][ref]["required"] == ["sms_mfa_enabled"]
    assert body["required"] is True
