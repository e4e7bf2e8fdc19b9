"""Signals of the enrollments app: the contracts other apps listen to.

``course_completed`` is sent once per completion, after the transaction that completed the
course has committed, with ``sender=Enrollment`` and ``enrollment=<Enrollment>``
(status ``completed``, ``completed_at`` set). Certificates, assessments and analytics
connect to it; a receiver that fails does not undo the completion.
"""

from django.dispatch import Signal

course_completed = Signal()
