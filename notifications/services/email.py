"""email notifications services."""
