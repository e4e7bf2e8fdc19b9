"""Signals of the assessments app (documented for the apps above it, e.g. analytics).

``attempt_graded(sender=Attempt, attempt_id)``: sent after the transaction that graded (or
regraded) a quiz attempt commits.
"""

from django.dispatch import Signal

attempt_graded = Signal()
