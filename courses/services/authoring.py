"""authoring services."""
