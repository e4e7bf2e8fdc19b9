"""Writes of the enrollments app: <noun>_<verb>(*, ...) functions."""
