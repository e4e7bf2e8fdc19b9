import pytest

from accounts.tests.factories import UserFactory
from jobs.models import ProcessingJob

pytestmark = pytest.mark.django_db


def _echo(job):
    return {"ok": True}


@pytest.fixture(autouse=True)
def kinds_of_these_tests(settings):
    settings.KALPLA_JOB_KINDS = {
        **settings.KALPLA_JOB_KINDS,
        "test.admin_echo": f"{__name__}._echo",
    }


def test_jobs_admin_lists_filters_and_runs_again(
    client, admin_user, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for n in range(12):
        ProcessingJob.objects.create(
            kind="test.admin_echo", key=f"k{n}", status="failed", error="x"
        )
    client.force_login(admin_user)
    # a fixed number of queries (session, user sessions, counts, filters), not one per row
    with django_assert_max_num_queries(18):
        assert client.get("/admin/jobs/processingjob/").status_code == 200
    failed = client.get("/admin/jobs/processingjob/", {"status__exact": "failed"})
    assert failed.context["cl"].result_count == 12
    job = ProcessingJob.objects.get(key="k0")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/jobs/processingjob/",
            {"action": "run_again", "_selected_action": [job.pk]},
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ProcessingJob.Status.SUCCEEDED and job.error == ""


@pytest.mark.parametrize("role", ["Student", "Mentor", "Moderator"])
def test_platform_admin_refuses_non_staff(client, role):
    client.force_login(UserFactory(roles=(role,)))
    assert client.get("/admin/jobs/processingjob/").status_code == 302
