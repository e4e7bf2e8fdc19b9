import pytest

from accounts.roles import Role
from accounts.tests.factories import UserFactory


def user_with_role(role, **fields):
    from accounts.services import user_roles_set

    user = UserFactory(**fields)
    user_roles_set(user=user, roles=(role,))
    return user


@pytest.fixture
def mentor():
    return user_with_role(Role.MENTOR)


@pytest.fixture
def other_mentor():
    return user_with_role(Role.MENTOR)


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)
