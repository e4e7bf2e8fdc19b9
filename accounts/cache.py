"""What retires a user's cached role names (read by ``accounts.roles.user_roles``) and the
cached signed-in user (read by ``accounts.middleware.AuthenticationMiddleware``).

Every signed-in page loads the viewer and asks for their roles (the top bar, the policies),
so both are kept in the cache per user instead of costing a query each on every request. The
receivers below are the only invalidation: a change of the user's groups (either side of the
relation), a save of the user (any field: the session hash, ``is_active``, language, time
zone) or their deletion, and a renamed or deleted group (every member). The roles key is
deleted and the user's scope moved at once and again when the transaction commits, so a
reader that cached the old state in between does not keep it.
"""

from typing import Any

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from accounts.models import User
from accounts.roles import ROLES_TTL, roles_key, user_roles
from kalpla.cache import (
    cache_get_current,
    cache_set_current,
    cache_version_bump_on_commit,
    cache_versions,
)


def user_scope(user_id: int) -> str:
    return f"accounts:user:{user_id}"


def roles_invalidate(*user_ids: int) -> None:
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return
    keys = [roles_key(user_id) for user_id in ids]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
    cache_version_bump_on_commit(*(user_scope(user_id) for user_id in ids))


def session_user_key(session_key: str) -> str:
    """The cached user of the session ``session_key``: named by the session, not the user,
    so that it can be read in the round trip that reads the session (the user is known only
    from the session's data). Each of a user's sessions has its own copy, all retired by the
    user's scope."""
    return f"accounts:session-user:{session_key}"


def session_user_get(*, backend: Any, user_id: Any, session_key: str | None) -> User | None:
    """The user a session names, as ``backend.get_user`` loads it, with their roles: from the
    cache (read with the session when it was read ahead) while nothing above retired it, else
    from the database.

    The entry is built under the user's scope version read before the row, so a save
    committed meanwhile is never kept; an entry of another user (a session key that changed
    hands) is ignored; ``backend.user_can_authenticate`` is asked on every read, as
    ``ModelBackend.get_user`` does. A session not saved yet (no key) is read from the
    database.
    """
    if session_key is None:
        return backend.get_user(user_id)
    key = session_user_key(session_key)
    user: User | None = cache_get_current(key)
    if user is not None and user.pk == user_id:
        return user if backend.user_can_authenticate(user) else None
    scope = user_scope(user_id)
    (version,) = cache_versions(scope)
    user = backend.get_user(user_id)
    if user is not None:
        user_roles(user)  # kept on the object, so the entry carries them
        cache_set_current(key, user, versions={scope: version}, timeout=ROLES_TTL)
    return user


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts.cache.groups")
def _groups_changed(
    sender: type, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if not action.startswith("post_") and action != "pre_clear":
        return
    if not reverse:
        roles_invalidate(instance.pk)
    elif action == "pre_clear":  # a group loses every member: who they are is known only now
        roles_invalidate(*instance.user_set.values_list("pk", flat=True))
    elif pk_set:
        roles_invalidate(*pk_set)


@receiver(post_save, sender=User, dispatch_uid="accounts.cache.user_saved")
@receiver(post_delete, sender=User, dispatch_uid="accounts.cache.user_deleted")
def _user_changed(sender: type[User], instance: User, **kwargs: Any) -> None:
    if kwargs.get("created"):
        return
    roles_invalidate(instance.pk)


@receiver(post_save, sender=Group, dispatch_uid="accounts.cache.group_saved")
@receiver(pre_delete, sender=Group, dispatch_uid="accounts.cache.group_deleted")
def _group_changed(sender: type[Group], instance: Group, **kwargs: Any) -> None:
    if kwargs.get("created"):
        return
    roles_invalidate(*instance.user_set.values_list("pk", flat=True))
