"""Signals of the courses app: the contracts other apps listen to.

``lessons_changed`` is sent after the transaction commits whenever the lessons students see
in a course, or which of them are required, may have changed (a lesson or module published,
taken back to draft or deleted; a lesson's ``is_required`` changed; a course published),
with ``sender=Course`` and ``course_id=<int>``. The enrollments app recomputes progress.
"""

from django.dispatch import Signal

lessons_changed = Signal()
