import io

import pytest
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import ApiKey, hash_api_key
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def png_bytes(size=(32, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "purple").save(buffer, "PNG")
    return buffer.getvalue()


def test_me_requires_authentication(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {
        "message": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }


def test_me_returns_profile_and_roles(student_api, student):
    body = student_api.get("/api/v1/me/").json()
    assert body["email"] == student.email
    assert body["roles"] == ["Student"]
    assert body["date_joined"].endswith("Z")
    assert set(body) == {
        "id",
        "email",
        "name",
        "avatar_url",
        "bio",
        "timezone",
        "language",
        "roles",
        "date_joined",
    }


def test_me_roles_for_each_role(api_client):
    user = UserFactory(roles=("Mentor", "Moderator"))
    api_client.force_authenticate(user)
    assert api_client.get("/api/v1/me/").json()["roles"] == ["Mentor", "Moderator"]


def test_me_patch_updates_profile(student_api, student):
    response = student_api.patch(
        "/api/v1/me/", {"name": "Asha", "timezone": "Asia/Kolkata", "language": "hi"}, format="json"
    )
    assert response.status_code == 200
    student.refresh_from_db()
    assert (student.name, student.timezone, student.language) == ("Asha", "Asia/Kolkata", "hi")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"language": "xx"}, "language"),
        ({"name": ["not", "a", "string"]}, "name"),
        ({"name": "x" * 151}, "name"),
        ({"name": 42}, "name"),
        ({"bio": 1.5}, "bio"),
        ({"timezone": ""}, "timezone"),
        ({"avatar": "me.png"}, "avatar"),
        ({"email": "new@example.com"}, "email"),
        ({"is_staff": True}, "is_staff"),
    ],
)
def test_me_patch_bad_input_is_400_with_field_errors(student_api, student, payload, field):
    response = student_api.patch("/api/v1/me/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"]
    assert field in body["errors"]
    student.refresh_from_db()
    assert not student.is_staff and student.email.startswith("user")


def test_me_patch_malformed_json_is_400(student_api):
    response = student_api.generic(
        "PATCH", "/api/v1/me/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_me_patch_json_list_body_is_400(student_api):
    response = student_api.patch("/api/v1/me/", [1, 2], format="json")
    assert response.status_code == 400


def test_oversize_body_is_413(student_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = student_api.patch("/api/v1/me/", {"bio": "x" * 2000}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


@pytest.mark.parametrize(
    ("url", "body"),
    [("/api/v1/me/api-keys/", "name=x"), ("/api/v1/me/", "name=Asha")],
)
def test_api_bodies_are_json_not_form_encoded(student_api, url, body):
    # the schema states JSON bodies (and multipart for the avatar) only
    method = "PATCH" if url == "/api/v1/me/" else "POST"
    response = student_api.generic(
        method, url, body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_unsupported_media_type_is_415(student_api):
    response = student_api.generic("PATCH", "/api/v1/me/", "a=b", content_type="text/csv")
    assert response.status_code == 415
    assert "message" in response.json()


def test_me_avatar_upload(student_api, student):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    response = student_api.patch("/api/v1/me/", {"avatar": upload}, format="multipart")
    assert response.status_code == 200
    assert response.json()["avatar_url"].startswith("http://testserver/media/avatars/")


def test_me_avatar_null_in_json_removes_it(student_api, student):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    student_api.patch("/api/v1/me/", {"avatar": upload}, format="multipart")
    response = student_api.patch("/api/v1/me/", {"avatar": None}, format="json")
    assert response.status_code == 200 and response.json()["avatar_url"] is None
    student.refresh_from_db()
    assert not student.avatar


def test_me_schema_states_time_zones_and_the_avatar_per_media_type(client):
    schema = client.get("/api/schema/?format=json").json()
    body = schema["paths"]["/api/v1/me/"]["patch"]["requestBody"]["content"]
    components = schema["components"]["schemas"]
    json_in = components[body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    form = body["multipart/form-data"]
    form_in = components[form["schema"]["$ref"].rsplit("/", 1)[1]]
    zone = json_in["properties"]["timezone"]["allOf"][0]["$ref"].rsplit("/", 1)[1]
    assert (
        "Asia/Kolkata" in components[zone]["enum"]
        and "Mars/Olympus" not in components[zone]["enum"]
    )
    # a JSON body cannot carry a file: its avatar only removes
    assert json_in["properties"]["avatar"]["nullable"] is True
    assert json_in["properties"]["avatar"]["maxLength"] == 0
    assert form_in["properties"]["avatar"]["format"] == "binary"
    assert set(form["encoding"]["avatar"]["contentType"].split(", ")) == {
        "image/gif",
        "image/jpeg",
        "image/png",
        "image/webp",
    }


def test_me_avatar_rejects_non_image_whatever_its_name(student_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
    response = student_api.patch("/api/v1/me/", {"avatar": upload}, format="multipart")
    assert response.status_code == 400
    assert "avatar" in response.json()["errors"]


def test_unknown_api_path_is_json_404(student_api):
    response = student_api.get("/api/v1/nothing-here/")
    assert response.status_code == 404


# --- API keys ---------------------------------------------------------------------------------


def test_api_key_create_authenticate_revoke(student_api, student):
    created = student_api.post("/api/v1/me/api-keys/", {"name": "Reports"}, format="json")
    assert created.status_code == 201
    raw = created.json()["key"]
    key = ApiKey.objects.get(pk=created.json()["id"])
    # hashed at rest: the raw key is nowhere in the row
    assert key.hashed_key == hash_api_key(raw) and raw not in (key.prefix, key.hashed_key)
    machine = APIClient()
    me = machine.get("/api/v1/me/", headers={"Authorization": f"Api-Key {raw}"})
    assert me.status_code == 200 and me.json()["email"] == student.email
    key.refresh_from_db()
    assert key.last_used_at is not None
    # revoke, then the key stops working
    assert student_api.delete(f"/api/v1/me/api-keys/{key.pk}/").status_code == 204
    refused = machine.get("/api/v1/me/", headers={"Authorization": f"Api-Key {raw}"})
    assert refused.status_code == 401
    assert refused.json()["message"] == "Invalid or revoked API key."


def test_api_key_list_shows_no_secrets(student_api, student):
    student_api.post("/api/v1/me/api-keys/", {"name": "A"}, format="json")
    results = student_api.get("/api/v1/me/api-keys/").json()["results"]
    assert len(results) == 1 and "key" not in results[0] and "hashed_key" not in results[0]


def test_api_key_of_another_user_is_404(student_api):
    other = UserFactory()
    from accounts.services import api_key_create

    key, _raw = api_key_create(user=other, name="theirs")
    assert student_api.delete(f"/api/v1/me/api-keys/{key.pk}/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_api_key_create_needs_a_name(student_api):
    response = student_api.post("/api/v1/me/api-keys/", {}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]


def test_api_key_name_must_be_a_string_that_is_not_blank(student_api):
    for name in (42, " ", "\x1c"):
        response = student_api.post("/api/v1/me/api-keys/", {"name": name}, format="json")
        assert response.status_code == 400 and "name" in response.json()["errors"], name


def test_api_key_over_the_limit_is_a_documented_409(student_api, student, client):
    for number in range(20):
        ApiKey.objects.create(
            user=student, name=f"k{number}", prefix=f"p{number}", hashed_key=f"h{number}"
        )
    response = student_api.post("/api/v1/me/api-keys/", {"name": "one more"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "too_many_keys"
    schema = client.get("/api/schema/?format=json").json()
    assert "409" in schema["paths"]["/api/v1/me/api-keys/"]["post"]["responses"]


def test_api_key_garbage_header_is_401(api_client, db):
    response = api_client.get("/api/v1/me/", headers={"Authorization": "Api-Key kpl_x_y"})
    assert response.status_code == 401


def test_api_keys_list_bounded_queries(student_api, student, django_assert_max_num_queries):
    from accounts.services import api_key_create

    for n in range(15):
        api_key_create(user=student, name=f"k{n}")
    with django_assert_max_num_queries(3):
        response = student_api.get("/api/v1/me/api-keys/")
    assert response.json()["count"] == 15
