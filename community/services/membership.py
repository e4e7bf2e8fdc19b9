"""Topic groups: settings, joining (directly, by request or by invitation), leaving, roles and
channels.

Who may do what is in ``community.policies``; memberships go through
``community.services.groups.group_member_add/remove``, which keep the channels' rooms in step
(a removed member's open sockets are closed with 4403 once the change commits). A course
group's members follow its enrollments and instructors: people join and leave it with the
course, not here.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community.errors import field_error
from community.models import Channel, Group, GroupMembership, Invitation, JoinRequest
from community.models.membership import invitation_expiry
from community.policies import group_can_edit, group_can_manage, group_can_remove
from community.selectors.groups import (
    group_manager_users,
    group_owner_count,
    group_role,
    join_request_pending_for,
)
from community.selectors.moderation import banned_user_ids
from community.services.groups import channel_create, group_create, group_member_add
from community.services.groups import group_member_remove as _member_remove
from courses.selectors.activity import course_active_instructors
from enrollments.selectors import course_students_query
from kalpla.exceptions import Conflict, NotFound, PermissionDenied
from notifications.services.notify import notify

Role = GroupMembership.Role
ROLES = (Role.OWNER, Role.MODERATOR, Role.MEMBER)


def _members_url(group: Group) -> str:
    return reverse("groups:members", args=[group.pk])


def _require_manager(*, group: Group, user: Any) -> str:
    role = group_role(group_id=group.pk, user_id=user.pk)
    if not group_can_manage(role=role):
        raise PermissionDenied(
            _("Only the group's owners and moderators can do this."), code="not_group_manager"
        )
    return str(role)


def _require_owner(*, group: Group, user: Any) -> None:
    if not group_can_edit(role=group_role(group_id=group.pk, user_id=user.pk)):
        raise PermissionDenied(_("Only the group's owners can do this."), code="not_group_owner")


def _require_topic(group: Group) -> None:
    if group.kind != Group.Kind.TOPIC:
        raise Conflict(
            _("A course group's members follow the course's enrollments and instructors."),
            code="course_group",
        )


# --- the group itself ------------------------------------------------------------------------


def topic_group_create(
    *, user: Any, name: str, description: str = "", visibility: str = Group.Visibility.PUBLIC
) -> Group:
    """Anyone signed in makes a topic group and owns it."""
    if not (name or "").strip():
        raise field_error("name", _("Give the group a name."), code="required")
    if visibility not in Group.Visibility.values:
        raise field_error("visibility", _("Choose public, private or invite only."))
    return group_create(
        name=name, owner=user, visibility=visibility, description=(description or "").strip()
    )


@transaction.atomic
def group_update(*, group: Group, user: Any, **changes: str) -> Group:
    """Owners change ``name``, ``description`` and (topic groups) ``visibility``."""
    _require_owner(group=group, user=user)
    if "visibility" in changes and changes["visibility"] != group.visibility:
        _require_topic(group)
        if changes["visibility"] not in Group.Visibility.values:
            raise field_error("visibility", _("Choose public, private or invite only."))
        group.visibility = changes["visibility"]
    if "name" in changes:
        if not changes["name"].strip():
            raise field_error("name", _("Give the group a name."), code="required")
        group.name = changes["name"].strip()
    if "description" in changes:
        group.description = changes["description"].strip()
    group.full_clean(validate_constraints=False)
    group.save(update_fields=["name", "description", "visibility"])
    return group


# --- joining and leaving ---------------------------------------------------------------------


@transaction.atomic
def group_join(*, group: Group, user: Any) -> GroupMembership:
    """Join a public topic group (idempotent). Private groups take a join request and
    invite-only ones an invitation."""
    _require_topic(group)
    if group.visibility != Group.Visibility.PUBLIC:
        if group.visibility == Group.Visibility.PRIVATE:
            message = _("This group is private: ask to join and its moderators will decide.")
            raise Conflict(message, code="request_required")
        raise Conflict(_("This group is open by invitation only."), code="invitation_required")
    current = GroupMembership.objects.filter(group=group, user=user).first()
    if current is None:
        _not_banned(group=group, user_id=user.pk)
    return current or group_member_add(group=group, user=user)


def _not_banned(*, group: Group, user_id: int) -> None:
    if banned_user_ids(group_id=group.pk, user_ids=[user_id]):
        raise PermissionDenied(_("Banned from this group."), code="banned")


def _still_enrolled(group: Group, user_id: int) -> bool:
    assert group.course_id is not None
    course_id = group.course_id
    if course_students_query(course_id=course_id, user_id=user_id).exists():
        return True
    return any(
        u.pk == user_id for u in course_active_instructors(course_ids=[course_id])[course_id]
    )


@transaction.atomic
def group_leave(*, group: Group, user: Any) -> None:
    """Leave a group. The last owner hands the group over first; a course group is left by
    leaving the course."""
    role = group_role(group_id=group.pk, user_id=user.pk)
    if role is None:
        raise Conflict(_("You are not a member of this group."), code="not_member")
    if group.kind == Group.Kind.COURSE and _still_enrolled(group, user.pk):
        raise Conflict(
            _("You stay in a course's group while you are enrolled in or teach the course."),
            code="course_group",
        )
    if role == Role.OWNER and group_owner_count(group_id=group.pk) <= 1:
        raise Conflict(
            _("You are the group's only owner: hand ownership to another member first."),
            code="last_owner",
        )
    _member_remove(group=group, user_id=user.pk)


@transaction.atomic
def join_request_create(*, group: Group, user: Any, message: str = "") -> JoinRequest:
    """Ask to join a private topic group; its owners and moderators are told. Asking again
    while a request waits gives that request back."""
    _require_topic(group)
    if group.visibility != Group.Visibility.PRIVATE:
        if group.visibility == Group.Visibility.PUBLIC:
            raise Conflict(_("This group is public: join it directly."), code="join_directly")
        raise Conflict(_("This group is open by invitation only."), code="invitation_required")
    if group_role(group_id=group.pk, user_id=user.pk) is not None:
        raise Conflict(_("You are already a member of this group."), code="already_member")
    _not_banned(group=group, user_id=user.pk)
    pending = join_request_pending_for(group_id=group.pk, user_id=user.pk)
    if pending is not None:
        return pending
    request = JoinRequest(group=group, user=user, message=(message or "").strip())
    request.full_clean(validate_constraints=False)
    request.save()
    notify(
        recipients=group_manager_users(group_id=group.pk),
        kind="community.join_requested",
        context={"group_name": group.name, "requester_name": user.display_name},
        url=reverse("groups:requests", args=[group.pk]),
        dedupe_key=f"join-request-{request.pk}",
    )
    return request


@transaction.atomic
def join_request_decide(*, request: JoinRequest, user: Any, approve: bool) -> JoinRequest:
    """An owner or moderator approves (the requester joins) or declines; the requester is
    told either way."""
    group = request.group
    _require_manager(group=group, user=user)
    request = JoinRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != JoinRequest.Status.PENDING:
        raise Conflict(_("This request has already been decided."), code="already_decided")
    request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        group_member_add(group=group, user=request.user)
    notify(
        recipients=[request.user],
        kind="community.join_request_decided",
        context={"group_name": group.name, "approved": approve},
        url=_members_url(group) if approve else reverse("groups:directory"),
        dedupe_key=f"join-request-decided-{request.pk}",
    )
    return request


# --- invitations -----------------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, group: Group, user: Any, invitee_id: int) -> Invitation:
    """An owner or moderator invites someone to a topic group; they are told and answer from
    their invitations page (they are told once per invitation). Inviting again while one
    waits gives it a new answer period."""
    _require_topic(group)
    _require_manager(group=group, user=user)
    invitee = get_user_model().objects.filter(pk=invitee_id, is_active=True).first()
    if invitee is None:
        raise field_error("user_id", _("No such person."), code="user_not_found")
    _not_banned(group=group, user_id=invitee.pk)
    if group_role(group_id=group.pk, user_id=invitee.pk) is not None:
        raise field_error("user_id", _("This person is already a member."), code="already_member")
    Invitation.objects.filter(
        group=group, user=invitee, status=Invitation.Status.PENDING, expires_at__lte=timezone.now()
    ).update(status=Invitation.Status.REVOKED)
    invitation = Invitation.objects.filter(
        group=group, user=invitee, status=Invitation.Status.PENDING
    ).first()
    if invitation is None:
        invitation = Invitation(group=group, user=invitee, invited_by=user)
        invitation.full_clean(validate_constraints=False)
        invitation.save()
    else:  # asked again: the answer period starts over
        invitation.expires_at = invitation_expiry()
        invitation.save(update_fields=["expires_at"])
    notify(
        recipients=[invitee],
        kind="community.invited",
        context={"group_name": group.name, "inviter_name": user.display_name},
        url=reverse("groups:my_invitations"),
        dedupe_key=f"group-invitation-{invitation.pk}",
    )
    return invitation


@transaction.atomic
def invitation_respond(*, invitation: Invitation, user: Any, accept: bool) -> Invitation:
    """The invitee accepts (joins the group) or declines, before the invitation expires."""
    invitation = (
        Invitation.objects.select_for_update().select_related("group").get(pk=invitation.pk)
    )
    if invitation.user_id != user.pk:
        raise NotFound(_("No such invitation."), code="invitation_not_found")
    if invitation.status != Invitation.Status.PENDING:
        raise Conflict(_("This invitation has already been answered."), code="already_answered")
    if invitation.is_expired:
        raise Conflict(_("This invitation has expired."), code="invitation_expired")
    invitation.status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    if accept:
        group_member_add(group=invitation.group, user=user)
        JoinRequest.objects.filter(
            group=invitation.group, user=user, status=JoinRequest.Status.PENDING
        ).update(status=JoinRequest.Status.APPROVED, decided_at=invitation.responded_at)
    return invitation


@transaction.atomic
def invitation_revoke(*, group: Group, user: Any, invitation_id: int) -> Invitation:
    """An owner or moderator withdraws an invitation that waits for an answer; the invitee's
    invitations page stops offering it. An answered one cannot be withdrawn (Conflict)."""
    _require_topic(group)
    _require_manager(group=group, user=user)
    invitation = (
        Invitation.objects.select_for_update().filter(pk=invitation_id, group=group).first()
    )
    if invitation is None:
        raise NotFound(_("No such invitation."), code="invitation_not_found")
    if invitation.status == Invitation.Status.REVOKED:
        return invitation
    if invitation.status != Invitation.Status.PENDING:
        raise Conflict(_("This invitation has already been answered."), code="already_answered")
    invitation.status = Invitation.Status.REVOKED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


# --- members and roles -----------------------------------------------------------------------


@transaction.atomic
def member_role_set(*, group: Group, user: Any, member_id: int, role: str) -> GroupMembership:
    """Owners promote and demote (owner, moderator, member); a group always keeps an owner."""
    _require_topic(group)
    _require_owner(group=group, user=user)
    if role not in ROLES:
        raise field_error("role", _("Choose owner, moderator or member."))
    membership = (
        GroupMembership.objects.select_for_update().filter(group=group, user_id=member_id).first()
    )
    if membership is None:
        raise NotFound(_("This person is not a member of the group."), code="member_not_found")
    if (
        membership.role == Role.OWNER
        and role != Role.OWNER
        and group_owner_count(group_id=group.pk) <= 1
    ):
        raise Conflict(
            _("A group keeps at least one owner: make someone else owner first."),
            code="last_owner",
        )
    return group_member_add(group=group, user=membership.user, role=role)


@transaction.atomic
def member_remove(*, group: Group, user: Any, member_id: int) -> None:
    """Owners remove moderators and members, moderators remove members; the removed person's
    open sockets in the group's rooms are closed."""
    _require_topic(group)
    actor_role = group_role(group_id=group.pk, user_id=user.pk)
    target_role = group_role(group_id=group.pk, user_id=member_id)
    if target_role is None:
        raise NotFound(_("This person is not a member of the group."), code="member_not_found")
    if member_id == user.pk:
        raise Conflict(_("To leave the group, use Leave."), code="remove_self")
    if not group_can_remove(actor_role=actor_role, target_role=target_role):
        raise PermissionDenied(_("You cannot remove this member."), code="cannot_remove")
    _member_remove(group=group, user_id=member_id)


@transaction.atomic
def ownership_transfer(*, group: Group, user: Any, member_id: int) -> GroupMembership:
    """An owner hands the group to another member, and stays on as a moderator."""
    _require_topic(group)
    _require_owner(group=group, user=user)
    if member_id == user.pk:
        raise field_error("user_id", _("Choose another member."))
    target = GroupMembership.objects.filter(group=group, user_id=member_id).first()
    if target is None:
        raise field_error("user_id", _("This person is not a member of the group."))
    new_owner = group_member_add(group=group, user=target.user, role=Role.OWNER)
    group_member_add(group=group, user=user, role=Role.MODERATOR)
    return new_owner


# --- channels --------------------------------------------------------------------------------


def channel_add(*, group: Group, user: Any, name: str, topic: str = "") -> Channel:
    _require_manager(group=group, user=user)
    return channel_create(group=group, name=name, topic=(topic or "").strip())


@transaction.atomic
def channel_update(
    *,
    channel: Channel,
    user: Any,
    name: str | None = None,
    topic: str | None = None,
    archived: bool | None = None,
) -> Channel:
    """Rename, set the topic, archive (no new messages; history stays) or restore."""
    _require_manager(group=channel.group, user=user)
    if name is not None and name.strip() != channel.name:
        slug = slugify(name)[:80]
        if not slug:
            raise field_error("name", _("Give the channel a name with letters or digits."))
        if channel.slug == "general":
            raise field_error("name", _("The general channel keeps its name."))
        if (
            Channel.objects.filter(group_id=channel.group_id, slug=slug)
            .exclude(pk=channel.pk)
            .exists()
        ):
            raise field_error("name", _("This group already has a channel with that name."))
        channel.name, channel.slug = name.strip(), slug
    if topic is not None:
        channel.topic = topic.strip()
    if archived is not None and archived != (channel.archived_at is not None):
        if archived and channel.slug == "general":
            raise field_error("archived", _("The general channel cannot be archived."))
        channel.archived_at = timezone.now() if archived else None
    channel.full_clean(validate_constraints=False)
    channel.save(update_fields=["name", "slug", "topic", "archived_at"])
    return channel
