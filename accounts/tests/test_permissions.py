import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from accounts.permissions import IsAdminRole, IsMentor, IsModerator, IsStudent, role_permission
from accounts.roles import Role, is_moderator, primary_role, user_has_role, user_roles
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def view_for(permission):
    class View(APIView):
        permission_classes = [permission]

        def get(self, request):
            return Response({"ok": True})

    return View.as_view()


@pytest.mark.parametrize(
    ("permission", "allowed"),
    [
        (IsStudent, {"Student", "Admin"}),
        (IsMentor, {"Mentor", "Admin"}),
        (IsModerator, {"Moderator", "Admin"}),
        (IsAdminRole, {"Admin"}),
        (role_permission(Role.MENTOR, Role.MODERATOR), {"Mentor", "Moderator", "Admin"}),
    ],
)
def test_role_permissions_allow_only_their_roles(permission, allowed):
    view = view_for(permission)
    for role in ("Student", "Mentor", "Moderator", "Admin"):
        request = APIRequestFactory().get("/")
        force_authenticate(request, UserFactory(roles=(role,)))
        expected = 200 if role in allowed else 403
        assert view(request).status_code == expected, (permission, role)
    anonymous = view(APIRequestFactory().get("/"))
    assert anonymous.status_code in (401, 403)


def test_role_helpers():
    user = UserFactory(roles=("Mentor",))
    assert user_roles(user) == {"Mentor"}
    assert user_has_role(user, Role.MENTOR) and not is_moderator(user)
    assert primary_role(user) == Role.MENTOR
    superuser = UserFactory(roles=("Student",), is_superuser=True)
    assert primary_role(superuser) == Role.ADMIN


def test_role_groups_exist_from_migration():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Student",
        "Mentor",
        "Moderator",
        "Admin",
    }
