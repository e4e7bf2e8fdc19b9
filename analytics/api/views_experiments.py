"""Experiments API: staff CRUD, start/stop/winner and results under
/api/v1/analytics/experiments/; and the public assignment
``GET /api/v1/experiments/{key}/assignment/`` for the signed-in user or an anonymous visitor.

Staff only for the former (401 signed out, 403 otherwise); 404 ``experiment_not_found``; 409
``experiment_started`` / ``not_running`` / ``not_stopped``; 400 with ``errors`` per field.
"""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from analytics.api import serializers_experiments as s
from analytics.policies import analytics_can_view_platform
from analytics.selectors.experiments import experiment_get, experiment_list
from analytics.services import experiments as services
from kalpla.api.serializers import ErrorSerializer
from kalpla.exceptions import PermissionDenied

TAGS = ["analytics"]
READ_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Not signed in"),
    403: OpenApiResponse(ErrorSerializer, description="Not staff"),
    404: OpenApiResponse(ErrorSerializer, description="`experiment_not_found`"),
}
WRITE_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (`errors` per field)"),
    **READ_ERRORS,
    409: OpenApiResponse(
        ErrorSerializer,
        description="`experiment_started`, `not_running` or `not_stopped`",
    ),
}
EXPERIMENT_EXAMPLE = {
    "key": "course-cta",
    "name": "Course page call to action",
    "hypothesis": "'Start learning' sounds lighter than 'Enroll' and gets more enrollments.",
    "goal_verbs": ["enrolled"],
    "primary_goal": "enrolled",
    "baseline_rate": 0.1,
    "minimum_detectable_effect": 0.02,
    "alpha": 0.05,
    "power": 0.8,
    "variants": [
        {"key": "control", "name": "Enroll for free", "weight": 50, "is_control": True},
        {"key": "start-learning", "name": "Start learning", "weight": 50, "is_control": False},
    ],
}


def _staff(request: Request) -> Any:
    user = signed_in_user(request)
    if not analytics_can_view_platform(user=user):
        raise PermissionDenied("Only staff may manage experiments.", code="not_staff")
    return user


def _out(key: str) -> dict[str, Any]:
    return dict(s.ExperimentOut(experiment_get(key=key)).data)


class ExperimentsApi(ListAPIView):
    serializer_class = s.ExperimentOut

    def get_queryset(self) -> QuerySet[Any]:
        if not getattr(self, "swagger_fake_view", False):
            _staff(self.request)
        return experiment_list().prefetch_related("variants")

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_experiments_list",
        summary="A/B experiments",
        description="Newest first, paginated. Staff only.",
        responses={200: s.ExperimentOut(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_experiments_create",
        summary="Create an experiment (a draft)",
        description=(
            "2 to 10 variants, exactly one `is_control`, unique keys, weights of 1 or more; "
            "`primary_goal` one of `goal_verbs`."
        ),
        request=s.ExperimentIn,
        responses={201: s.ExperimentOut, **WRITE_ERRORS},
        examples=[OpenApiExample("Call to action", value=EXPERIMENT_EXAMPLE, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        user = _staff(request)
        data = s.ExperimentIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        variants = services.variant_inputs(values.pop("variants"))
        experiment = services.experiment_create(
            by=user, key=values.pop("key"), variants=variants, **values
        )
        return Response(_out(experiment.key), status=status.HTTP_201_CREATED)


class ExperimentDetailApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="analytics_experiments_retrieve",
        summary="An experiment",
        responses={200: s.ExperimentOut, **READ_ERRORS},
    )
    def get(self, request: Request, experiment_key: str) -> Response:
        _staff(request)
        return Response(_out(experiment_key))

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_experiments_partial_update",
        summary="Change an experiment",
        description=(
            "A draft: anything but the key. Running: name, hypothesis and the variants' names "
            "and weights (assigned units keep their variant). Stopped: name and hypothesis."
        ),
        request=s.ExperimentPatch,
        responses={200: s.ExperimentOut, **WRITE_ERRORS},
    )
    def patch(self, request: Request, experiment_key: str) -> Response:
        user = _staff(request)
        experiment = experiment_get(key=experiment_key)
        data = s.ExperimentPatch(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        rows = values.pop("variants", None)
        services.experiment_update(
            experiment=experiment,
            by=user,
            variants=services.variant_inputs(rows) if rows is not None else None,
            **values,
        )
        return Response(_out(experiment_key))

    @extend_schema(
        tags=TAGS,
        operation_id="analytics_experiments_destroy",
        summary="Delete a draft experiment",
        responses={204: None, **{k: v for k, v in WRITE_ERRORS.items() if k != 400}},
    )
    def delete(self, request: Request, experiment_key: str) -> Response:
        user = _staff(request)
        services.experiment_delete(experiment=experiment_get(key=experiment_key), by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExperimentStartApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="analytics_experiments_start",
        summary="Start a draft experiment",
        request=None,
        responses={200: s.ExperimentOut, **WRITE_ERRORS},
    )
    def post(self, request: Request, experiment_key: str) -> Response:
        user = _staff(request)
        services.experiment_start(experiment=experiment_get(key=experiment_key), by=user)
        return Response(_out(experiment_key))


class ExperimentStopApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="analytics_experiments_stop",
        summary="Stop a running experiment, optionally with a winner",
        description="Final. With a winner everyone gets it from now on; else the control.",
        request=s.WinnerIn,
        responses={200: s.ExperimentOut, **WRITE_ERRORS},
    )
    def post(self, request: Request, experiment_key: str) -> Response:
        user = _staff(request)
        data = s.WinnerIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.experiment_stop(
            experiment=experiment_get(key=experiment_key),
            by=user,
            winner=data.validated_data["winner"],
        )
        return Response(_out(experiment_key))


class ExperimentWinnerApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="analytics_experiments_winner",
        summary="Choose the winner of a stopped experiment",
        request=s.WinnerIn,
        responses={200: s.ExperimentOut, **WRITE_ERRORS},
    )
    def post(self, request: Request, experiment_key: str) -> Response:
        user = _staff(request)
        data = s.WinnerIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.experiment_winner_set(
            experiment=experiment_get(key=experiment_key),
            by=user,
            winner=data.validated_data["winner"],
        )
        return Response(_out(experiment_key))


class ExperimentResultsApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="analytics_experiments_results",
        summary="An experiment's results",
        description=(
            "Per variant: assigned, exposed, conversions to the primary goal (and to each "
            "goal), the rate, and against the control the absolute uplift with Newcombe's "
            "interval, the relative uplift with the adjusted log interval and the pooled "
            "z-test's p-value (Holm-adjusted with several variants). `warnings`: "
            "`not_started`, `no_exposures`, `too_small` (value: the planned sample per "
            "variant), `peeking` (value: looks while running below it; this one counts), "
            "`srm` (value: the chi-square p)."
        ),
        responses={200: s.ResultsOut, **READ_ERRORS},
    )
    def get(self, request: Request, experiment_key: str) -> Response:
        user = _staff(request)
        experiment = experiment_get(key=experiment_key)
        results = services.experiment_results_look(experiment=experiment, viewer=user)
        return Response(s.ResultsOut(results).data)


class AssignmentApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="experiments_assignment",
        summary="My variant of an experiment",
        description=(
            "For the signed-in user, else the anonymous visitor (the `kalpla_vid` cookie, set "
            "here when missing, or the app's `anonymous_id`). The same unit always gets the "
            "same variant. The control (`reason`: `unknown` or `not_running`) for an unknown "
            "or stopped experiment, the winner once one is chosen. `expose=true` records that "
            "the variant was shown (once)."
        ),
        parameters=[s.AssignmentQuery],
        responses={
            200: s.ExperimentAssignmentOut,
            400: OpenApiResponse(ErrorSerializer, description="A malformed `anonymous_id`"),
            404: OpenApiResponse(
                ErrorSerializer,
                description="A key that is not a slug (an unknown key gets the control)",
            ),
        },
        examples=[
            OpenApiExample(
                "Assigned",
                value={
                    "experiment": "course-cta",
                    "variant": "start-learning",
                    "reason": "assigned",
                    "exposed_at": "2026-12-06T10:30:00.000000Z",
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, experiment_key: str) -> Response:
        query = s.AssignmentQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        outcome = services.experiment_assign(
            experiment_key=experiment_key,
            request=request._request,  # the visitor cookie is set on Django's request
            anonymous_id=query.validated_data.get("anonymous_id", ""),
            expose=query.validated_data["expose"],
        )
        return Response(s.ExperimentAssignmentOut(outcome).data)
