"""Deterministic assignment, exposure once, visitors merged into accounts, winner rollout."""

import os
import subprocess
import sys
from collections import Counter

import pytest
from django.contrib.auth.signals import user_logged_in
from django.test import RequestFactory

from accounts.tests.factories import UserFactory
from activity.visitor import COOKIE
from analytics.models import Assignment, Event
from analytics.services import experiments as services
from analytics.services.experiments import (
    VariantInput,
    assignment_bucket,
    experiment_assign,
    experiment_variant,
    variant_for_bucket,
)
from analytics.tests.factories import ExperimentFactory

pytestmark = pytest.mark.django_db

VISITOR = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def running(staff, **kwargs):
    experiment = ExperimentFactory(**kwargs)
    return services.experiment_start(experiment=experiment, by=staff)


def test_bucket_is_the_same_in_another_process():
    # given: a bucket computed here
    here = assignment_bucket(experiment_key="course-cta", unit="user:42")
    # when: a fresh interpreter (its own hash seed) computes it
    code = (
        "import django; django.setup();"
        "from analytics.services.experiments import assignment_bucket;"
        "print(repr(assignment_bucket(experiment_key='course-cta', unit='user:42')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kalpla.settings", "PYTHONHASHSEED": "123"},
    )
    # then: the same value, in [0, 1)
    assert float(out.stdout.strip()) == here
    assert 0 <= here < 1


def test_weights_are_respected_over_10000_units():
    variants = ((1, "control", 20), (2, "b", 30), (3, "c", 50))
    counts = Counter(
        variant_for_bucket(
            variants=variants, bucket=assignment_bucket(experiment_key="w", unit=f"user:{n}")
        )
        for n in range(10_000)
    )
    # 3 standard deviations of a binomial(10,000, 0.2..0.5) is at most 1.5 points
    assert counts["control"] / 10_000 == pytest.approx(0.2, abs=0.015)
    assert counts["b"] / 10_000 == pytest.approx(0.3, abs=0.015)
    assert counts["c"] / 10_000 == pytest.approx(0.5, abs=0.015)


def test_same_user_same_variant_and_exposed_once(staff, django_capture_on_commit_callbacks):
    experiment = running(staff)
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = experiment_variant(experiment_key=experiment.key, user=user)
        again = [experiment_variant(experiment_key=experiment.key, user=user) for _ in range(3)]
    assert set(again) == {first}
    row = Assignment.objects.get(experiment=experiment)
    assert row.user == user and row.exposed_at is not None
    # the variant is the deterministic one
    expected = variant_for_bucket(
        variants=[(v.pk, v.key, v.weight) for v in experiment.variants.order_by("pk")],
        bucket=assignment_bucket(experiment_key=experiment.key, unit=f"user:{user.pk}"),
    )
    assert first == expected
    # one exposure event, whatever the number of renders
    events = Event.objects.filter(verb="experiment_exposed")
    assert events.count() == 1
    event = events.get()
    assert (event.actor_id, event.object_type, event.object_id) == (
        user.pk,
        "experiment",
        experiment.pk,
    )
    assert event.context == {"experiment": experiment.key, "variant": first}


def test_reading_without_exposing_assigns_but_does_not_expose(staff):
    experiment = running(staff)
    user = UserFactory()
    outcome = experiment_assign(experiment_key=experiment.key, user=user, expose=False)
    assert outcome.reason == "assigned" and outcome.exposed_at is None
    assert Assignment.objects.get().exposed_at is None
    exposed = experiment_assign(experiment_key=experiment.key, user=user, expose=True)
    assert exposed.variant == outcome.variant and exposed.exposed_at is not None


def test_anonymous_visitor_by_cookie(staff):
    experiment = running(staff)
    request = RequestFactory().get("/")
    request.COOKIES[COOKIE] = VISITOR
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    variant = experiment_variant(experiment_key=experiment.key, request=request)
    row = Assignment.objects.get()
    assert (row.user, row.anonymous_id) == (None, VISITOR)
    assert variant == variant_for_bucket(
        variants=[(v.pk, v.key, v.weight) for v in experiment.variants.order_by("pk")],
        bucket=assignment_bucket(experiment_key=experiment.key, unit=f"visitor:{VISITOR}"),
    )


def test_unknown_draft_and_stopped_experiments_give_the_control(staff):
    assert experiment_variant(experiment_key="nope", user=UserFactory()) == "control"
    draft = ExperimentFactory(variants=(("plain", 50, True), ("bold", 50, False)))
    assert experiment_variant(experiment_key=draft.key, user=UserFactory()) == "plain"
    stopped = running(staff)
    services.experiment_stop(experiment=stopped, by=staff)
    assert experiment_variant(experiment_key=stopped.key, user=UserFactory()) == "control"
    assert not Assignment.objects.exists()


def test_winner_rolls_out_to_everyone(staff):
    experiment = running(staff)
    users = UserFactory.create_batch(20)
    before = {experiment_variant(experiment_key=experiment.key, user=u) for u in users}
    assert before == {"control", "treatment"}  # 20 users on 50/50: both seen
    services.experiment_stop(experiment=experiment, by=staff, winner="treatment")
    after = {experiment_variant(experiment_key=experiment.key, user=u) for u in users}
    assert after == {"treatment"}
    newcomer = UserFactory()
    assert experiment_assign(experiment_key=experiment.key, user=newcomer).reason == "winner"
    assert Assignment.objects.count() == 20
    # the winner can be changed after the stop too
    services.experiment_winner_set(experiment=experiment, by=staff, winner="control")
    assert experiment_variant(experiment_key=experiment.key, user=newcomer) == "control"


def test_changing_weights_while_running_keeps_existing_assignments(staff):
    experiment = running(staff)
    users = UserFactory.create_batch(40)
    before = {u.pk: experiment_variant(experiment_key=experiment.key, user=u) for u in users}
    services.experiment_update(
        experiment=experiment,
        by=staff,
        variants=[
            VariantInput("control", "Control", 1, True),
            VariantInput("treatment", "Treatment", 99, False),
        ],
    )
    after = {u.pk: experiment_variant(experiment_key=experiment.key, user=u) for u in users}
    assert after == before
    # new units follow the new weights: nearly all get the treatment
    fresh = UserFactory.create_batch(30)
    new = Counter(experiment_variant(experiment_key=experiment.key, user=u) for u in fresh)
    assert new["treatment"] >= 27


def test_login_merges_the_visitors_assignment(staff):
    experiment = running(staff)
    other = running(staff)
    user = UserFactory()
    experiment_assign(experiment_key=experiment.key, anonymous_id=VISITOR)
    experiment_assign(experiment_key=other.key, anonymous_id=VISITOR)
    # the user already has their own variant of `other` (from another device): it stays
    own = experiment_assign(experiment_key=other.key, user=user)
    request = RequestFactory().get("/")
    request.COOKIES[COOKIE] = VISITOR
    user_logged_in.send(sender=type(user), request=request, user=user)
    merged = Assignment.objects.get(experiment=experiment, anonymous_id=VISITOR)
    assert merged.user == user
    assert Assignment.objects.get(experiment=other, user=user).anonymous_id == ""
    assert experiment_assign(experiment_key=other.key, user=user).variant == own.variant
    assert Assignment.objects.filter(experiment=other, user__isnull=True).count() == 1


def test_signup_keeps_the_variant_the_visitor_saw(client, staff):
    experiment = running(staff)
    client.cookies[COOKIE] = VISITOR
    seen = experiment_assign(experiment_key=experiment.key, anonymous_id=VISITOR).variant
    response = client.post(
        "/accounts/signup/",
        {
            "email": "visitor@example.com",
            "name": "Vee",
            "password1": "a-long-secret-phrase",
            "password2": "a-long-secret-phrase",
        },
    )
    assert response.status_code == 302
    row = Assignment.objects.get(experiment=experiment)
    assert row.user is not None and row.user.email == "visitor@example.com"
    assert experiment_variant(experiment_key=experiment.key, user=row.user) == seen


def test_assignment_api_for_visitor_and_user(client, staff, django_assert_max_num_queries):
    experiment = running(staff)
    url = f"/api/v1/experiments/{experiment.key}/assignment/"
    # a visitor without a cookie gets one, and the same variant on the next call
    body = client.get(url).json()
    assert body["reason"] == "assigned" and body["exposed_at"] is None
    assert COOKIE in client.cookies
    assert client.get(url + "?expose=true").json()["variant"] == body["variant"]
    assert Assignment.objects.get().exposed_at is not None
    # an app's own visitor id
    app = client.get(url + f"?anonymous_id={'f' * 32}").json()
    assert Assignment.objects.filter(anonymous_id="f" * 32).exists()
    assert app["variant"] in {"control", "treatment"}
    # a malformed id is a 400 with the field named
    bad = client.get(url + "?anonymous_id=nope")
    assert bad.status_code == 400 and "anonymous_id" in bad.json()["errors"]
    # unknown experiment: the control, not a 404
    assert client.get("/api/v1/experiments/nope/assignment/").json() == {
        "experiment": "nope",
        "variant": "control",
        "reason": "unknown",
        "exposed_at": None,
    }
    # a signed-in user: theirs
    user = UserFactory()
    client.force_login(user)
    with django_assert_max_num_queries(12):
        mine = client.get(url + "?expose=1").json()
    assert Assignment.objects.get(user=user).exposed_at is not None
    assert mine["variant"] == experiment_variant(experiment_key=experiment.key, user=user)


def test_course_page_cta_follows_the_variant(client, staff):
    from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory

    course = CourseFactory(price=0)
    LessonFactory(module=ModuleFactory(course=course))
    experiment = ExperimentFactory(
        key="course-cta", variants=(("control", 50, True), ("start-learning", 50, False))
    )
    services.experiment_start(experiment=experiment, by=staff)
    user = UserFactory()
    client.force_login(user)
    html = client.get(f"/courses/{course.slug}/").content.decode()
    variant = Assignment.objects.get(user=user).variant.key
    expected = "Start learning for free" if variant == "start-learning" else "Enroll for free"
    assert expected in html
    assert Assignment.objects.get(user=user).exposed_at is not None
    # stopped with the other variant as the winner: everyone sees the winner's wording
    winner = "control" if variant == "start-learning" else "start-learning"
    services.experiment_stop(experiment=experiment, by=staff, winner=winner)
    html = client.get(f"/courses/{course.slug}/").content.decode()
    assert ("Start learning for free" in html) == (winner == "start-learning")
