import pytest

from kalpla.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_outbox_admin_is_read_only_and_visible(client, admin_user):
    OutboxMessage.objects.create(channel="sms", to="+919876543210", body="hi", message_id="m1")
    client.force_login(admin_user)
    page = client.get("/admin/kalpla/outboxmessage/")
    assert page.status_code == 200 and "+919876543210" in page.content.decode()
    assert client.get("/admin/kalpla/outboxmessage/add/").status_code == 403
