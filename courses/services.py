"""Writes of the courses app: <noun>_<verb>(*, ...) functions."""
