import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from accounts.permissions import IsModerator
from accounts.roles import Role, is_moderator, primary_role, user_has_role, user_roles
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def view_for(permission):
    class View(APIView):
        permission_classes = [permission]

        def get(self, request):
            return Response({"ok": True})

    return View.as_view()


def test_moderator_permission_allows_moderators_and_admins_only():
    view = view_for(IsModerator)
    for role in ("Student", "Mentor", "Moderator", "Admin"):
        request = APIRequestFactory().get("/")
        force_authenticate(request, UserFactory(roles=(role,)))
        expected = 200 if role in {"Moderator", "Admin"} else 403
        assert view(request).status_code == expected, role
    anonymous = view(APIRequestFactory().get("/"))
    assert anonymous.status_code in (401, 403)


def test_role_helpers():
    user = UserFactory(roles=("Mentor",))
    assert user_roles(user) == {"Mentor"}
    assert user_has_role(user, Role.MENTOR) and not is_moderator(user)
    assert primary_role(user) == Role.MENTOR
    superuser = UserFactory(roles=("Student",), is_superuser=True)
    assert primary_role(superuser) == Role.ADMIN


def test_role_groups_created_by_data_migration():
    # Transactional tests elsewhere flush the tables, so run the migration's function itself.
    from importlib import import_module

    from django.apps import apps as global_apps
    from django.contrib.auth.models import Group

    migration = import_module("accounts.migrations.0002_roles")
    Group.objects.filter(name__in=migration.ROLES).delete()
    migration.create_roles(global_apps, None)
    migration.create_roles(global_apps, None)  # idempotent
    assert sorted(
        Group.objects.filter(name__in=migration.ROLES).values_list("name", flat=True)
    ) == [
        "Admin",
        "Mentor",
        "Moderator",
        "Student",
    ]
