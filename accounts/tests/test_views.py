import pytest

from accounts.models import ApiKey
from accounts.services import api_key_create
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = [
    "/account/profile/",
    "/account/api-keys/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/3rdparty/",
    "/accounts/sessions/",
]


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_account_pages_need_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_account_pages_render_for_signed_in_user(client, student, path):
    client.force_login(student)
    response = client.get(path)
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_profile_edit_saves(client, student):
    client.force_login(student)
    response = client.post(
        "/account/profile/",
        {"name": "Asha K", "bio": "Hi", "timezone": "Asia/Kolkata", "language": "hi"},
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert (student.name, student.timezone, student.language) == ("Asha K", "Asia/Kolkata", "hi")


def test_profile_edit_bad_input_keeps_form(client, student):
    client.force_login(student)
    response = client.post(
        "/account/profile/", {"name": "Kept Name", "timezone": "Nowhere/City", "language": ""}
    )
    assert response.status_code == 200
    assert "timezone" in response.context["form"].errors
    assert 'value="Kept Name"' in response.content.decode()
    student.refresh_from_db()
    assert student.name != "Kept Name"


def test_profile_avatar_must_be_an_image(client, student):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(student)
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(
        "/account/profile/", {"name": "A", "timezone": "UTC", "language": "", "avatar": fake}
    )
    assert response.status_code == 200
    assert "avatar" in response.context["form"].errors


def test_api_key_page_creates_and_shows_secret_once(client, student):
    client.force_login(student)
    response = client.post("/account/api-keys/", {"name": "Reporting"})
    assert response.status_code == 200
    raw = response.context["new_key"]
    assert raw.startswith("kpl_") and raw in response.content.decode()
    again = client.get("/account/api-keys/").content.decode()
    assert "Reporting" in again and raw not in again


def test_api_key_page_revoke_and_other_users_key_is_404(client, student):
    client.force_login(student)
    mine, _ = api_key_create(user=student, name="mine")
    theirs, _ = api_key_create(user=UserFactory(), name="theirs")
    assert client.post(f"/account/api-keys/{theirs.pk}/revoke/").status_code == 404
    assert client.get(f"/account/api-keys/{mine.pk}/revoke/").status_code == 405
    assert client.post(f"/account/api-keys/{mine.pk}/revoke/").status_code == 302
    assert ApiKey.objects.get(pk=mine.pk).revoked_at is not None
    assert ApiKey.objects.get(pk=theirs.pk).revoked_at is None


def test_api_key_page_bounded_queries(client, student, django_assert_max_num_queries):
    client.force_login(student)
    for n in range(20):
        api_key_create(user=student, name=f"k{n}")
    with django_assert_max_num_queries(12):
        assert client.get("/account/api-keys/").status_code == 200


def test_sign_out_everywhere_ends_other_sessions(client, student):
    from django.test import Client

    from accounts.tests.factories import PASSWORD

    other = Client()
    other.post("/accounts/login/", {"login": student.email, "password": PASSWORD})
    assert other.get("/account/profile/").status_code == 200
    client.post("/accounts/login/", {"login": student.email, "password": PASSWORD})
    response = client.post("/accounts/sessions/", {"action": "logout"}, follow=False)
    assert response.status_code == 302
    assert other.get("/account/profile/").status_code == 302
    assert client.get("/account/profile/").status_code == 200


def test_user_language_preference_is_respected(client, student):
    student.language = "hi"
    student.save()
    client.force_login(student)
    response = client.get("/")
    assert response.headers["Content-Language"] == "hi"
    assert '<html lang="hi">' in response.content.decode()
