"""Reads of topic and course groups: the directory, a group with the viewer's role, members,
join requests and invitations.

Lists are a fixed number of queries whatever the number of groups and members (guarded by
the query-count tests).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policies import user_is_staff
from community.models import Channel, Group, GroupMembership, Invitation, JoinRequest
from community.policies import group_can_see
from kalpla.exceptions import NotFound

MAX_ID = 2**63 - 1
MAX_QUERY = 100
ROLE_ORDER = {"owner": 0, "moderator": 1, "member": 2}


def _role_subquery(user: Any) -> Subquery:
    return Subquery(
        GroupMembership.objects.filter(group_id=OuterRef("pk"), user_id=user.pk).values("role")[:1]
    )


def _with_counts(groups: QuerySet[Group], user: Any) -> QuerySet[Group]:
    members = (
        GroupMembership.objects.filter(group_id=OuterRef("pk"))
        .order_by()
        .values("group_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    groups = groups.annotate(member_count=Subquery(members))
    if user.is_authenticated:
        pending = JoinRequest.objects.filter(
            group_id=OuterRef("pk"), user_id=user.pk, status=JoinRequest.Status.PENDING
        ).values("id")[:1]
        return groups.annotate(viewer_role=_role_subquery(user), viewer_request=Subquery(pending))
    return groups.annotate(
        viewer_role=Value(None, output_field=CharField()),
        viewer_request=Value(None, output_field=IntegerField()),
    )


def group_directory(*, user: Any, query: str = "", mine: bool = False) -> QuerySet[Group]:
    """Public groups and the groups ``user`` belongs to, by name; ``mine`` keeps only the
    latter. Each carries ``member_count``, ``viewer_role`` and ``viewer_request`` (the id of
    the viewer's pending join request)."""
    groups = Group.objects.all()
    member_of = Q(memberships__user_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    if mine:
        groups = groups.filter(member_of)
    else:
        groups = groups.filter(Q(visibility=Group.Visibility.PUBLIC) | member_of)
    query = (query or "").strip()[:MAX_QUERY]
    if query:
        groups = groups.filter(Q(name__icontains=query) | Q(description__icontains=query))
    return _with_counts(groups.distinct(), user).order_by("name", "id")


def group_get(*, group_id: int, user: Any) -> Group:
    """The group with ``member_count``, ``viewer_role`` and ``viewer_request``. NotFound when
    there is none or the viewer may not know of it (a private or invite-only group they are
    not in; a private group is still found by whoever has a pending request or an
    invitation, and by anyone signed in who has its link, so they can ask to join)."""
    group = (
        _with_counts(Group.objects.filter(pk=group_id), user).first()
        if 0 < group_id <= MAX_ID
        else None
    )
    if group is None or not group_is_visible(group=group, user=user):
        raise NotFound(_("No such group."), code="group_not_found")
    return group


def group_is_visible(*, group: Any, user: Any) -> bool:
    role = getattr(group, "viewer_role", None)
    if group_can_see(visibility=group.visibility, role=role, user=user):
        return True
    if not user.is_authenticated:
        return False
    if group.kind == Group.Kind.TOPIC and group.visibility == Group.Visibility.PRIVATE:
        return True  # found by its link: the page offers to ask to join
    return invitation_pending(group_id=group.pk, user_id=user.pk) is not None


def group_role(*, group_id: int, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return (
        GroupMembership.objects.filter(group_id=group_id, user_id=user_id)
        .values_list("role", flat=True)
        .first()
    )


def group_owner_count(*, group_id: int) -> int:
    return GroupMembership.objects.filter(
        group_id=group_id, role=GroupMembership.Role.OWNER
    ).count()


def group_manager_users(*, group_id: int) -> list[Any]:
    """Owners and moderators, who decide join requests."""
    return [
        m.user
        for m in GroupMembership.objects.filter(
            group_id=group_id, role__in=["owner", "moderator"]
        ).select_related("user")
    ]


def group_members(*, group_id: int, query: str = "") -> QuerySet[GroupMembership]:
    """Owners first, then moderators, then members, by name; each with its user."""
    members = GroupMembership.objects.filter(group_id=group_id).select_related("user")
    query = (query or "").strip()[:MAX_QUERY]
    if query:
        members = members.filter(Q(user__name__icontains=query) | Q(user__email__icontains=query))
    rank = Case(
        *(When(role=role, then=Value(n)) for role, n in ROLE_ORDER.items()),
        default=Value(2),
        output_field=IntegerField(),
    )
    return members.annotate(role_rank=rank).order_by("role_rank", "user__name", "user_id")


def group_channels(*, group_id: int, archived: bool | None = None) -> QuerySet[Channel]:
    channels = Channel.objects.filter(group_id=group_id).select_related("room")
    if archived is not None:
        channels = channels.filter(archived_at__isnull=not archived)
    return channels.order_by(F("archived_at").asc(nulls_first=True), "name", "id")


def channel_get(*, group_id: int, channel_id: int) -> Channel:
    channel = (
        Channel.objects.filter(group_id=group_id, pk=channel_id).select_related("group").first()
        if 0 < channel_id <= MAX_ID
        else None
    )
    if channel is None:
        raise NotFound(_("No such channel."), code="channel_not_found")
    return channel


def join_requests_pending(*, group_id: int) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(group_id=group_id, status=JoinRequest.Status.PENDING)
        .select_related("user")
        .order_by("id")
    )


def join_request_get(*, group_id: int, request_id: int) -> JoinRequest:
    found = (
        JoinRequest.objects.filter(group_id=group_id, pk=request_id)
        .select_related("user", "group")
        .first()
        if 0 < request_id <= MAX_ID
        else None
    )
    if found is None:
        raise NotFound(_("No such join request."), code="join_request_not_found")
    return found


def join_request_pending_for(*, group_id: int, user_id: int) -> JoinRequest | None:
    return JoinRequest.objects.filter(
        group_id=group_id, user_id=user_id, status=JoinRequest.Status.PENDING
    ).first()


def invitation_pending(*, group_id: int, user_id: int) -> Invitation | None:
    return Invitation.objects.filter(
        group_id=group_id,
        user_id=user_id,
        status=Invitation.Status.PENDING,
        expires_at__gt=timezone.now(),
    ).first()


def group_invitations(*, group_id: int) -> QuerySet[Invitation]:
    """The group's invitations still waiting for an answer (expired ones included, marked by
    ``is_expired``), newest first."""
    return (
        Invitation.objects.filter(group_id=group_id, status=Invitation.Status.PENDING)
        .select_related("user", "invited_by")
        .order_by("-id")
    )


def my_invitations(*, user: Any) -> QuerySet[Invitation]:
    """Invitations waiting for ``user``'s answer, not expired, newest first."""
    return (
        Invitation.objects.filter(
            user_id=user.pk, status=Invitation.Status.PENDING, expires_at__gt=timezone.now()
        )
        .select_related("group", "invited_by")
        .order_by("-id")
    )


def invitation_get(*, invitation_id: int, user: Any) -> Invitation:
    """An invitation addressed to ``user`` (NotFound for anyone else's)."""
    found = (
        Invitation.objects.filter(pk=invitation_id, user_id=user.pk).select_related("group").first()
        if 0 < invitation_id <= MAX_ID
        else None
    )
    if found is None:
        raise NotFound(_("No such invitation."), code="invitation_not_found")
    return found


def group_is_manager(*, group: Any) -> bool:
    """``group`` from ``group_get`` (it carries the viewer's role)."""
    return getattr(group, "viewer_role", None) in ("owner", "moderator")


def group_members_visible(*, group: Any, user: Any) -> bool:
    """Members see who is in their group; anyone signed in sees a public group's members."""
    if getattr(group, "viewer_role", None) is not None:
        return True
    return group.visibility == Group.Visibility.PUBLIC or bool(
        user.is_authenticated and user_is_staff(user)
    )


def user_by_email(*, email: str) -> Any:
    return (
        get_user_model().objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    )
