"""notify notifications services."""
