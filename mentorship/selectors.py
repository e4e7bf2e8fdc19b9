"""Reads of the mentorship app: querysets with the joins their callers need."""
