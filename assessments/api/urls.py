"""API routes of the assessments app under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from .. import converters  # noqa: F401 - registers <qformat:...>
from . import views, views_grading
from . import views_authoring as authoring
from . import views_badges as badges
from . import views_gradebook as gradebook

urlpatterns: list[URLPattern | URLResolver] = [
    path("lessons/<int:lesson_id>/quiz/", views.QuizApi.as_view(), name="lesson-quiz"),
    path(
        "lessons/<int:lesson_id>/quiz/attempts/",
        views.AttemptStartApi.as_view(),
        name="lesson-quiz-attempts",
    ),
    path("attempts/<int:attempt_id>/", views.AttemptApi.as_view(), name="attempt"),
    path(
        "attempts/<int:attempt_id>/answers/",
        views.AttemptAnswersApi.as_view(),
        name="attempt-answers",
    ),
    path(
        "attempts/<int:attempt_id>/questions/<int:position>/check/",
        views.AttemptCheckApi.as_view(),
        name="attempt-question-check",
    ),
    path(
        "attempts/<int:attempt_id>/submit/", views.AttemptSubmitApi.as_view(), name="attempt-submit"
    ),
    path(
        "lessons/<int:lesson_id>/assignment/",
        views.AssignmentApi.as_view(),
        name="lesson-assignment",
    ),
    path(
        "lessons/<int:lesson_id>/assignment/submissions/",
        views.AssignmentSubmitApi.as_view(),
        name="lesson-assignment-submissions",
    ),
    path("me/certificates/", views.MyCertificatesApi.as_view(), name="me-certificates"),
    path("me/grades/<slug:slug>/", gradebook.MyGradesApi.as_view(), name="me-grades"),
    path(
        "courses/<slug:slug>/gradebook/",
        gradebook.CourseGradebookApi.as_view(),
        name="course-gradebook",
    ),
    path(
        "courses/<slug:slug>/gradebook/items/",
        gradebook.CourseGradebookItemsApi.as_view(),
        name="course-gradebook-items",
    ),
    # mentors
    path(
        "lessons/<int:lesson_id>/assignment/submissions/latest/",
        authoring.AssignmentSubmissionsApi.as_view(),
        name="lesson-assignment-latest-submissions",
    ),
    path(
        "lessons/<int:lesson_id>/assignment/release/",
        authoring.AssignmentReleaseApi.as_view(),
        name="lesson-assignment-release",
    ),
    path(
        "lessons/<int:lesson_id>/assignment/extensions/",
        authoring.AssignmentExtensionsApi.as_view(),
        name="lesson-assignment-extensions",
    ),
    path(
        "submissions/<int:submission_id>/grade/",
        authoring.SubmissionGradeApi.as_view(),
        name="submission-grade",
    ),
    path(
        "courses/<slug:slug>/question-banks/",
        authoring.CourseBanksApi.as_view(),
        name="course-question-banks",
    ),
    path(
        "question-banks/<int:bank_id>/questions/",
        authoring.BankQuestionsApi.as_view(),
        name="question-bank-questions",
    ),
    path(
        "question-banks/<int:bank_id>/import/",
        authoring.BankImportApi.as_view(),
        name="question-bank-import",
    ),
    path(
        "question-banks/<int:bank_id>/export/<qformat:fmt>/",
        authoring.BankExportApi.as_view(),
        name="question-bank-export",
    ),
    path("questions/<int:question_id>/", authoring.QuestionApi.as_view(), name="question"),
    path(
        "lessons/<int:lesson_id>/quiz/settings/",
        authoring.QuizSettingsApi.as_view(),
        name="lesson-quiz-settings",
    ),
    path(
        "lessons/<int:lesson_id>/quiz/slots/",
        authoring.QuizSlotsApi.as_view(),
        name="lesson-quiz-slots",
    ),
    path(
        "lessons/<int:lesson_id>/quiz/slots/order/",
        authoring.QuizSlotOrderApi.as_view(),
        name="lesson-quiz-slots-order",
    ),
    path("quiz-slots/<int:slot_id>/", authoring.QuizSlotApi.as_view(), name="quiz-slot"),
    path("grading/answers/", views_grading.GradingAnswersApi.as_view(), name="grading-answers"),
    path(
        "grading/submissions/",
        views_grading.GradingSubmissionsApi.as_view(),
        name="grading-submissions",
    ),
    path(
        "attempt-questions/<int:attempt_question_id>/grade/",
        authoring.AttemptQuestionGradeApi.as_view(),
        name="attempt-question-grade",
    ),
]
urlpatterns += [
    path("me/badges/", badges.MyBadgesApi.as_view(), name="me-badges"),
    path(
        "me/badges/<int:award_id>/credential/",
        badges.MyBadgeCredentialApi.as_view(),
        name="me-badge-credential",
    ),
]
