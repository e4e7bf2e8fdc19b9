"""media services."""
