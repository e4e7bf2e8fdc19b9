"""Writes of the assessments app: <noun>_<verb>(*, ...) functions."""
