"""phone notifications services."""
