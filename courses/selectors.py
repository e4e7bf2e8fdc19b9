"""Reads of the courses app: querysets with the joins their callers need."""
