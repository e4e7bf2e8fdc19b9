"""push notifications services."""
