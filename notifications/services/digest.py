"""digest notifications services."""
