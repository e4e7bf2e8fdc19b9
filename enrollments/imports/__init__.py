"""Bulk enrollment from a CSV file (columns ``email``, ``course`` (slug), optional ``cohort``
(name) and ``name``), for staff and for a course's mentors on their own courses.

- ``parsing``: reading the file with tablib and checking each row's shape;
- ``policies``: who may upload, see an import, and enroll into which course;
- ``services``: upload (``enrollment_import_create``) and the run, batch by batch
  (``enrollment_import_run``), which the job kind ``enrollments.import`` drives;
- ``selectors``: the lists and the error report (original row + ``error`` column).

A run validates every row (bad email, unknown course, a course the uploader may not manage,
unknown, archived or full cohort, a row repeating an earlier one), creates invited accounts
for unknown addresses (``accounts.invitations``: one invitation email, never a second), and
enrolls the rest with source ``import`` (a grant: paid courses too, no prerequisites or email
verification asked). Already enrolled people are skipped, not errors, so uploading the same
file again changes nothing.
"""
