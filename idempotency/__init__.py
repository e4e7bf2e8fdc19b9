"""``Idempotency-Key`` for API writes that a retry could duplicate (API.md, "Writes").

A platform app: any product app's API view may use ``idempotency.keys.idempotent``; it
imports no product app.
"""
