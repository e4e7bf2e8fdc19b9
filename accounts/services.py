from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiKey, User, hash_api_key
from accounts.roles import Role
from accounts.signals import api_key_created, user_signup_completed
from activity.tracking import track
from activity.verbs import Verb
from kalpla.exceptions import ApplicationError, Conflict

PROFILE_FIELDS = ("name", "avatar", "bio", "timezone", "language")


def _group(role: Role | str) -> Group:
    group, _created = Group.objects.get_or_create(name=str(role))
    return group


def user_signup_complete(*, user: User, name: str = "") -> User:
    """Every new account (site, headless or social) starts as a Student."""
    if name and not user.name:
        user.name = name[:150]
        user.save(update_fields=["name"])
    user.groups.add(_group(Role.STUDENT))
    user.__dict__.pop("_kalpla_roles", None)
    user_signup_completed.send(sender=User, user=user)
    track(actor=user, verb=Verb.SIGNED_UP, object=user)
    return user


@transaction.atomic
def user_roles_set(*, user: User, roles: tuple[Role, ...]) -> None:
    user.groups.set([_group(role) for role in roles])
    user.__dict__.pop("_kalpla_roles", None)


@transaction.atomic
def users_role_add(*, users: Any, role: Role) -> int:
    users = list(users)
    _group(role).user_set.add(*users)
    return len(users)


@transaction.atomic
def users_role_remove(*, users: Any, role: Role) -> int:
    users = list(users)
    _group(role).user_set.remove(*users)
    return len(users)


def user_profile_update(*, user: User, data: dict[str, Any]) -> User:
    """Save the profile fields in ``data``; ``avatar`` False or None removes the picture.

    A picture that was replaced or removed is deleted from storage once the change commits.
    """
    changed = [field for field in PROFILE_FIELDS if field in data]
    # A ModelForm has already put the new picture on the instance, so ask the database.
    old_avatar = _stored_avatar_name(user) if "avatar" in changed else ""
    for field in changed:
        value = data[field]
        if field == "avatar" and not value:
            value = ""  # the form's "Remove picture" sends False, the API null
        setattr(user, field, value)
    user.full_clean(exclude=["password"])
    if changed:
        user.save(update_fields=changed)
    if old_avatar and user.avatar.name != old_avatar:
        storage = user.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar))
    return user


def _stored_avatar_name(user: User) -> str:
    if user.pk is None:
        return ""
    name = User.objects.filter(pk=user.pk).values_list("avatar", flat=True).first()
    return name or ""


def api_key_create(*, user: User, name: str) -> tuple[ApiKey, str]:
    """Create a key; returns it with the raw secret, which is never stored or shown again."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the key a name."), errors={"name": [_("Required.")]})
    if ApiKey.objects.filter(user=user, revoked_at__isnull=True).count() >= 20:
        raise Conflict(_("You have 20 active keys; revoke one first."), code="too_many_keys")
    prefix, raw = ApiKey.generate()
    key = ApiKey(user=user, name=name, prefix=prefix, hashed_key=hash_api_key(raw))
    key.full_clean()
    key.save()
    api_key_created.send(sender=ApiKey, user=user, key=key)
    return key, raw


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_authenticate(*, raw_key: str) -> ApiKey | None:
    if not raw_key or len(raw_key) > 200:
        return None
    key = (
        ApiKey.objects.select_related("user")
        .filter(hashed_key=hash_api_key(raw_key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    # Recording use at most once a minute keeps hot keys from writing on every request.
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def email_verification_resend(*, request: HttpRequest) -> bool | None:
    """Send the sign-up confirmation link again to the address this session signed up with.

    None: no sign-up is pending in this session. False: refused by allauth's rate limit
    (``confirm_email``); True: sent. allauth keeps the pending sign-in in the session, so
    the link still leads where the visitor was going (``?next=``).
    """
    from allauth.account.internal.flows.email_verification import (
        get_address_for_login,
        send_verification_email_to_address,
    )
    from allauth.account.internal.stagekit import unstash_login

    login = unstash_login(request, peek=True)
    if login is None or login.user is None:
        return None
    address = get_address_for_login(login)
    if address is None or address.verified:
        return None
    return send_verification_email_to_address(request, address, signup=True)


@transaction.atomic
def user_sign_out_everywhere(*, user: User) -> int:
    """End every session of the user (site and app session tokens alike) and revoke their API
    keys. Returns how many sessions were ended."""
    from allauth.usersessions.models import UserSession

    ended = 0
    for session in UserSession.objects.filter(user=user):
        session.end()
        ended += 1
    ApiKey.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return ended


@transaction.atomic
def user_deactivate(*, user: User) -> User:
    """Take the account off the site (a ban): it can no longer sign in, its sessions end and
    its API keys stop working. ``user_reactivate`` undoes the first part."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    user_sign_out_everywhere(user=user)
    return user


@transaction.atomic
def user_reactivate(*, user: User) -> User:
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user
