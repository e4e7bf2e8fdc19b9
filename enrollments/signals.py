"""Signals of the enrollments app: the contracts other apps listen to.

``course_completed`` is sent once per completion, after the transaction that completed the
course has committed, with ``sender=Enrollment`` and ``enrollment=<Enrollment>``
(status ``completed``, ``completed_at`` set). Certificates, assessments and analytics
connect to it; a receiver that fails does not undo the completion.

``enrollment_started`` is sent after the transaction that enrolled a user (or brought a
cancelled enrollment back) has committed, with ``sender=Enrollment`` and
``enrollment=<Enrollment>``; assessments gives the new learner a gradebook row. A receiver
that fails does not undo the enrollment.
"""

from django.dispatch import Signal

course_completed = Signal()
enrollment_started = Signal()
