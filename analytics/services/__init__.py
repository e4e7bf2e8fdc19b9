"""Writes of the analytics app, one module per area."""
