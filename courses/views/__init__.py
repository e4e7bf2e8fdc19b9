"""Site pages of the courses app, one module per area; their routes are in courses/urls.py.

- ``catalogue``: the catalogue at /courses/, the course page and its reviews;
- ``authoring``: /courses/teach/, where mentors build courses and staff review them.

The lesson player is enrollments' (``enrollments.views.player``): it applies the access rule.
"""
