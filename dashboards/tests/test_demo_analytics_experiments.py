"""seed_demo's experiments: the course page's call to action running with figures on its
results page, a stopped one with a winner; idempotent."""

import pytest

from accounts.tests.factories import UserFactory
from analytics.models import Assignment, Event, Experiment
from analytics.selectors.experiments import experiment_results
from analytics.services.experiments import experiment_variant
from dashboards.demo_analytics_experiments import seed_experiments

pytestmark = pytest.mark.django_db


def test_seed_experiments_is_idempotent_and_shows_results(client):
    assert seed_experiments() == 2
    counts = (Experiment.objects.count(), Assignment.objects.count(), Event.objects.count())
    seed_experiments()
    assert (Experiment.objects.count(), Assignment.objects.count(), Event.objects.count()) == counts
    cta = Experiment.objects.get(key="course-cta")
    assert cta.status == "running"
    results = experiment_results(experiment=cta)
    control, treatment = results.variants
    assert control.exposed + treatment.exposed == 420
    assert control.conversions > 0 and treatment.conversions > 0
    assert treatment.comparison is not None
    assert "too_small" in dict(results.warnings)
    # the stopped one gives everyone its winner
    assert experiment_variant(experiment_key="catalogue-headline", user=UserFactory()) == "benefits"
    client.force_login(UserFactory(is_staff=True))
    page = client.get("/analytics/experiments/course-cta/").content.decode()
    assert "Start learning for free" in page and "Too small to conclude." in page
