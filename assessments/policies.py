"""Who may do what with question banks, quizzes and attempts: the rules, once.

- edit a course's banks and quizzes, see every attempt and grade by hand: whoever may edit the
  course (its instructors while they hold the Mentor role, and staff: ``courses.policies``);
- take a quiz: whoever may open its lesson (``enrollments.access``); the course's instructors
  and staff take it as a preview, which counts for no grade;
- see an attempt: its student, and the course's editors;
- open the grading queue: mentors (their courses' answers) and staff (every course);
- what a student sees in a review: the quiz's review options, once the attempt is submitted.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from accounts.policies import user_is_mentor, user_is_staff
from courses.policies import course_can_edit

if TYPE_CHECKING:
    from assessments.models import Attempt, Quiz


def quiz_can_edit(*, user: Any, course: Any) -> bool:
    return course_can_edit(user=user, course=course)


def grading_can_open(*, user: Any) -> bool:
    """The grading queue: mentors (it lists the courses they teach) and staff."""
    return user_is_mentor(user) or user_is_staff(user)


def attempt_can_view(*, user: Any, attempt: "Attempt") -> bool:
    if getattr(user, "pk", None) == attempt.student_id:
        return True
    return course_can_edit(user=user, course=attempt.quiz.course)


def review_shows(*, quiz: "Quiz", attempt: "Attempt", now: datetime) -> dict[str, bool]:
    """Which parts of a review the attempt's student sees now (score, right/wrong, right
    answers, feedback)."""
    submitted = attempt.state != "in_progress"
    closed = quiz.closes_at is not None and now >= quiz.closes_at

    def allowed(option: str) -> bool:
        if not submitted or option == "never":
            return False
        return option == "immediately" or closed

    return {
        "score": allowed(quiz.review_score),
        "correctness": allowed(quiz.review_correctness),
        "right_answers": allowed(quiz.review_right_answers),
        "feedback": allowed(quiz.review_feedback),
    }


REVIEW_ALL = {"score": True, "correctness": True, "right_answers": True, "feedback": True}
