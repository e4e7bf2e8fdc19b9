"""API: topic groups (directory, create, settings), joining, leaving, join requests,
invitations, members and roles, channels.

The same services as the site's pages under /groups/. Who may do what is the services' rule:
a refusal is 403 (a member without the role), 404 (a group the caller may not know of) or 409
(the group's state does not allow it: a private group to join directly, the last owner
leaving).
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from community.api.serializers_groups import (
    ChannelIn,
    ChannelOut,
    ChannelUpdateIn,
    GroupIn,
    GroupOut,
    GroupUpdateIn,
    InvitationOut,
    JoinRequestIn,
    JoinRequestOut,
    MembershipOut,
    RoleIn,
    UserIdIn,
)
from community.selectors import groups as selectors
from community.services import membership
from kalpla.api.pagination import PageNumberPagination
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import PermissionDenied

TAGS = ["groups"]
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=str(_("Invalid input"))),
    401: OpenApiResponse(ErrorSerializer, description=str(_("Not signed in"))),
}
REFUSALS = {
    **ERRORS,
    403: OpenApiResponse(ErrorSerializer, description=str(_("Not allowed for your role"))),
    404: OpenApiResponse(ErrorSerializer, description=str(_("No such group for you"))),
}
CONFLICTS = {
    **REFUSALS,
    409: OpenApiResponse(ErrorSerializer, description=str(_("Not possible in this state"))),
}
GROUP_EXAMPLE = {
    "id": 7,
    "name": "Study buddies",
    "description": "Find someone to learn with.",
    "kind": "topic",
    "visibility": "public",
    "member_count": 12,
    "my_role": "member",
    "my_request_pending": False,
    "created_at": "2026-12-06T09:30:00Z",
}


def _group(request: Request, group_id: int) -> Any:
    return selectors.group_get(group_id=group_id, user=signed_in_user(request))


def _require_members_visible(group: Any, user: Any) -> None:
    if not selectors.group_members_visible(group=group, user=user):
        raise PermissionDenied(
            gettext("Only the group's members see who is in it."), code="members_only"
        )


def _group_out(request: Request, group_id: int, status: int = 200) -> Response:
    return Response(GroupOut(_group(request, group_id)).data, status=status)


class GroupListApi(ListAPIView):
    serializer_class = GroupOut
    pagination_class = PageNumberPagination

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.group_directory(user=AnonymousUser())
        params = self.request.query_params
        return selectors.group_directory(
            user=signed_in_user(self.request),
            query=params.get("search", ""),
            mine=params.get("mine") in ("1", "true"),
        )

    @extend_schema(
        tags=TAGS,
        operation_id="groups_list",
        summary="The group directory",
        description=(
            "Public groups and the groups I belong to, by name. Private and invite-only groups "
            "I am not in are not listed."
        ),
        parameters=[
            OpenApiParameter("search", str, description="Words of the name or description."),
            OpenApiParameter("mine", bool, description="Only the groups I belong to."),
        ],
        responses={200: GroupOut(many=True), **ERRORS},
        examples=[OpenApiExample("A group", value=GROUP_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="groups_create",
        summary="Create a topic group",
        description="Anyone signed in; the creator is its owner. It starts with #general.",
        request=GroupIn,
        responses={201: GroupOut, **ERRORS},
        examples=[
            OpenApiExample(
                "New group",
                value={"name": "Study buddies", "description": "", "visibility": "public"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = GroupIn(data=request.data)
        data.is_valid(raise_exception=True)
        group = membership.topic_group_create(user=signed_in_user(request), **data.validated_data)
        return _group_out(request, group.pk, status=201)


class GroupApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="groups_retrieve",
        summary="A group",
        description=(
            "With my role. A private group is found by its link by anyone signed in (to ask "
            "to join); an invite-only one only by its members and the people invited."
        ),
        responses={200: GroupOut, **REFUSALS},
    )
    def get(self, request: Request, group_id: int) -> Response:
        return _group_out(request, group_id)

    @extend_schema(
        tags=TAGS,
        operation_id="groups_update",
        summary="Change a group's name, description or visibility",
        description="Owners only. A course group keeps its visibility.",
        request=GroupUpdateIn,
        responses={200: GroupOut, **CONFLICTS},
    )
    def patch(self, request: Request, group_id: int) -> Response:
        group = _group(request, group_id)
        data = GroupUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        membership.group_update(group=group, user=signed_in_user(request), **data.validated_data)
        return _group_out(request, group_id)


class GroupJoinApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="groups_join",
        summary="Join a public group",
        description=(
            "Idempotent. 409 `request_required` for a private group (POST .../requests/), "
            "`invitation_required` for an invite-only one."
        ),
        request=None,
        responses={200: GroupOut, **CONFLICTS},
    )
    def post(self, request: Request, group_id: int) -> Response:
        membership.group_join(group=_group(request, group_id), user=signed_in_user(request))
        return _group_out(request, group_id)


class GroupLeaveApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="groups_leave",
        summary="Leave a group",
        description=(
            "My sockets in its rooms are closed (4403). 409 `last_owner` when I am its only "
            "owner, `course_group` while I am enrolled in (or teach) the course."
        ),
        request=None,
        responses={204: None, **CONFLICTS},
    )
    def post(self, request: Request, group_id: int) -> Response:
        membership.group_leave(group=_group(request, group_id), user=signed_in_user(request))
        return Response(status=204)


class JoinRequestListApi(ListAPIView):
    serializer_class = JoinRequestOut
    pagination_class = PageNumberPagination

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.join_requests_pending(group_id=0)
        group = _group(self.request, self.kwargs["group_id"])
        if not selectors.group_is_manager(group=group):
            raise PermissionDenied(
                gettext("Only the group's owners and moderators can do this."),
                code="not_group_manager",
            )
        return selectors.join_requests_pending(group_id=group.pk)

    @extend_schema(
        tags=TAGS,
        operation_id="groups_requests_list",
        summary="Requests to join, waiting",
        description="Owners and moderators, oldest first.",
        responses={200: JoinRequestOut(many=True), **REFUSALS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="groups_requests_create",
        summary="Ask to join a private group",
        description=(
            "Its owners and moderators are told. Asking again while a request waits gives it "
            "back (200)."
        ),
        request=JoinRequestIn,
        responses={201: JoinRequestOut, 200: JoinRequestOut, **CONFLICTS},
        examples=[
            OpenApiExample("Ask", value={"message": "I'm in the same cohort."}, request_only=True)
        ],
    )
    def post(self, request: Request, group_id: int) -> Response:
        user = signed_in_user(request)
        group = _group(request, group_id)
        data = JoinRequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        existing = selectors.join_request_pending_for(group_id=group.pk, user_id=user.pk)
        join_request = membership.join_request_create(
            group=group, user=user, message=data.validated_data["message"]
        )
        return Response(JoinRequestOut(join_request).data, status=200 if existing else 201)


def _decide(request: Request, group_id: int, request_id: int, *, approve: bool) -> Response:
    group = _group(request, group_id)
    join_request = selectors.join_request_get(group_id=group.pk, request_id=request_id)
    decided = membership.join_request_decide(
        request=join_request, user=signed_in_user(request), approve=approve
    )
    return Response(JoinRequestOut(decided).data)


DECIDE_DESCRIPTION = "Owners and moderators. The requester is notified. 409 when decided."


class JoinRequestApproveApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="groups_requests_approve",
        summary="Approve a request to join",
        description=DECIDE_DESCRIPTION + " The requester becomes a member.",
        request=None,
        responses={200: JoinRequestOut, **CONFLICTS},
    )
    def post(self, request: Request, group_id: int, request_id: int) -> Response:
        return _decide(request, group_id, request_id, approve=True)


class JoinRequestDeclineApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="groups_requests_decline",
        summary="Decline a request to join",
        description=DECIDE_DESCRIPTION,
        request=None,
        responses={200: JoinRequestOut, **CONFLICTS},
    )
    def post(self, request: Request, group_id: int, request_id: int) -> Response:
        return _decide(request, group_id, request_id, approve=False)


class GroupInvitationListApi(ListAPIView):
    serializer_class = InvitationOut
    pagination_class = PageNumberPagination

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.group_invitations(group_id=0)
        group = _group(self.request, self.kwargs["group_id"])
        if not selectors.group_is_manager(group=group):
            raise PermissionDenied(
                gettext("Only the group's owners and moderators can do this."),
                code="not_group_manager",
            )
        return selectors.group_invitations(group_id=group.pk)

    @extend_schema(
        tags=TAGS,
        operation_id="groups_invitations_list",
        summary="Invitations waiting for an answer",
        description="Owners and moderators, newest first.",
        responses={200: InvitationOut(many=True), **REFUSALS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="groups_invitations_create",
        summary="Invite someone",
        description=(
            "Owners and moderators of a topic group. The person is notified and answers from "
            "/api/v1/me/invitations/; the invitation expires after 14 days. Inviting again "
            "while one waits renews the notice."
        ),
        request=UserIdIn,
        responses={201: InvitationOut, **CONFLICTS},
        examples=[OpenApiExample("Invite", value={"user_id": 31}, request_only=True)],
    )
    def post(self, request: Request, group_id: int) -> Response:
        group = _group(request, group_id)
        data = UserIdIn(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = membership.invitation_create(
            group=group, user=signed_in_user(request), invitee_id=data.validated_data["user_id"]
        )
        return Response(InvitationOut(invitation).data, status=201)


class MyInvitationListApi(ListAPIView):
    serializer_class = InvitationOut
    pagination_class = PageNumberPagination

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.my_invitations(user=AnonymousUser())
        return selectors.my_invitations(user=signed_in_user(self.request))

    @extend_schema(
        tags=TAGS,
        operation_id="me_invitations_list",
        summary="My invitations to groups",
        description="Waiting for my answer and not expired, newest first.",
        responses={200: InvitationOut(many=True), **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


def _respond(request: Request, invitation_id: int, *, accept: bool) -> Response:
    user = signed_in_user(request)
    invitation = selectors.invitation_get(invitation_id=invitation_id, user=user)
    answered = membership.invitation_respond(invitation=invitation, user=user, accept=accept)
    return Response(InvitationOut(answered).data)


RESPOND_DESCRIPTION = "My invitations only. 409 `invitation_expired` or `already_answered`."


class InvitationAcceptApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="me_invitations_accept",
        summary="Accept an invitation",
        description=RESPOND_DESCRIPTION + " I become a member of the group.",
        request=None,
        responses={200: InvitationOut, **CONFLICTS},
    )
    def post(self, request: Request, invitation_id: int) -> Response:
        return _respond(request, invitation_id, accept=True)


class InvitationDeclineApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="me_invitations_decline",
        summary="Decline an invitation",
        description=RESPOND_DESCRIPTION,
        request=None,
        responses={200: InvitationOut, **CONFLICTS},
    )
    def post(self, request: Request, invitation_id: int) -> Response:
        return _respond(request, invitation_id, accept=False)


class GroupInvitationApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="groups_invitations_revoke",
        summary="Withdraw an invitation",
        description=(
            "Owners and moderators withdraw an invitation that waits for an answer (204; "
            "again: 204). An accepted or declined one answers 409 `already_answered`."
        ),
        request=None,
        responses={204: None, **CONFLICTS},
    )
    def delete(self, request: Request, group_id: int, invitation_id: int) -> Response:
        group = _group(request, group_id)
        membership.invitation_revoke(
            group=group, user=signed_in_user(request), invitation_id=invitation_id
        )
        return Response(status=204)


class MemberListApi(ListAPIView):
    serializer_class = MembershipOut
    pagination_class = PageNumberPagination

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.group_members(group_id=0)
        group = _group(self.request, self.kwargs["group_id"])
        _require_members_visible(group, signed_in_user(self.request))
        return selectors.group_members(
            group_id=group.pk, query=self.request.query_params.get("search", "")
        )

    @extend_schema(
        tags=TAGS,
        operation_id="groups_members_list",
        summary="A group's members",
        description=(
            "Owners first, then moderators, then members, by name. Members of the group see "
            "it, and anyone signed in for a public group."
        ),
        parameters=[OpenApiParameter("search", str, description="Words of the name or email.")],
        responses={200: MembershipOut(many=True), **REFUSALS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class MemberApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="groups_members_role",
        summary="Change a member's role",
        description="Owners; a group always keeps an owner (409 `last_owner`).",
        request=RoleIn,
        responses={200: MembershipOut, **CONFLICTS},
        examples=[OpenApiExample("Promote", value={"role": "moderator"}, request_only=True)],
    )
    def patch(self, request: Request, group_id: int, user_id: int) -> Response:
        group = _group(request, group_id)
        data = RoleIn(data=request.data)
        data.is_valid(raise_exception=True)
        changed = membership.member_role_set(
            group=group,
            user=signed_in_user(request),
            member_id=user_id,
            role=data.validated_data["role"],
        )
        return Response(MembershipOut(changed).data)

    @extend_schema(
        tags=TAGS,
        operation_id="groups_members_remove",
        summary="Remove a member",
        description=(
            "Owners remove moderators and members, moderators remove members. The removed "
            "person's sockets in the group's rooms are closed with 4403."
        ),
        request=None,
        responses={204: None, **CONFLICTS},
    )
    def delete(self, request: Request, group_id: int, user_id: int) -> Response:
        group = _group(request, group_id)
        membership.member_remove(group=group, user=signed_in_user(request), member_id=user_id)
        return Response(status=204)


class GroupTransferApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="groups_transfer",
        summary="Hand the group to another member",
        description="Owners. The new owner's role becomes owner, mine moderator.",
        request=UserIdIn,
        responses={200: MembershipOut, **CONFLICTS},
        examples=[OpenApiExample("Hand over", value={"user_id": 31}, request_only=True)],
    )
    def post(self, request: Request, group_id: int) -> Response:
        group = _group(request, group_id)
        if group.viewer_role != "owner":  # before the input is judged
            raise PermissionDenied(
                gettext("Only the group's owners can do this."), code="not_group_owner"
            )
        data = UserIdIn(data=request.data)
        data.is_valid(raise_exception=True)
        new_owner = membership.ownership_transfer(
            group=group, user=signed_in_user(request), member_id=data.validated_data["user_id"]
        )
        return Response(MembershipOut(new_owner).data)


class ChannelListApi(ListAPIView):
    serializer_class = ChannelOut
    pagination_class = PageNumberPagination

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.group_channels(group_id=0)
        group = _group(self.request, self.kwargs["group_id"])
        if group.viewer_role is None:
            raise PermissionDenied(
                gettext("Only the group's members see its channels."), code="members_only"
            )
        return selectors.group_channels(group_id=group.pk)

    @extend_schema(
        tags=TAGS,
        operation_id="groups_channels_list",
        summary="A group's channels",
        description="Members. Open ones first, then archived ones; each with its room.",
        responses={200: ChannelOut(many=True), **REFUSALS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="groups_channels_create",
        summary="Add a channel",
        description="Owners and moderators. Every member gets a read state in its room.",
        request=ChannelIn,
        responses={201: ChannelOut, **REFUSALS},
        examples=[
            OpenApiExample("New", value={"name": "homework", "topic": ""}, request_only=True)
        ],
    )
    def post(self, request: Request, group_id: int) -> Response:
        group = _group(request, group_id)
        data = ChannelIn(data=request.data)
        data.is_valid(raise_exception=True)
        channel = membership.channel_add(
            group=group, user=signed_in_user(request), **data.validated_data
        )
        return Response(ChannelOut(channel).data, status=201)


class ChannelApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="groups_channels_update",
        summary="Rename a channel, set its topic, archive or restore it",
        description=(
            "Owners and moderators. An archived channel keeps its history and takes no new "
            "messages (409 `channel_archived` on send). #general keeps its name and stays open."
        ),
        request=ChannelUpdateIn,
        responses={200: ChannelOut, **REFUSALS},
        examples=[OpenApiExample("Archive", value={"archived": True}, request_only=True)],
    )
    def patch(self, request: Request, group_id: int, channel_id: int) -> Response:
        group = _group(request, group_id)
        channel = selectors.channel_get(group_id=group.pk, channel_id=channel_id)
        data = ChannelUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        channel = membership.channel_update(
            channel=channel, user=signed_in_user(request), **data.validated_data
        )
        return Response(ChannelOut(channel).data)
