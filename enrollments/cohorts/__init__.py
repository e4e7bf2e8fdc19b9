"""Cohorts and their waitlists: dated runs of a course with a number of seats.

``selectors`` (reads: ``cohort_find``, ``cohort_offer_for``, seats), ``services`` (cohorts and
enrolling into one), ``waitlist`` (joining, leaving, promotion, offers) and ``policies`` (who
manages a course's cohorts). Other apps use these through ``selectors`` and ``services``.
"""
