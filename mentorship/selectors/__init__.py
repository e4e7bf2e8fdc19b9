"""Reads of the mentorship app, one module per subdomain: querysets with the joins their
callers need."""
