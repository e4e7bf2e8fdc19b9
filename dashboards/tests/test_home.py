"""The home pages say what Kalpla does today and greet people as what they are; the student's
and the mentor's home show their learning and teaching."""

import re

import pytest

from accounts.tests.factories import PASSWORD, UserFactory
from courses.models import Course
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from enrollments import services
from enrollments.cache import learning_list_invalidate
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(db):
    course = CourseFactory(slug="python", title="Python")
    module = ModuleFactory(course=course, order=0)
    course.first_lesson = LessonFactory(module=module, order=0)
    LessonFactory(module=module, order=1)
    return course


NOT_THERE_YET = ("mentor", "quiz", "live", "group", "chat", "book")


def test_home_anonymous_promises_only_what_works(client):
    html = client.get("/").content.decode().lower()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    for word in NOT_THERE_YET:
        assert word not in main, f"the home page promises “{word}”"
    for feature in ("captions", "transcript", "narration", "progress", "review", "two-factor"):
        assert feature in main


def _sign_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_home_greets_a_first_sign_in_with_welcome(client):
    user = UserFactory(name="Nila New", last_login=None)
    _sign_in(client, user)
    html = client.get("/").content.decode()
    assert "Welcome, Nila" in html
    assert "Welcome back" not in html


def test_home_greets_a_returning_user_with_welcome_back(client):
    user = UserFactory(name="Ravi Regular")
    user.last_login = user.date_joined
    user.save(update_fields=["last_login"])
    _sign_in(client, user)
    assert "Welcome back, Ravi" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("roles", "is_staff", "sees_api"),
    [(("Student",), False, False), (("Mentor",), False, True), (("Admin",), True, True)],
)
def test_main_navigation_shows_the_api_link_to_mentors_and_staff_only(
    client, roles, is_staff, sees_api
):
    client.force_login(UserFactory(roles=roles, is_staff=is_staff))
    html = client.get("/courses/").content.decode()
    nav = html.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
    assert ('href="/api/docs/"' in nav) is sees_api


# --- the student and the mentor ---------------------------------------------------------


def test_student_dashboard_lists_enrollments_with_progress(client, student, course):
    EnrollmentFactory(user=student, course=course, progress_percent=50)
    client.force_login(student)

    html = client.get("/").content.decode()

    assert "Continue learning" in html
    assert 'aria-valuenow="50"' in html
    assert f'href="/courses/python/lessons/{course.first_lesson.pk}/"' in html
    assert "Welcome back" in html


def test_student_dashboard_empty_state_links_to_catalogue(client, student):
    client.force_login(student)
    html = client.get("/").content.decode()
    assert "You are not enrolled in any course yet." in html
    assert 'href="/courses/"' in html


def test_student_dashboard_shows_recently_viewed(client, student, course):
    enrollment = EnrollmentFactory(user=student, course=course)
    services.enrollment_lesson_open(enrollment=enrollment, lesson=course.first_lesson)
    client.force_login(student)
    html = client.get("/").content.decode()
    assert "Recently viewed" in html
    assert re.search(r"Continue<span class=\"visually-hidden\"> Python", html)


def test_mentor_dashboard_lists_taught_courses(client, mentor):
    CourseFactory(title="Taught", instructors=[mentor], enrollment_count=7)
    CourseFactory(title="Draft one", instructors=[mentor], status=Course.Status.DRAFT)
    CourseFactory(title="Someone else's")
    client.force_login(mentor)

    html = client.get("/").content.decode()
    teaching = html[html.index('id="teaching"') :].split("</section>")[0]

    assert "Teaching" in teaching
    assert "Taught" in teaching and "Draft one" in teaching
    assert "Someone else" not in teaching  # (it may be recommended, not taught)
    assert "<td>7</td>" in teaching
    assert 'href="/courses/teach/"' in html


def test_mentor_dashboard_counts_reviews_to_answer(client, mentor):
    from courses.tests.factories import ReviewFactory

    course = CourseFactory(title="Taught", instructors=[mentor])
    ReviewFactory(course=course, text="Please add exercises")
    ReviewFactory(course=course, text="Thanks", reply="Glad it helped")
    ReviewFactory(course=course, text="")  # a rating alone needs no answer
    ReviewFactory(course=course, text="spam", is_hidden=True)
    client.force_login(mentor)
    html = client.get("/").content.decode()
    teaching = html[html.index('id="teaching"') :].split("</section>")[0]
    assert '<span class="badge badge--warn">1</span>' in teaching


def test_student_does_not_see_teaching(client, student):
    client.force_login(student)
    assert 'id="teaching"' not in client.get("/").content.decode()


def _enroll_many(user, n):
    for _ in range(n):
        course = CourseFactory()
        lesson = LessonFactory(module=ModuleFactory(course=course))
        enrollment = EnrollmentFactory(user=user, course=course)
        services.enrollment_lesson_open(enrollment=enrollment, lesson=lesson)


@pytest.mark.parametrize("roles", [("Student",), ("Mentor",)])
def test_dashboard_queries_same_for_1_and_20_enrollments(
    client, django_assert_max_num_queries, roles
):
    user = UserFactory(roles=roles)
    for _ in range(3 if "Mentor" in roles else 0):
        CourseFactory(instructors=[user])
    client.force_login(user)
    _enroll_many(user, 1)
    client.get("/")
    learning_list_invalidate(user_id=user.pk)  # measure with the learning list not cached
    with django_assert_max_num_queries(20) as one:
        client.get("/")
    _enroll_many(user, 19)
    with django_assert_max_num_queries(len(one)) as twenty:
        html = client.get("/").content.decode()
    assert html.count('class="learning-item"') == 20
    assert len(twenty) == len(one)
    with django_assert_max_num_queries(len(one) - 1):  # cached: the list costs no query
        again = client.get("/").content.decode()
    assert again.count('class="learning-item"') == 20


def test_dashboard_list_follows_enrollments_and_lessons_opened(client, student, course):
    lesson = LessonFactory(module__course=course, title="First steps")
    client.force_login(student)
    assert 'class="learning-item"' not in client.get("/").content.decode()
    enrollment = EnrollmentFactory(user=student, course=course)
    html = client.get("/").content.decode()
    assert html.count('class="learning-item"') == 1 and "Start" in html
    services.enrollment_lesson_open(enrollment=enrollment, lesson=lesson)
    html = client.get("/").content.decode()
    assert "Continue" in html and "First steps" in html
    services.enrollment_cancel(enrollment=enrollment)
    assert 'class="learning-item"' not in client.get("/").content.decode()


def test_student_home_recommends_courses_and_shows_recent_notifications(client, student):
    from notifications.models import Notification

    CourseFactory(title="Python")
    taken = CourseFactory(title="Taken already")
    EnrollmentFactory(user=student, course=taken)
    CourseFactory(title="A draft", status=Course.Status.DRAFT)
    Notification.objects.create(
        recipient=student, kind="courses.updated", category="learning", title="New lesson!"
    )
    client.force_login(student)
    html = client.get("/").content.decode()
    recommended = html[html.index('id="recommended"') :].split("</section>")[0]
    assert "Python" in recommended
    assert "Taken already" not in recommended and "A draft" not in recommended
    notes = html[html.index('id="notifications-recent"') :].split("</section>")[0]
    assert "New lesson!" in notes and "is-unread" in notes


def test_recommendations_follow_new_enrollments(client, student):
    only = CourseFactory(title="The only course")
    client.force_login(student)
    assert 'id="recommended"' in client.get("/").content.decode()
    EnrollmentFactory(user=student, course=only)  # cached list is dropped with the version
    assert 'id="recommended"' not in client.get("/").content.decode()


def test_homes_share_their_shell_but_never_a_viewers_parts(client, student, mentor):
    """The home's shared text is rendered once per process and language; each viewer's
    greeting, role cards, learning and notifications are their own."""
    from notifications.models import Notification

    student.name, mentor.name = "Asha Learner", "Meera Teacher"
    student.save(update_fields=["name"])
    mentor.save(update_fields=["name"])
    Notification.objects.create(
        recipient=student, kind="courses.updated", category="learning", title="Asha's note"
    )
    client.force_login(student)
    first = client.get("/").content.decode()
    client.force_login(mentor)
    second = client.get("/").content.decode()
    assert "Asha" in first and "Meera" not in first and 'id="teaching"' not in first
    assert "Meera" in second and "Asha" not in second and 'id="teaching"' in second
    assert "Continue learning" in first and "Continue learning" in second
    hindi = client.get("/", HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert 'lang="hi"' in hindi and "Meera" in hindi


def test_warm_home_reads_the_cache_in_one_round_trip(client, student, round_trips):
    EnrollmentFactory(user=student)
    client.force_login(student)
    client.get("/")  # builds and caches the student's parts
    client.get("/")
    round_trips.clear()
    response = client.get("/")
    assert response.status_code == 200 and b"Continue learning" in response.content
    # the session with the signed-in user, the student's parts, notifications, bell and
    # sessions (PageReadAheadMiddleware)
    assert len(round_trips) == 1
