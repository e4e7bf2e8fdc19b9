"""/api/v1/me/devices/: registration for push, permissions, idempotency."""

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from kalpla.testing.moto import moto_data
from notifications.models import Device
from notifications.services.push import device_register

pytestmark = pytest.mark.django_db

DEVICES = "/api/v1/me/devices/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_anonymous_is_401(api_client):
    assert api_client.get(DEVICES).status_code == 401
    response = api_client.post(DEVICES, {"platform": "fcm", "token": "t"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert api_client.delete(f"{DEVICES}1/").status_code == 401


def test_register_is_idempotent_per_token(student_api, student):
    created = student_api.post(DEVICES, {"platform": "fcm", "token": "fcm-token-1"})
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"id", "platform", "token", "enabled", "created_at", "last_seen_at"}
    assert (body["platform"], body["token"], body["enabled"]) == ("fcm", "fcm-token-1", True)
    assert body["created_at"].endswith("Z")
    again = student_api.post(DEVICES, {"platform": "fcm", "token": "fcm-token-1"})
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert Device.objects.filter(user=student).count() == 1


def test_a_token_moves_to_whoever_registers_it(student_api, student):
    previous = UserFactory()
    old, _ = device_register(user=previous, platform="apns", token="shared-phone")
    response = student_api.post(DEVICES, {"platform": "apns", "token": "shared-phone"})
    assert response.status_code == 200
    assert response.json()["id"] == old.pk
    old.refresh_from_db()
    assert old.user == student
    assert not Device.objects.filter(user=previous).exists()


def test_list_shows_only_my_devices(student_api, student, django_assert_max_num_queries):
    for n in range(12):
        device_register(user=student, platform="fcm", token=f"mine-{n}")
    device_register(user=UserFactory(), platform="fcm", token="theirs")
    with django_assert_max_num_queries(6):
        response = student_api.get(DEVICES)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 12
    assert {d["token"] for d in body["results"]} == {f"mine-{n}" for n in range(12)}


def test_unregister_my_device(student_api, student):
    device, _ = device_register(user=student, platform="fcm", token="mine")
    assert student_api.delete(f"{DEVICES}{device.pk}/").status_code == 204
    assert not Device.objects.filter(pk=device.pk).exists()
    assert student_api.delete(f"{DEVICES}{device.pk}/").status_code == 404


def test_another_users_device_is_404(student_api):
    theirs, _ = device_register(user=UserFactory(), platform="fcm", token="theirs")
    response = student_api.delete(f"{DEVICES}{theirs.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Device.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"platform": "windows", "token": "t"}, "platform"),
        ({"platform": "fcm", "token": ""}, "token"),
        ({"platform": "fcm", "token": " "}, "token"),
        ({"platform": "fcm", "token": 42}, "token"),
        ({"platform": "fcm", "token": 4.2}, "token"),
        ({"platform": "fcm", "token": True}, "token"),
        ({"platform": "fcm", "token": "t" * 513}, "token"),
        ({"platform": "fcm"}, "token"),
        ({"platform": "fcm", "token": "t", "user": 3}, "user"),
    ],
)
def test_invalid_input_is_400(student_api, payload, field):
    response = student_api.post(DEVICES, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_register_creates_the_sns_endpoint(student_api, student, aws, settings):
    from kalpla.integrations.aws import client as aws_client

    settings.KALPLA_SNS_APNS_APPLICATION_ARN = aws_client("sns").create_platform_application(
        Name="kalpla-ios", Platform="APNS", Attributes={"PlatformCredential": "key"}
    )["PlatformApplicationArn"]
    response = student_api.post(DEVICES, {"platform": "apns", "token": "a" * 64})
    assert response.status_code == 201
    device = Device.objects.get(pk=response.json()["id"])
    [endpoint] = moto_data(aws)["sns"]["PlatformEndpoint"]
    assert endpoint["arn"] == device.endpoint_id
    assert endpoint["custom_user_data"] == f"user:{student.pk}"


def test_push_not_configured_is_503(student_api, aws, settings):
    settings.KALPLA_SNS_FCM_APPLICATION_ARN = ""
    response = student_api.post(DEVICES, {"platform": "fcm", "token": "t"})
    assert response.status_code == 503
    assert response.json()["code"] == "push_unavailable"
    assert not Device.objects.exists()
