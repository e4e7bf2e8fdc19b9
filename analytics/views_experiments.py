"""Staff pages of A/B experiments: the list, create and edit forms, the results page with
start, stop and winner actions (POSTs that go back to the results page with a message)."""

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from analytics.charts_experiments import uplift_chart
from analytics.forms_experiments import ExperimentForm, StopForm, VariantFormSet
from analytics.models import Experiment, ExperimentStatus
from analytics.policies import analytics_can_view_platform
from analytics.selectors.experiments import (
    experiment_get,
    experiment_list,
    experiment_planned_sample,
)
from analytics.services import experiments as services
from kalpla.errors import service_run
from kalpla.exceptions import PermissionDenied

PAGE_SIZE = 25
SETTINGS = services.SETTINGS


def _staff(request: HttpRequest) -> None:
    if not analytics_can_view_platform(user=request.user):
        raise PermissionDenied(_("Only staff may manage experiments."))


@login_required
def experiment_index(request: HttpRequest) -> HttpResponse:
    _staff(request)
    page = Paginator(experiment_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "analytics/experiments/list.html", {"page": page})


def _locked(experiment: Experiment | None) -> set[str]:
    if experiment is None:
        return set()
    if experiment.status == ExperimentStatus.DRAFT:
        return {"key"}
    return {"key", *SETTINGS} - services.RUNNING_EDITABLE


def _initial(experiment: Experiment) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    initial = {"key": experiment.key, **{f: getattr(experiment, f) for f in SETTINGS}}
    variants = [
        {"key": v.key, "name": v.name, "weight": v.weight, "is_control": v.is_control}
        for v in sorted(experiment.variants.all(), key=lambda v: v.pk)
    ]
    return initial, variants


def _form_page(request: HttpRequest, experiment: Experiment | None) -> HttpResponse:
    initial, variant_rows = _initial(experiment) if experiment else ({}, [])
    if experiment is None:
        variant_rows = [
            {"key": "control", "name": _("Control"), "weight": 50, "is_control": True},
            {"key": "treatment", "name": _("Treatment"), "weight": 50, "is_control": False},
        ]
    data = request.POST if request.method == "POST" else None
    form = ExperimentForm(data, initial=initial, locked=_locked(experiment))
    formset = VariantFormSet(data, initial=variant_rows, prefix="variants")
    if data is not None and form.is_valid() and formset.is_valid():
        settings = {f: form.cleaned_data[f] for f in SETTINGS}
        variants = services.variant_inputs(formset.rows())  # type: ignore[attr-defined]
        if experiment is None:
            call = partial(
                services.experiment_create,
                by=request.user,
                key=form.cleaned_data["key"],
                variants=variants,
                **settings,
            )
        else:
            call = partial(
                services.experiment_update,
                experiment=experiment,
                by=request.user,
                variants=variants,
                **settings,
            )
        done = service_run(request, call, form=form, success=_("Experiment saved."))
        if done.ok:
            return redirect("analytics:experiment", experiment_key=done.result.key)
    status = 400 if data is not None else 200
    return render(
        request,
        "analytics/experiments/form.html",
        {"form": form, "formset": formset, "experiment": experiment},
        status=status,
    )


@login_required
def experiment_new(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return _form_page(request, None)


@login_required
def experiment_edit(request: HttpRequest, experiment_key: str) -> HttpResponse:
    _staff(request)
    return _form_page(request, experiment_get(key=experiment_key))


@login_required
def experiment_detail(request: HttpRequest, experiment_key: str) -> HttpResponse:
    """The results (each look while running below the planned sample counts as a peek)."""
    _staff(request)
    experiment = experiment_get(key=experiment_key)
    results = services.experiment_results_look(experiment=experiment, viewer=request.user)
    variants = [(v.key, v.name) for v in results.variants]
    return render(
        request,
        "analytics/experiments/detail.html",
        {
            "experiment": experiment,
            "results": results,
            "stop_form": StopForm(variants=variants),
            "winner_form": StopForm(
                variants=variants,
                initial={"winner": experiment.winner.key if experiment.winner else ""},
            ),
            "planned": experiment_planned_sample(experiment),
            "chart": uplift_chart(results.variants),
        },
    )


@login_required
@require_POST
def experiment_start(request: HttpRequest, experiment_key: str) -> HttpResponse:
    _staff(request)
    experiment = experiment_get(key=experiment_key)
    service_run(
        request,
        partial(services.experiment_start, experiment=experiment, by=request.user),
        success=_("The experiment is running."),
    )
    return redirect("analytics:experiment", experiment_key=experiment_key)


def _winner_action(request: HttpRequest, key: str, *, stop: bool) -> HttpResponse:
    _staff(request)
    experiment = experiment_get(key=key)
    form = StopForm(request.POST, variants=[(v.key, v.name) for v in experiment.variants.all()])
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("analytics:experiment", experiment_key=key)
    winner = form.cleaned_data["winner"]
    if stop:
        call = partial(
            services.experiment_stop, experiment=experiment, by=request.user, winner=winner
        )
        success = _("The experiment is stopped.")
    else:
        call = partial(
            services.experiment_winner_set, experiment=experiment, by=request.user, winner=winner
        )
        success = _("Winner saved.")
    service_run(request, call, success=success)
    return redirect("analytics:experiment", experiment_key=key)


@login_required
@require_POST
def experiment_stop(request: HttpRequest, experiment_key: str) -> HttpResponse:
    return _winner_action(request, experiment_key, stop=True)


@login_required
@require_POST
def experiment_winner(request: HttpRequest, experiment_key: str) -> HttpResponse:
    return _winner_action(request, experiment_key, stop=False)
