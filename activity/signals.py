"""The documented signal of learning activity (see ``activity.tracking.track``).

``learning_event`` is sent once the transaction that produced the activity commits, with
``event``: an ``activity.tracking.LearningEvent``. Receivers must be quick (one insert or a
buffer append) and must not raise: the activity has already happened.
"""

from django.dispatch import Signal

# Cached receivers per sender: the one receiver list is not rebuilt under a lock per event.
learning_event = Signal(use_caching=True)
