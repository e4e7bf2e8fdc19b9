"""Signals of the courses app: the contracts other apps listen to.

``lessons_changed`` is sent after the transaction commits whenever the lessons students see
in a course, or which of them are required, may have changed (a lesson or module published,
taken back to draft or deleted; a lesson's ``is_required`` changed; a course published),
with ``sender=Course`` and ``course_id=<int>``. The enrollments app recomputes progress.

``lessons_became_visible`` is sent while lessons nobody was told about are claimed for their
announcement (inside that transaction, on a Celery worker), with ``sender=Course``,
``course_id=<int>`` and ``lessons``: the claimed lessons in outline order (``id``,
``release``, ``release_days`` loaded). The enrollments app, which knows who is enrolled, hands
each lesson's students to ``courses.tasks.lesson_announce_queue``; an error
in a receiver leaves the lessons unclaimed for the next run.

``instructors_changed`` is sent after the transaction commits whenever people are added to or
removed from a course's instructors, from anywhere (services, the admin, the demo data:
``courses.instructors`` turns the many-to-many changes into it), with ``sender=Course``,
``course_id=<int>`` and ``user_ids``: the people added or removed (a list of ints). The
community app makes the course group's owners follow.

``review_reported`` is sent inside the transaction that puts a reported review in the
moderation queue (``courses.services.reviews.review_report``), with ``sender=Review``,
``review=<Review>``, ``reporter=<User>``, ``text=<str>`` and ``item=<ModerationItem>``. The
community app keeps the report with every other (``Report``: who, what, why).
"""

from django.dispatch import Signal

lessons_changed = Signal()
lessons_became_visible = Signal()
instructors_changed = Signal()
review_reported = Signal()
