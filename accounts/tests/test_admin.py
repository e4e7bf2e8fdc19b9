import pytest

from accounts.models import User
from accounts.roles import user_roles
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"


def test_admin_user_list_search_and_filters(client, admin_user, django_assert_max_num_queries):
    UserFactory(email="mentor.one@example.com", roles=("Mentor",))
    UserFactory.create_batch(15)
    client.force_login(admin_user)
    with django_assert_max_num_queries(15):
        assert client.get(CHANGELIST).status_code == 200
    found = client.get(CHANGELIST, {"q": "mentor.one"}).content.decode()
    assert "mentor.one@example.com" in found
    by_role = client.get(CHANGELIST, {"role": "Mentor"}).context["cl"].result_count
    assert by_role == 1
    unverified = UserFactory(verified=False)
    result = client.get(CHANGELIST, {"verified": "no"}).context["cl"].result_list
    assert list(result) == [unverified]


def test_admin_bulk_role_assignment(client, admin_user):
    users = UserFactory.create_batch(3)
    client.force_login(admin_user)
    response = client.post(
        CHANGELIST,
        {"action": "add_role_mentor", "_selected_action": [u.pk for u in users]},
    )
    assert response.status_code == 302
    for user in User.objects.filter(pk__in=[u.pk for u in users]):
        assert user_roles(user) == {"Student", "Mentor"}
    client.post(
        CHANGELIST,
        {"action": "remove_role_student", "_selected_action": [users[0].pk]},
    )
    assert user_roles(User.objects.get(pk=users[0].pk)) == {"Mentor"}


@pytest.mark.parametrize("role", ["Student", "Mentor", "Moderator"])
def test_admin_refuses_non_staff(client, role):
    client.force_login(UserFactory(roles=(role,)))
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
