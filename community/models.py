"""Models of the community app (the moderation queue's records are the moderation app's)."""
