"""Signals of the assessments app (documented for the apps above it, e.g. analytics).

``attempt_graded(sender=Attempt, attempt_id)``: sent after the transaction that graded (or
regraded) a quiz attempt commits.

``certificate_issued(sender=Certificate, certificate_id)``: sent after the transaction that
issued a certificate commits (badges earned by passing a course are awarded on it).

``course_grade_changed(sender=CourseGrade, course_id, student_id)``: sent after the
transaction that recomputed a learner's course total (``student_id``), or every learner's of
the course (``student_id=None``), commits.
"""

from django.dispatch import Signal

attempt_graded = Signal()
certificate_issued = Signal()
course_grade_changed = Signal()
