"""Site pages of the assessments app: ``student`` (take a quiz) and ``teach`` (mentors set
quizzes up, keep question banks and grade by hand). Routes are in assessments/urls.py."""
