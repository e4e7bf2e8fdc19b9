"""Staff pages and API of experiments: shapes, forms with errors, permissions, query bounds."""

import pytest

from accounts.tests.factories import UserFactory
from analytics.models import Assignment, Experiment
from analytics.services import experiments as services
from analytics.tests.factories import ExperimentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _form(**overrides):
    data = {
        "key": "cta",
        "name": "Call to action",
        "hypothesis": "Lighter words win.",
        "goal_verbs": ["enrolled"],
        "primary_goal": "enrolled",
        "baseline_rate": "0.1",
        "minimum_detectable_effect": "0.02",
        "alpha": "0.05",
        "power": "0.8",
        "variants-TOTAL_FORMS": "3",
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "2",
        "variants-MAX_NUM_FORMS": "10",
        "variants-0-key": "control",
        "variants-0-name": "Enroll",
        "variants-0-weight": "50",
        "variants-0-is_control": "on",
        "variants-1-key": "start",
        "variants-1-name": "Start learning",
        "variants-1-weight": "50",
    }
    data.update(overrides)
    return data


def test_create_start_look_and_stop_through_the_pages(staff_client):
    response = staff_client.post("/analytics/experiments/new/", _form())
    assert response.status_code == 302
    assert response["Location"] == "/analytics/experiments/cta/"
    experiment = Experiment.objects.get(key="cta")
    assert [v.key for v in experiment.variants.order_by("pk")] == ["control", "start"]
    page = staff_client.get("/analytics/experiments/cta/")
    assert page.status_code == 200
    assert "Start the experiment" in page.content.decode()
    staff_client.post("/analytics/experiments/cta/start/")
    experiment.refresh_from_db()
    assert experiment.status == "running"
    page = staff_client.get("/analytics/experiments/cta/").content.decode()
    assert "Peeking." in page and "Too small to conclude." in page
    staff_client.post("/analytics/experiments/cta/stop/", {"winner": "start"})
    experiment.refresh_from_db()
    assert experiment.status == "stopped" and experiment.winner.key == "start"
    listing = staff_client.get("/analytics/experiments/").content.decode()
    assert "Call to action" in listing and "Start learning" in listing


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"variants-1-is_control": "on"}, "Mark exactly one variant as the control."),
        ({"variants-1-key": "control"}, "Each variant needs its own key."),
        ({"variants-1-weight": "0"}, "greater than or equal to 1"),
        ({"primary_goal": "course_viewed"}, "The primary goal must be one of the goals."),
        ({"key": "not a slug"}, "Enter a valid"),
    ],
)
def test_create_form_shows_errors_and_keeps_input(staff_client, overrides, message):
    response = staff_client.post("/analytics/experiments/new/", _form(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Call to action"' in html
    assert not Experiment.objects.exists()


def test_duplicate_key_is_a_field_error(staff_client, staff):
    ExperimentFactory(key="cta")
    response = staff_client.post("/analytics/experiments/new/", _form())
    assert response.status_code == 400
    assert "An experiment with this key exists." in response.content.decode()


def test_edit_while_running_changes_weights_not_shape(staff_client, staff):
    experiment = ExperimentFactory(key="cta")
    services.experiment_start(experiment=experiment, by=staff)
    data = _form(
        **{
            "variants-0-key": "control",
            "variants-0-weight": "10",
            "variants-1-key": "treatment",
            "variants-1-weight": "90",
            "variants-1-name": "Treatment",
        }
    )
    data.pop("key")
    response = staff_client.post("/analytics/experiments/cta/edit/", data)
    assert response.status_code == 302
    assert {v.key: v.weight for v in experiment.variants.all()} == {"control": 10, "treatment": 90}
    data["variants-2-key"], data["variants-2-name"], data["variants-2-weight"] = "c", "C", "5"
    response = staff_client.post("/analytics/experiments/cta/edit/", data)
    assert response.status_code == 400
    assert "only the variants" in response.content.decode()


def test_pages_are_staff_only(client):
    ExperimentFactory(key="cta")
    assert client.get("/analytics/experiments/").status_code == 302  # sign in
    mentor = UserFactory(roles=("Mentor",))
    client.force_login(mentor)
    for url in ("/analytics/experiments/", "/analytics/experiments/cta/"):
        assert client.get(url).status_code == 403
    assert client.post("/analytics/experiments/cta/start/").status_code == 403


def test_list_page_and_api_queries_are_bounded(staff_client, staff, django_assert_max_num_queries):
    for n in range(30):
        experiment = ExperimentFactory(key=f"e{n}")
        Assignment.objects.create(
            experiment=experiment, variant=experiment.variants.first(), anonymous_id=f"v{n}"
        )
    with django_assert_max_num_queries(12):
        assert staff_client.get("/analytics/experiments/").status_code == 200
    with django_assert_max_num_queries(12):
        body = staff_client.get("/api/v1/analytics/experiments/?page_size=50").json()
    assert body["count"] == 30 and len(body["results"]) == 30
    assert body["results"][0]["variants"][0]["key"] == "control"


# --- API -------------------------------------------------------------------------------------


API = "/api/v1/analytics/experiments/"
BODY = {
    "key": "cta",
    "name": "Call to action",
    "goal_verbs": ["enrolled"],
    "primary_goal": "enrolled",
    "variants": [
        {"key": "control", "name": "Enroll", "weight": 50, "is_control": True},
        {"key": "start", "name": "Start", "weight": 50},
    ],
}


def test_api_lifecycle(staff_client):
    created = staff_client.post(API, BODY, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["status"] == "draft" and created.json()["baseline_rate"] == 0.1
    patched = staff_client.patch(f"{API}cta/", {"name": "CTA"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["name"] == "CTA"
    assert staff_client.post(f"{API}cta/start/").json()["status"] == "running"
    again = staff_client.post(f"{API}cta/start/")
    assert again.status_code == 409 and again.json()["code"] == "experiment_started"
    results = staff_client.get(f"{API}cta/results/").json()
    assert results["planned_per_variant"] == 3835
    assert [v["key"] for v in results["variants"]] == ["control", "start"]
    assert {w["code"] for w in results["warnings"]} >= {"no_exposures", "too_small", "peeking"}
    assert results["methods"]["absolute_ci"] == "newcombe-hybrid-score"
    stopped = staff_client.post(
        f"{API}cta/stop/", {"winner": "start"}, content_type="application/json"
    )
    assert stopped.json()["winner"] == "start"
    assert staff_client.delete(f"{API}cta/").status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"variants": BODY["variants"][:1]}, "variants"),
        ({"goal_verbs": ["nope"]}, "goal_verbs.0"),
        ({"baseline_rate": 2}, "baseline_rate"),
        (
            {"variants": [{**BODY["variants"][0]}, {**BODY["variants"][1], "is_control": True}]},
            "variants",
        ),
    ],
)
def test_api_refuses_bad_input_with_field_errors(staff_client, change, field):
    response = staff_client.post(API, {**BODY, **change}, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_api_is_staff_only(client):
    ExperimentFactory(key="cta")
    assert client.get(API).status_code == 401
    client.force_login(UserFactory(roles=("Mentor",)))
    assert client.get(API).status_code == 403
    assert client.get(f"{API}cta/results/").status_code == 403
    assert client.post(API, BODY, content_type="application/json").status_code == 403
