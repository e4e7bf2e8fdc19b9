"""search services."""
