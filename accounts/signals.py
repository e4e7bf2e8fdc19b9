"""Signals of the accounts app, for the apps above it (accounts imports none of them).

- ``user_signup_completed(sender=User, user=...)``: a new account is ready (site, headless or
  social sign-up); notifications welcomes it.
- ``api_key_created(sender=ApiKey, user=..., key=...)``: a key was made; notifications tells
  its owner (a key they did not make is a stolen session).
"""

from django.dispatch import Signal

user_signup_completed = Signal()
api_key_created = Signal()
