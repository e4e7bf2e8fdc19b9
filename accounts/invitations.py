"""Invited accounts: people someone else signed up (a bulk enrollment import) who choose their
password from an emailed link.

An invited account is an ordinary user with an unusable password, an unverified email address
and the Student role. The invitation is allauth's own password-reset key (uidb36 + token of
allauth's ``PASSWORD_RESET_TOKEN_GENERATOR``), so the link opens the site's "set a new password" page, or
the app's, when ``HEADLESS_FRONTEND_URLS["account_reset_password_from_key"]`` names one (the
app completes it with ``POST /_allauth/app/v1/auth/password/reset``). Nothing new to secure:
the key is single use (it is bound to the password hash, which changes when used), expires
with ``PASSWORD_RESET_TIMEOUT`` (Django's default, 3 days) and rate limits, MFA and sessions are
allauth's. When the link has expired, "Forgot your password?" sends a fresh one. Setting the
password through the link proves the address, so it is marked verified then
(``accounts.receivers``) and the person can sign in although verification is mandatory.

Invitations go once: only to accounts created by the call, never again to an address that
already has an account (re-uploading a file invites nobody twice).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from celery import shared_task
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.mail import get_connection
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role

if TYPE_CHECKING:
    from django.core.mail import EmailMessage

logger = logging.getLogger(__name__)

INVITATION_TEMPLATE = "account/email/invitation"


def _unusable_password() -> str:
    # What make_password(None) stores, made without its per-call overhead.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def users_invite(*, people: Sequence[tuple[str, str]], invited_by_id: int | None) -> dict[str, int]:
    """Create invited accounts for the ``(email, name)`` pairs (emails normalised to lower case
    by the caller) that have none, and queue their invitation emails on commit.

    Returns ``{email: user_id}`` of the accounts created by this call; an address that already
    has an account (made before, or concurrently by another import) is left out and invited
    by nobody. One statement whatever the number of people: the users, their email addresses
    and Student memberships are inserted together (``INSERT ... SELECT unnest(...) ON
    CONFLICT DO NOTHING`` and two inserts fed by its ``RETURNING``), so a concurrent sign-up or
    import of the same address is not an error.
    """
    if not people:
        return {}
    from django.contrib.auth.models import Group

    group, _created = Group.objects.get_or_create(name=str(Role.STUDENT))
    tables = {
        "user": User._meta.db_table,
        "email": EmailAddress._meta.db_table,
        "member": User.groups.through._meta.db_table,
    }
    if connection.vendor != "postgresql":  # the embedded default (SQLite): the ORM
        created = _create_invited_orm(people, group)
    else:
        created = _create_invited_sql(people, group, tables)
    if created:
        user_ids = sorted(created.values())
        transaction.on_commit(
            lambda: _send_later(user_ids=user_ids, invited_by_id=invited_by_id), robust=True
        )
    return created


def _create_invited_orm(people: Any, group: Any) -> dict[str, int]:
    taken = set(
        User.objects.filter(email__in=[e for e, _n in people]).values_list("email", flat=True)
    )
    created: dict[str, int] = {}
    for email, name in people:
        if email in taken or email in created:
            continue
        user = User(email=email, name=name[:150], password=_unusable_password())
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
        user.groups.add(group)
        created[email] = user.pk
    return created


def _create_invited_sql(people: Any, group: Any, tables: dict[str, str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH made AS (
                INSERT INTO {tables["user"]} (password, email, name, avatar, bio, timezone,
                    language, is_staff, is_active, is_superuser, date_joined)
                SELECT p, e, n, '', '', 'UTC', '', false, true, false, %s
                FROM unnest(%s::text[], %s::text[], %s::text[]) AS t(e, n, p)
                ON CONFLICT (email) DO NOTHING
                RETURNING id, email
            ), address AS (
                INSERT INTO {tables["email"]} (user_id, email, verified, "primary")
                SELECT id, email, false, true FROM made
            ), member AS (
                INSERT INTO {tables["member"]} (user_id, group_id) SELECT id, %s FROM made
            )
            SELECT id, email FROM made
            """,  # noqa: S608 - table names are the models', the values are parameters
            [
                timezone.now(),
                [email for email, _name in people],
                [name[:150] for _email, name in people],
                [_unusable_password() for _ in people],
                group.pk,
            ],
        )
        return {email: user_id for user_id, email in cursor.fetchall()}


def _send_later(*, user_ids: list[int], invited_by_id: int | None) -> None:
    user_invitations_send_task.delay(user_ids=user_ids, invited_by_id=invited_by_id)


def invitation_url(user: User) -> str:
    """The set-password link of ``user``'s invitation (allauth's password-reset key)."""
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    frontend = getattr(settings, "HEADLESS_FRONTEND_URLS", {}).get(
        "account_reset_password_from_key"
    )
    if frontend:
        return str(frontend).format(key=key)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    return settings.SITE_URL.rstrip("/") + path.replace("UID-KEY", key)


def user_invitations_send(*, user_ids: Sequence[int], invited_by_id: int | None) -> int:
    """Email each still-invited account (unusable password, never signed in) its link, over
    one mail connection. Accounts that set a password in the meantime are skipped, so a
    retried task sends nobody a second link they no longer need. Returns how many were sent."""
    users = User.objects.filter(pk__in=list(user_ids), last_login__isnull=True, is_active=True)
    inviter = User.objects.filter(pk=invited_by_id).first() if invited_by_id else None
    adapter = get_adapter()
    messages: list[EmailMessage] = []
    for user in users:
        if user.has_usable_password():
            continue
        context: dict[str, Any] = {
            "user": user,
            "inviter": inviter,
            "invitation_url": invitation_url(user),
            "site_url": settings.SITE_URL,
        }
        messages.append(adapter.render_mail(INVITATION_TEMPLATE, user.email, context))
    if messages:
        get_connection().send_messages(messages)
    logger.info("sent %d invitations (of %d accounts)", len(messages), len(user_ids))
    return len(messages)


def invited_email_verify(*, user: Any) -> int:
    """The person set their password through a link sent to their address: it is theirs.

    Only for accounts with one address, the account's own (where invitations and password
    resets of invited accounts go). Returns the addresses marked verified (0 or 1).
    """
    addresses = EmailAddress.objects.filter(user_id=user.pk)
    if addresses.count() != 1:
        return 0
    return addresses.filter(email__iexact=user.email, verified=False).update(verified=True)


# Lives with the service that queues it (accounts.tasks re-exports it for autodiscovery). A
# send that fails is retried whole: people whose link already went out may get it twice then,
# which beats nobody getting one.
@shared_task(
    name="accounts.invitations_send",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def user_invitations_send_task(user_ids: list[int], invited_by_id: int | None = None) -> int:
    return user_invitations_send(user_ids=user_ids, invited_by_id=invited_by_id)
