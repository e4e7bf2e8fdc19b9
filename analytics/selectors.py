"""Reads of the analytics app: querysets with the joins their callers need."""
