"""Writes of the community app: <noun>_<verb>(*, ...) functions."""
