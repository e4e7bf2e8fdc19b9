import pytest
from django.db import connection


@pytest.fixture
def postgresql_only(settings) -> None:
    """For what only PostgreSQL has (exclusion constraints, concurrent writers): CI fails
    without it, a laptop on the embedded default skips."""
    if connection.vendor != "postgresql":
        if settings.CI:
            pytest.fail("CI=true but no PostgreSQL")
        pytest.skip("needs PostgreSQL (always present with CI=true)")
