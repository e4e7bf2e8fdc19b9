import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_api_404_is_json(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "code": "not_found"}


def test_site_404_is_a_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_api_500_is_json_without_details(settings):
    from django.urls import path

    from kalpla import urls

    def boom(request):
        raise RuntimeError("secret internals")

    settings.ROOT_URLCONF = type(
        "Conf", (), {"urlpatterns": [path("api/v1/boom/", boom)], "handler500": urls.handler500}
    )
    response = Client(raise_request_exception=False).get("/api/v1/boom/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "secret" not in response.content.decode()
