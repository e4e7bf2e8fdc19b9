"""The question engine: what each kind of question stores, shows and earns (no database).

Services of the assessments app call it; it imports nothing of the app's models, so every rule
of grading is a pure function tested on its own.
"""
