"""Writes of the mentorship app: <noun>_<verb>(*, ...) functions."""
