"""What retires a user's cached role names (read by ``accounts.roles.user_roles``).

Every signed-in page asks for the viewer's roles (the top bar, the policies), so they are
kept in the cache per user instead of costing a query on each request. The receivers below
are the only invalidation: a change of the user's groups (either side of the relation), a
save of the user (``is_superuser``, ``is_active``) or their deletion, and a renamed or deleted
group (every member). The key is deleted at once and again when the transaction commits, so
a reader that cached the old roles in between does not keep them.
"""

from typing import Any

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from accounts.models import User
from accounts.roles import roles_key


def roles_invalidate(*user_ids: int) -> None:
    keys = [roles_key(user_id) for user_id in dict.fromkeys(user_ids)]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


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
