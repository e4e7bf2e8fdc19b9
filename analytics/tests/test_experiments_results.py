"""Results: conversions after exposure, counted in SQL per variant; the warnings (too small,
peeking, SRM); the staff's writes and their rules; bounded queries."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from analytics.models import Assignment, Event, Experiment
from analytics.selectors.experiments import experiment_results
from analytics.services import experiments as services
from analytics.services.experiments import VariantInput
from analytics.tests.factories import ExperimentFactory
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def started(staff, days=10, **kwargs):
    experiment = ExperimentFactory(**kwargs)
    services.experiment_start(experiment=experiment, by=staff)
    Experiment.objects.filter(pk=experiment.pk).update(
        started_at=timezone.now() - timedelta(days=days)
    )
    experiment.refresh_from_db()
    return experiment


def visitors(experiment, key, n, *, converted, verb="enrolled", prefix="", before=0):
    """``n`` exposed visitors on variant ``key``; the first ``converted`` have a goal event
    after their exposure, the next ``before`` one before it (which must not count)."""
    variant = experiment.variants.get(key=key)
    exposed = timezone.now() - timedelta(days=5)
    rows, events = [], []
    for i in range(n):
        vid = uuid.uuid5(uuid.NAMESPACE_OID, f"{experiment.key}{prefix}{key}{i}").hex
        rows.append(
            Assignment(experiment=experiment, variant=variant, anonymous_id=vid, exposed_at=exposed)
        )
        if i < converted:
            for hours in (1, 2):  # twice: the unit still counts once
                events.append(
                    Event(
                        occurred_at=exposed + timedelta(hours=hours),
                        anonymous_id=vid,
                        verb=verb,
                        object_type="course",
                    )
                )
        elif i < converted + before:
            events.append(
                Event(
                    occurred_at=exposed - timedelta(hours=1),
                    anonymous_id=vid,
                    verb=verb,
                    object_type="course",
                )
            )
    Assignment.objects.bulk_create(rows)
    Event.objects.bulk_create(events)


def test_conversions_count_units_with_a_goal_after_exposure(staff):
    experiment = started(staff)
    visitors(experiment, "control", 200, converted=20, before=30)
    visitors(experiment, "treatment", 200, converted=40)
    # a signed-in unit converts by its account's events
    user = UserFactory()
    Assignment.objects.create(
        experiment=experiment,
        variant=experiment.variants.get(key="treatment"),
        user=user,
        exposed_at=timezone.now() - timedelta(days=1),
    )
    Event.objects.create(
        occurred_at=timezone.now() - timedelta(hours=3),
        actor=user,
        verb="enrolled",
        object_type="course",
    )
    # assigned but never exposed: not in the figures
    Assignment.objects.create(
        experiment=experiment, variant=experiment.variants.get(key="control"), anonymous_id="x"
    )
    results = experiment_results(experiment=experiment)
    control, treatment = results.variants
    assert (control.assigned, control.exposed, control.conversions) == (201, 200, 20)
    assert (treatment.exposed, treatment.conversions) == (201, 41)
    assert control.rate == pytest.approx(0.10)
    comparison = treatment.comparison
    assert comparison.diff == pytest.approx(41 / 201 - 0.10)
    assert comparison.diff_low < comparison.diff < comparison.diff_high
    assert comparison.ratio == pytest.approx((41 / 201) / 0.10 - 1)
    assert treatment.p_adjusted == comparison.p_value < 0.01
    assert treatment.significant


def test_too_small_and_srm_warnings(staff):
    experiment = started(staff)
    visitors(experiment, "control", 300, converted=30)
    visitors(experiment, "treatment", 420, converted=40)
    results = experiment_results(experiment=experiment)
    codes = dict(results.warnings)
    assert results.planned_per_variant == 3835  # 10% baseline, +2 points (the defaults)
    assert codes["too_small"] == 3835
    assert "srm" in codes and results.srm_p < 0.001  # 300 vs 420 on 50/50


def test_each_look_while_running_below_the_plan_is_a_peek(staff):
    experiment = started(staff)
    visitors(experiment, "control", 50, converted=5)
    visitors(experiment, "treatment", 50, converted=9)
    first = services.experiment_results_look(experiment=experiment, viewer=staff)
    assert ("peeking", 1) in first.warnings
    second = services.experiment_results_look(experiment=experiment, viewer=staff)
    assert ("peeking", 2) in second.warnings
    # after the stop, looking is no peek (the count of earlier peeks stays on the page)
    experiment = services.experiment_stop(experiment=experiment, by=staff)
    third = services.experiment_results_look(experiment=experiment, viewer=staff)
    assert third.peeks == 2


def test_a_look_at_the_planned_size_is_no_peek(staff):
    experiment = started(staff, baseline_rate=0.3, minimum_detectable_effect=0.3)
    planned = experiment_results(experiment=experiment).planned_per_variant
    visitors(experiment, "control", planned, converted=planned // 3)
    visitors(experiment, "treatment", planned, converted=planned // 2)
    results = services.experiment_results_look(experiment=experiment, viewer=staff)
    assert results.enough_sample
    assert results.peeks == 0
    assert not [code for code, _ in results.warnings if code in ("peeking", "too_small")]


def test_results_queries_do_not_grow_with_the_data(staff, django_assert_max_num_queries):
    experiment = started(staff, goal_verbs=["enrolled", "course_viewed", "payment_succeeded"])
    for key in ("control", "treatment"):
        visitors(experiment, key, 300, converted=30)
        visitors(experiment, key, 100, converted=50, verb="course_viewed", prefix="v")
    # the variants, the assignments per variant, one per goal (3), the peeks
    with django_assert_max_num_queries(6):
        results = experiment_results(experiment=experiment)
    assert results.variants[0].goal_conversions == {
        "enrolled": 30,
        "course_viewed": 50,
        "payment_succeeded": 0,
    }


def test_three_variants_get_holm_and_chi_square(staff):
    experiment = started(staff, variants=(("control", 1, True), ("b", 1, False), ("c", 1, False)))
    visitors(experiment, "control", 500, converted=50)
    visitors(experiment, "b", 500, converted=55)
    visitors(experiment, "c", 500, converted=90)
    results = experiment_results(experiment=experiment)
    _control, b, c = results.variants
    assert results.independence_p is not None and results.independence_p < 0.01
    assert b.p_adjusted >= b.comparison.p_value
    assert c.significant and not b.significant


# --- the staff's writes ----------------------------------------------------------------------


def _variants(*specs):
    return [VariantInput(k, k.title(), w, c) for k, w, c in specs]


def test_create_validates_variants_goals_and_keys(staff):
    ok = _variants(("control", 50, True), ("b", 50, False))
    settings = {"name": "CTA", "goal_verbs": ["enrolled"], "primary_goal": "enrolled"}
    services.experiment_create(by=staff, key="cta", variants=ok, **settings)
    cases = [
        ({"key": "cta", "variants": ok}, "key"),
        ({"key": "new", "variants": ok}, "key"),
        ({"key": "x", "variants": _variants(("a", 50, True), ("b", 50, True))}, "variants"),
        ({"key": "x", "variants": _variants(("a", 50, False), ("b", 50, False))}, "variants"),
        ({"key": "x", "variants": _variants(("a", 50, True), ("a", 50, False))}, "variants"),
        ({"key": "x", "variants": _variants(("a", 0, True), ("b", 50, False))}, "variants"),
        ({"key": "x", "variants": _variants(("a", 50, True))}, "variants"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.experiment_create(by=staff, **kwargs, **settings)
        assert field in exc.value.errors, kwargs
    with pytest.raises(ValidationError) as exc:
        services.experiment_create(
            by=staff, key="y", variants=ok, **{**settings, "primary_goal": "course_viewed"}
        )
    assert "primary_goal" in exc.value.errors
    with pytest.raises(PermissionDenied):
        services.experiment_create(by=UserFactory(), key="z", variants=ok, **settings)


def test_started_experiments_change_only_what_is_safe(staff):
    experiment = started(staff)
    services.experiment_update(experiment=experiment, by=staff, name="Renamed")
    with pytest.raises(Conflict):
        services.experiment_update(experiment=experiment, by=staff, primary_goal="course_viewed")
    with pytest.raises(Conflict):  # no new variant while it runs
        services.experiment_update(
            experiment=experiment,
            by=staff,
            variants=_variants(("control", 50, True), ("treatment", 50, False), ("c", 5, False)),
        )
    with pytest.raises(Conflict):
        services.experiment_start(experiment=experiment, by=staff)
    with pytest.raises(Conflict):
        services.experiment_delete(experiment=experiment, by=staff)
    with pytest.raises(Conflict):
        services.experiment_winner_set(experiment=experiment, by=staff, winner="control")
    with pytest.raises(ValidationError):
        services.experiment_stop(experiment=experiment, by=staff, winner="nope")
    services.experiment_stop(experiment=experiment, by=staff, winner="treatment")
    with pytest.raises(Conflict):
        services.experiment_stop(experiment=experiment, by=staff)


def test_the_results_page_draws_each_treatment_interval_around_zero(client, staff):
    experiment = started(staff)
    visitors(experiment, "control", 200, converted=20)
    visitors(experiment, "treatment", 200, converted=40)
    client.force_login(staff)
    page = client.get(f"/analytics/experiments/{experiment.key}/").content.decode()
    chart = page.split('<figure class="uplift"')[1].split("</figure>")[0]
    # 10% -> 20%: +10 points, an interval above zero
    assert "uplift__interval--up" in chart
    assert chart.count('class="uplift__row"') == 2  # the treatment and the axis
    assert 'aria-label="10.0 points, from' in chart
