"""Reads of the assessments app: querysets with the joins their callers need."""
