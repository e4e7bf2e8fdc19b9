"""The viewer's roles come from the cache between requests and follow every change."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role, user_roles
from accounts.services import user_roles_set
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # a new request's user object


def test_roles_cost_no_query_once_cached(django_assert_num_queries):
    user = UserFactory(roles=("Mentor",))
    assert user_roles(fresh(user)) == {"Mentor"}
    again = fresh(user)
    with django_assert_num_queries(0):
        assert user_roles(again) == {"Mentor"}


def test_role_changes_from_either_side_retire_the_cached_roles():
    user = UserFactory(roles=("Student",))
    assert user_roles(fresh(user)) == {"Student"}
    user_roles_set(user=user, roles=(Role.STUDENT, Role.MODERATOR))
    assert user_roles(fresh(user)) == {"Student", "Moderator"}
    moderators = Group.objects.get(name=Role.MODERATOR)
    moderators.user_set.remove(user)
    assert user_roles(fresh(user)) == {"Student"}
    Group.objects.get(name=Role.STUDENT).user_set.clear()
    assert user_roles(fresh(user)) == set()
    moderators.user_set.add(user)
    assert user_roles(fresh(user)) == {"Moderator"}


def test_becoming_superuser_makes_an_admin_at_once():
    user = UserFactory(roles=("Student",))
    assert Role.ADMIN not in user_roles(fresh(user))
    user.is_superuser = True
    user.save()
    assert Role.ADMIN in user_roles(fresh(user))


def test_a_renamed_group_retires_its_members_roles():
    user = UserFactory(roles=("Mentor",))
    assert user_roles(fresh(user)) == {"Mentor"}
    group = Group.objects.get(name=Role.MENTOR)
    group.name = "Former mentors"
    group.save()
    assert user_roles(fresh(user)) == set()
