"""Tests of concurrent writers run on PostgreSQL (always present with CI=true)."""

import pytest
from django.db import connection


def require_postgresql(settings, what: str) -> None:
    if connection.vendor != "postgresql":
        if settings.CI:
            pytest.fail(f"CI=true but no PostgreSQL: {what} cannot be tested")
        pytest.skip("needs PostgreSQL for concurrent writers (always present with CI=true)")
