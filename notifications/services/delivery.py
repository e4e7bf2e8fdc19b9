"""delivery notifications services."""
