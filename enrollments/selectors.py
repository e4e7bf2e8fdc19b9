"""Reads of the enrollments app: querysets with the joins their callers need."""
