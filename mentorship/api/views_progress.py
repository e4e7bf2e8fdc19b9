"""Mentoring progress API: session notes, action items, rating and no-show, goals with
milestones, progress updates, a mentorship's timeline and the home overview.

Who: the mentor and the mentee of the mentorship write; staff may read. Everyone else gets 404
(another user's private data). Refusals: 403 ``not_participant`` / ``not_author`` /
``not_mentee``; 409 ``mentorship_ended``, ``session_cancelled``, ``not_started``,
``rating_closed``, ``not_rateable``, ``already_no_show``, ``no_show_closed``; 400 with
``errors`` per field.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from accounts.policies import user_is_mentor
from accounts.selectors import signed_in_user
from kalpla.api.pagination import validated_query_int
from kalpla.api.serializers import ErrorSerializer
from mentorship.api import serializers_progress as s
from mentorship.selectors import progress as selectors
from mentorship.selectors.home import mentoring_overview
from mentorship.selectors.timeline import MAX_PAGE_SIZE, PAGE_SIZE, mentorship_timeline
from mentorship.services import goals as goal_services
from mentorship.services import outcomes

TAGS = ["mentorship"]
READ_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
    404: OpenApiResponse(ErrorSerializer, description="No such object in your mentorships"),
}
WRITE_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (`errors` per field)"),
    **READ_ERRORS,
    403: OpenApiResponse(
        ErrorSerializer, description="`not_participant`, `not_author` or `not_mentee`"
    ),
    409: OpenApiResponse(
        ErrorSerializer,
        description="`mentorship_ended`, `session_cancelled` and the rule's own codes",
    ),
}
DELETE_ERRORS = {k: v for k, v in WRITE_ERRORS.items() if k != 400}
USER = {"id": 7, "name": "Asha Rao", "avatar_url": None}
NOTE_EXAMPLE = {
    "id": 3,
    "session_id": 12,
    "author": USER,
    "body": "Worked through the portfolio plan.",
    "visibility": "shared",
    "created_at": "2026-12-06T10:30:00.000000Z",
    "updated_at": "2026-12-06T10:30:00.000000Z",
}
GOAL_EXAMPLE = {
    "id": 4,
    "mentorship_id": 2,
    "title": "Ship a portfolio project",
    "description": "",
    "due_on": "2027-01-31",
    "status": "open",
    "at_risk": False,
    "progress_percent": 33,
    "milestones": [
        {
            "id": 9,
            "goal_id": 4,
            "title": "Pick the dataset",
            "due_on": "2026-12-10",
            "done": True,
            "done_at": "2026-12-05T09:00:00.000000Z",
            "position": 0,
        }
    ],
    "created_at": "2026-11-20T09:00:00.000000Z",
    "updated_at": "2026-12-05T09:00:00.000000Z",
}


def _party(mentorship: Any, role: str) -> Any:
    return mentorship.mentor if role == "mentor" else mentorship.mentee


def _fake(view: Any) -> bool:
    return getattr(view, "swagger_fake_view", False)


# --- notes ---------------------------------------------------------------------------------


class SessionNotesApi(ListAPIView):
    serializer_class = s.NoteOut

    def get_queryset(self) -> QuerySet[Any]:
        if _fake(self):
            return selectors.session_note_list(session=None, user=AnonymousUser())
        user = signed_in_user(self.request)
        session = selectors.session_get_for_user(session_id=self.kwargs["session_id"], user=user)
        return selectors.session_note_list(session=session, user=user)

    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_session_notes_list",
        summary="A session's notes I may read",
        description="Shared notes and my own private ones, oldest first.",
        responses={200: s.NoteOut(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_session_notes_create",
        summary="Write a note on a session",
        description=(
            "The mentor's notes are `private` or `shared` (the mentee is notified); the mentee "
            "may keep `private` notes of their own."
        ),
        request=s.NoteIn,
        responses={201: s.NoteOut, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "Shared note",
                value={"body": "Worked through the portfolio plan.", "visibility": "shared"},
                request_only=True,
            ),
            OpenApiExample("Note", value=NOTE_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request: Request, session_id: int) -> Response:
        user = signed_in_user(request)
        session = selectors.session_get_for_user(session_id=session_id, user=user)
        data = s.NoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        note = outcomes.session_note_create(session=session, author=user, **data.validated_data)
        return Response(s.NoteOut(note, context={"request": request}).data, status=201)


class NoteDetailApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_notes_update",
        summary="Edit my note",
        description="Only the author edits a note.",
        request=s.NotePatchIn,
        responses={200: s.NoteOut, **WRITE_ERRORS},
    )
    def patch(self, request: Request, note_id: int) -> Response:
        user = signed_in_user(request)
        note = selectors.note_get_for_user(note_id=note_id, user=user)
        data = s.NotePatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        note = outcomes.session_note_update(note=note, by=user, **data.validated_data)
        return Response(s.NoteOut(note, context={"request": request}).data)

    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_notes_delete",
        summary="Delete my note",
        request=None,
        responses={204: None, **DELETE_ERRORS},
    )
    def delete(self, request: Request, note_id: int) -> Response:
        user = signed_in_user(request)
        note = selectors.note_get_for_user(note_id=note_id, user=user)
        outcomes.session_note_delete(note=note, by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- action items --------------------------------------------------------------------------


class MentorshipActionItemsApi(ListAPIView):
    serializer_class = s.ActionItemOut

    def get_queryset(self) -> QuerySet[Any]:
        if _fake(self):
            return selectors.action_item_list(mentorship=None)
        mentorship = selectors.mentorship_get_for_user(
            mentorship_id=self.kwargs["mentorship_id"], user=signed_in_user(self.request)
        )
        open_only = self.request.query_params.get("open") in ("1", "true")
        return selectors.action_item_list(
            mentorship=mentorship, open_only=open_only
        ).select_related("mentorship")

    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_action_items_list",
        summary="A mentorship's action items",
        description="Open ones first (by due date), then done ones.",
        parameters=[
            OpenApiParameter(
                "open", bool, required=False, description="`true`: only items not done yet."
            )
        ],
        responses={200: s.ActionItemOut(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_action_items_create",
        summary="Add an action item",
        description=(
            "Owned by the mentor or the mentee, optionally from one of the mentorship's "
            "sessions; the mentee is notified when it is theirs."
        ),
        request=s.ActionItemIn,
        responses={201: s.ActionItemOut, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "For the mentee",
                value={"title": "Draft the README", "owner": "mentee", "due_on": "2026-12-14"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, mentorship_id: int) -> Response:
        user = signed_in_user(request)
        mentorship = selectors.mentorship_get_for_user(mentorship_id=mentorship_id, user=user)
        data = s.ActionItemIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        session = None
        if values["session_id"]:
            session = selectors.session_get_for_user(session_id=values["session_id"], user=user)
        item = outcomes.action_item_create(
            mentorship=mentorship,
            by=user,
            title=values["title"],
            owner=_party(mentorship, values["owner"]),
            due_on=values["due_on"],
            session=session,
        )
        return Response(s.ActionItemOut(item, context={"request": request}).data, status=201)


class ActionItemDetailApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_action_items_update",
        summary="Edit, complete or reopen an action item",
        request=s.ActionItemPatchIn,
        responses={200: s.ActionItemOut, **WRITE_ERRORS},
        examples=[OpenApiExample("Done", value={"done": True}, request_only=True)],
    )
    def patch(self, request: Request, action_item_id: int) -> Response:
        user = signed_in_user(request)
        item = selectors.action_item_get_for_user(action_item_id=action_item_id, user=user)
        data = s.ActionItemPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        done = values.pop("done", None)
        if "owner" in values:
            values["owner"] = _party(item.mentorship, values["owner"])
        item = outcomes.action_item_update(item=item, by=user, **values)
        if done is True:
            item = outcomes.action_item_complete(item=item, by=user)
        elif done is False:
            item = outcomes.action_item_reopen(item=item, by=user)
        return Response(s.ActionItemOut(item, context={"request": request}).data)

    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_action_items_delete",
        summary="Delete an action item",
        request=None,
        responses={204: None, **DELETE_ERRORS},
    )
    def delete(self, request: Request, action_item_id: int) -> Response:
        user = signed_in_user(request)
        item = selectors.action_item_get_for_user(action_item_id=action_item_id, user=user)
        outcomes.action_item_delete(item=item, by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- rating and no-show --------------------------------------------------------------------


class SessionRatingApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_session_rate",
        summary="Rate a session (the mentee)",
        description=(
            "1 to 5 with optional feedback, from the session's start until 7 days after its "
            "end; sending it again changes it. The mentor is told of the first rating."
        ),
        request=s.RatingIn,
        responses={200: s.SessionOutcomeOut, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "Rating", value={"rating": 5, "feedback": "Very helpful."}, request_only=True
            )
        ],
    )
    def post(self, request: Request, session_id: int) -> Response:
        user = signed_in_user(request)
        session = selectors.session_get_for_user(session_id=session_id, user=user)
        data = s.RatingIn(data=request.data)
        data.is_valid(raise_exception=True)
        session = outcomes.session_rate(session=session, by=user, **data.validated_data)
        return Response(s.SessionOutcomeOut(session).data)


class SessionNoShowApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_session_no_show",
        summary="Mark that the other participant did not come",
        description=(
            "Either participant marks the other one (`party`) absent, after the start and "
            "until 24 hours after the end. The session's status becomes `no_show`."
        ),
        request=s.NoShowIn,
        responses={200: s.SessionOutcomeOut, **WRITE_ERRORS},
        examples=[OpenApiExample("Mentor absent", value={"party": "mentor"}, request_only=True)],
    )
    def post(self, request: Request, session_id: int) -> Response:
        user = signed_in_user(request)
        session = selectors.session_get_for_user(session_id=session_id, user=user)
        data = s.NoShowIn(data=request.data)
        data.is_valid(raise_exception=True)
        session = outcomes.session_mark_no_show(session=session, by=user, **data.validated_data)
        return Response(s.SessionOutcomeOut(session).data)


# --- goals and milestones ------------------------------------------------------------------


def goal_out(goal: Any, request: Request) -> dict[str, Any]:
    """A goal as the API shows it, read again with its milestones and at-risk flag."""
    fresh = selectors.goal_list(mentorship=goal.mentorship_id).get(pk=goal.pk)
    setattr(fresh, "progress_percent", selectors.goal_progress_percent(fresh))  # noqa: B010
    return s.GoalOut(fresh, context={"request": request}).data


class MentorshipGoalsApi(ListAPIView):
    serializer_class = s.GoalOut

    def get_queryset(self) -> QuerySet[Any]:
        if _fake(self):
            return selectors.goal_list(mentorship=None)
        mentorship = selectors.mentorship_get_for_user(
            mentorship_id=self.kwargs["mentorship_id"], user=signed_in_user(self.request)
        )
        return selectors.goal_list(mentorship=mentorship)

    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_goals_list",
        summary="A mentorship's goals with milestones",
        description="Open goals first; each says whether it is `at_risk`.",
        responses={200: s.GoalOut(many=True), **READ_ERRORS},
        examples=[OpenApiExample("A goal", value=GOAL_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        for goal in page:
            setattr(goal, "progress_percent", selectors.goal_progress_percent(goal))  # noqa: B010
        return self.get_paginated_response(
            s.GoalOut(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_goals_create",
        summary="Add a goal",
        request=s.GoalIn,
        responses={201: s.GoalOut, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "Goal",
                value={"title": "Ship a portfolio project", "due_on": "2027-01-31"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, mentorship_id: int) -> Response:
        user = signed_in_user(request)
        mentorship = selectors.mentorship_get_for_user(mentorship_id=mentorship_id, user=user)
        data = s.GoalIn(data=request.data)
        data.is_valid(raise_exception=True)
        goal = goal_services.goal_create(mentorship=mentorship, by=user, **data.validated_data)
        return Response(goal_out(goal, request), status=201)


class GoalDetailApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_goals_update",
        summary="Edit a goal or set its status",
        request=s.GoalPatchIn,
        responses={200: s.GoalOut, **WRITE_ERRORS},
        examples=[OpenApiExample("Achieved", value={"status": "achieved"}, request_only=True)],
    )
    def patch(self, request: Request, goal_id: int) -> Response:
        user = signed_in_user(request)
        goal = selectors.goal_get_for_user(goal_id=goal_id, user=user)
        data = s.GoalPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        new_status = values.pop("status", None)
        goal = goal_services.goal_update(goal=goal, by=user, **values)
        if new_status is not None:
            goal = goal_services.goal_set_status(goal=goal, by=user, status=new_status)
        return Response(goal_out(goal, request))

    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_goals_delete",
        summary="Delete a goal with its milestones",
        request=None,
        responses={204: None, **DELETE_ERRORS},
    )
    def delete(self, request: Request, goal_id: int) -> Response:
        user = signed_in_user(request)
        goal = selectors.goal_get_for_user(goal_id=goal_id, user=user)
        goal_services.goal_delete(goal=goal, by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GoalMilestonesApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_milestones_create",
        summary="Add a milestone to a goal",
        description="Added last; move it with `PATCH /api/v1/milestones/{id}/` `position`.",
        request=s.MilestoneIn,
        responses={201: s.MilestoneOut, **WRITE_ERRORS},
    )
    def post(self, request: Request, goal_id: int) -> Response:
        user = signed_in_user(request)
        goal = selectors.goal_get_for_user(goal_id=goal_id, user=user)
        data = s.MilestoneIn(data=request.data)
        data.is_valid(raise_exception=True)
        milestone = goal_services.milestone_add(goal=goal, by=user, **data.validated_data)
        return Response(s.MilestoneOut(milestone).data, status=201)


class MilestoneDetailApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_milestones_update",
        summary="Edit, complete, reopen or move a milestone",
        request=s.MilestonePatchIn,
        responses={200: s.MilestoneOut, **WRITE_ERRORS},
        examples=[OpenApiExample("Done", value={"done": True}, request_only=True)],
    )
    def patch(self, request: Request, milestone_id: int) -> Response:
        user = signed_in_user(request)
        milestone = selectors.milestone_get_for_user(milestone_id=milestone_id, user=user)
        data = s.MilestonePatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        done = values.pop("done", None)
        position = values.pop("position", None)
        milestone = goal_services.milestone_update(milestone=milestone, by=user, **values)
        if done is True:
            milestone = goal_services.milestone_complete(milestone=milestone, by=user)
        elif done is False:
            milestone = goal_services.milestone_reopen(milestone=milestone, by=user)
        if position is not None:
            goal_services.milestone_set_position(milestone=milestone, by=user, position=position)
            milestone.refresh_from_db()
        return Response(s.MilestoneOut(milestone).data)

    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_milestones_delete",
        summary="Delete a milestone",
        request=None,
        responses={204: None, **DELETE_ERRORS},
    )
    def delete(self, request: Request, milestone_id: int) -> Response:
        user = signed_in_user(request)
        milestone = selectors.milestone_get_for_user(milestone_id=milestone_id, user=user)
        goal_services.milestone_delete(milestone=milestone, by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- progress updates ----------------------------------------------------------------------


class MentorshipUpdatesApi(ListAPIView):
    serializer_class = s.ProgressUpdateOut

    def get_queryset(self) -> QuerySet[Any]:
        if _fake(self):
            return selectors.progress_update_list(mentorship=None)
        mentorship = selectors.mentorship_get_for_user(
            mentorship_id=self.kwargs["mentorship_id"], user=signed_in_user(self.request)
        )
        return selectors.progress_update_list(mentorship=mentorship)

    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_updates_list",
        summary="A mentorship's progress updates, newest first",
        responses={200: s.ProgressUpdateOut(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_updates_create",
        summary="Post a progress update",
        description="From either side, optionally about one goal and with a percentage.",
        request=s.ProgressUpdateIn,
        responses={201: s.ProgressUpdateOut, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "Update",
                value={"body": "Dataset cleaned.", "goal_id": 4, "percent": 40},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, mentorship_id: int) -> Response:
        user = signed_in_user(request)
        mentorship = selectors.mentorship_get_for_user(mentorship_id=mentorship_id, user=user)
        data = s.ProgressUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        goal = None
        if values["goal_id"]:
            goal = selectors.goal_get_for_user(goal_id=values["goal_id"], user=user)
        update = goal_services.progress_update_create(
            mentorship=mentorship,
            by=user,
            body=values["body"],
            goal=goal,
            percent=values["percent"],
        )
        return Response(s.ProgressUpdateOut(update, context={"request": request}).data, status=201)


# --- timeline and overview -----------------------------------------------------------------


def _timeline_row(item: Any) -> dict[str, Any]:
    o = item.obj
    row: dict[str, Any] = {
        "kind": item.kind,
        "id": item.pk,
        "at": item.at,
        "title": "",
        "body": "",
        "author": None,
        "status": "",
    }
    if item.kind == "session":
        row.update(title=o.agenda[:200], status=o.status)
    elif item.kind == "note":
        row.update(body=o.body, author=o.author)
    elif item.kind == "update":
        row.update(title=o.goal.title if o.goal else "", body=o.body, author=o.author)
    elif item.kind == "milestone":
        row.update(title=o.title)
    else:
        row.update(title=o.title, author=o.owner)
    return row


class MentorshipTimelineApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="mentoring_timeline",
        summary="A mentorship's timeline, newest first",
        description=(
            "Sessions (at their start, any status), notes I may read, progress updates, "
            "milestones and action items done. Cursor-paginated: follow `next`."
        ),
        parameters=[
            OpenApiParameter("cursor", str, required=False, description="From `next`."),
            OpenApiParameter(
                "page_size",
                int,
                required=False,
                description=f"1-{MAX_PAGE_SIZE}, {PAGE_SIZE} by default.",
            ),
        ],
        responses={200: s.TimelinePageOut, 400: ErrorSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, mentorship_id: int) -> Response:
        user = signed_in_user(request)
        mentorship = selectors.mentorship_get_for_user(mentorship_id=mentorship_id, user=user)
        size = validated_query_int(request, "page_size", maximum=MAX_PAGE_SIZE) or PAGE_SIZE
        page = mentorship_timeline(
            mentorship=mentorship,
            viewer=user,
            cursor=request.query_params.get("cursor") or None,
            limit=size,
        )
        next_url = None
        if page.next_cursor:
            next_url = replace_query_param(request.build_absolute_uri(), "cursor", page.next_cursor)
        body = {"next": next_url, "results": [_timeline_row(i) for i in page.items]}
        return Response(s.TimelinePageOut(body, context={"request": request}).data)


class MentoringOverviewApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="me_mentoring_overview",
        summary="My mentoring at a glance (the home screen)",
        description=(
            "For a mentor: every active mentee with the next session, open action items and "
            "goals at risk, and the number of pending requests. For everyone: the next three "
            "sessions as a mentee, with whether the meeting is open to join."
        ),
        responses={200: s.MentoringOverviewOut, 401: READ_ERRORS[401]},
    )
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        overview = mentoring_overview(user=user, is_mentor=user_is_mentor(user))
        return Response(s.MentoringOverviewOut(overview, context={"request": request}).data)
