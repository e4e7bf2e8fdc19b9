"""inapp notifications services."""
