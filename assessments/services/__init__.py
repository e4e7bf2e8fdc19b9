"""Writes of the assessments app: banks, quizzes, attempts and grading."""
