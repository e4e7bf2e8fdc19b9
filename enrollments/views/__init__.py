"""Site pages of the enrollments app; their routes are in enrollments/urls.py.

- ``enrollment``: enroll and unenroll, under /learning/;
- ``player``: the lesson player and its file links, under /courses/ with ``courses:`` names.
"""
