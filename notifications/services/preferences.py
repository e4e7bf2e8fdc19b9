"""preferences notifications services."""
