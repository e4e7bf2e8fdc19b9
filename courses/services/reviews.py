"""reviews services."""
