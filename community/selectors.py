"""Reads of the community app: querysets with the joins their callers need."""
