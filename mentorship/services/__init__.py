"""Writes of the mentorship app, one module per subdomain: <noun>_<verb>(*, ...) functions."""
