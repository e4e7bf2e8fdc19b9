"""Writes of the analytics app: <noun>_<verb>(*, ...) functions."""
