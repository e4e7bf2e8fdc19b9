"""suppression notifications services."""
