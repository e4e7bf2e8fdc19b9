"""accounts.policies: staff, moderator and mentor, each defined once."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import policies
from accounts.selectors import staff_user_list
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("attrs", "staff", "moderator", "mentor"),
    [
        ({"roles": ("Student",)}, False, False, False),
        ({"roles": ("Mentor",)}, False, False, True),
        ({"roles": ("Moderator",)}, False, True, False),
        ({"roles": ("Admin",)}, True, True, False),
        ({"roles": ("Student",), "is_staff": True}, True, False, False),
        ({"roles": ("Student",), "is_superuser": True}, True, True, False),
        ({"roles": ("Admin", "Mentor"), "is_staff": True, "is_active": False}, False, False, False),
    ],
)
def test_user_policies(attrs, staff, moderator, mentor):
    user = UserFactory(**attrs)

    assert policies.user_is_staff(user) is staff
    assert policies.user_is_moderator(user) is moderator
    assert policies.user_is_mentor(user) is mentor
    assert policies.user_is_active(user) is attrs.get("is_active", True)


@pytest.mark.parametrize("user", [None, AnonymousUser()])
def test_user_policies_refuse_anonymous(user):
    assert not policies.user_is_active(user)
    assert not policies.user_is_staff(user)
    assert not policies.user_is_moderator(user)
    assert not policies.user_is_mentor(user)
    assert not policies.user_is_mentor_or_admin(user)


def test_staff_user_list_matches_user_is_staff():
    users = [
        UserFactory(roles=("Student",)),
        UserFactory(roles=("Admin",)),
        UserFactory(roles=("Student",), is_staff=True),
        UserFactory(roles=("Student",), is_superuser=True),
        UserFactory(roles=("Admin",), is_staff=True, is_active=False),
    ]

    assert set(staff_user_list()) == {u for u in users if policies.user_is_staff(u)}
