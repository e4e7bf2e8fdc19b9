import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.cache import course_card_updated
from courses.models import Course, Lesson
from courses.selectors.cached import course_outline
from courses.tests.factories import (
    CategoryFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    ReviewFactory,
    TagFactory,
)
from enrollments.models import Enrollment

pytestmark = pytest.mark.django_db


def enroll(user, course, **kwargs) -> Enrollment:
    return Enrollment.objects.create(user=user, course=course, **kwargs)


def page(client, course):
    return client.get(reverse("courses:detail", args=[course.slug]))


def big_course(*, modules: int = 10, lessons: int = 10, **kwargs) -> Course:
    course = CourseFactory(
        instructors=UserFactory.create_batch(2, roles=("Mentor",)),
        tags=TagFactory.create_batch(3),
        **kwargs,
    )
    course.prerequisites.set(CourseFactory.create_batch(2))
    for m in range(modules):
        module = ModuleFactory(course=course, order=m)
        for n in range(lessons):
            LessonFactory(module=module, order=n, duration=60 * n + 5, is_preview=(m, n) == (0, 0))
    for _ in range(5):
        ReviewFactory(course=course)
    return course


def test_course_page_anonymous_sees_outline_and_sign_in(client):
    category = CategoryFactory(name="Languages", slug="languages")
    course = CourseFactory(title="Spoken Tamil", category=category, subtitle="Talk in weeks")
    module = ModuleFactory(course=course, title="Greetings")
    preview = LessonFactory(
        module=module, title="Vanakkam", kind=Lesson.Kind.VIDEO, duration=95, is_preview=True
    )
    LessonFactory(module=module, title="Numbers", duration=3725)

    response = page(client, course)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Spoken Tamil</h1>" in body
    assert "Sign in to enroll" in body
    assert "Greetings" in body and "Vanakkam" in body
    assert "01:35" in body and "1:02:05" in body  # mm:ss, h:mm:ss
    assert f"/courses/{course.slug}/lessons/{preview.pk}/" in body  # the preview link
    assert "Preview" in body and "Video" in body
    # breadcrumbs: Catalogue > Category > Course
    assert reverse("courses:catalogue") + "?category=languages" in body
    assert 'aria-current="page">Spoken Tamil</a>' in body
    assert "Write a review" not in body


def test_course_page_enrolled_student_sees_continue_and_review_form(client, student):
    course = CourseFactory()
    lesson = LessonFactory(module=ModuleFactory(course=course))
    enroll(student, course)
    client.force_login(student)

    body = page(client, course).content.decode()

    assert "Continue learning" in body
    assert f"/courses/{course.slug}/lessons/{lesson.pk}/" in body
    assert "Write a review" in body


def test_course_page_signed_in_not_enrolled_sees_enroll(client, student):
    course = CourseFactory()
    client.force_login(student)
    response = page(client, course)
    body = response.content.decode()
    assert response.context["enroll_state"] == "enroll"
    assert "Enroll for free" in body
    assert 'action="/learning/courses/' in body
    assert "Write a review" not in body


def test_course_page_paid_and_locked_states(client, student):
    paid = CourseFactory(price="49.00")
    needs = CourseFactory()
    needs.prerequisites.add(CourseFactory(title="Basics first"))
    client.force_login(student)

    assert page(client, paid).context["enroll_state"] == "payment_required"
    body = page(client, paid).content.decode()
    assert "Buy for ₹49" in body and f"/checkout/{paid.slug}/" in body
    locked = page(client, needs)
    assert locked.context["enroll_state"] == "locked"
    assert "Complete the prerequisites first" in locked.content.decode()
    assert "Basics first" in locked.content.decode()


def test_course_page_draft_is_404_for_students_and_visible_to_its_instructor(
    client, student, mentor
):
    course = CourseFactory(status=Course.Status.DRAFT, instructors=[mentor])

    client.force_login(student)
    assert page(client, course).status_code == 404

    client.force_login(mentor)
    response = page(client, course)
    assert response.status_code == 200
    assert "Students cannot see this page" in response.content.decode()

    other_mentor = UserFactory(roles=("Mentor",))
    client.force_login(other_mentor)
    assert page(client, course).status_code == 404


@pytest.mark.parametrize("status", [Course.Status.REVIEW, Course.Status.ARCHIVED])
def test_course_page_unpublished_is_visible_to_staff(client, admin_user, status):
    course = CourseFactory(status=status)
    assert page(client, course).status_code == 404
    client.force_login(admin_user)
    assert page(client, course).status_code == 200


def test_course_page_renders_markdown_safely(client):
    course = CourseFactory(
        description="## Why\n\n**Bold** <script>alert('x')</script> [bad](javascript:alert(1)) "
        '<img src="x" onerror="alert(2)">'
    )
    body = page(client, course).content.decode()
    assert "<strong>Bold</strong>" in body
    assert "alert('x')" not in body and "javascript:" not in body and "onerror" not in body


def test_course_page_lists_prerequisites_with_links(client):
    course = CourseFactory()
    first = CourseFactory(title="Algebra")
    course.prerequisites.add(first)
    body = page(client, course).content.decode()
    assert "Before you start" in body
    assert f'href="{reverse("courses:detail", args=[first.slug])}"' in body


def test_course_page_reviews_exclude_hidden_and_show_replies(client, mentor):
    course = CourseFactory(instructors=[mentor])
    ReviewFactory(course=course, text="Loved the exercises", reply="Thanks!", replied_by=mentor)
    ReviewFactory(course=course, text="Spam spam", is_hidden=True)

    body = page(client, course).content.decode()

    assert "Loved the exercises" in body
    assert "Instructor reply" in body and "Thanks!" in body
    assert "Spam spam" not in body


def test_course_page_rating_distribution(client):
    course = CourseFactory(rating_average="4.33", rating_count=3)
    for rating in (5, 5, 3):
        ReviewFactory(course=course, rating=rating)
    ReviewFactory(course=course, rating=1, is_hidden=True)

    response = page(client, course)

    summary = response.context["rating"]
    assert summary.count == 3
    assert summary.distribution == [(5, 2, 67), (4, 0, 0), (3, 1, 33), (2, 0, 0), (1, 0, 0)]
    assert "4.3" in response.content.decode()


def test_course_outline_is_cached_and_invalidated_on_changes(django_assert_num_queries):
    course = CourseFactory()
    module = ModuleFactory(course=course)
    lesson = LessonFactory(module=module, title="Old title")

    assert course_outline(course=course)["modules"][0]["lessons"][0]["title"] == "Old title"
    with django_assert_num_queries(0):
        course_outline(course=course)

    lesson.title = "New title"
    lesson.save()  # post_save invalidates
    assert course_outline(course=course)["modules"][0]["lessons"][0]["title"] == "New title"

    LessonFactory(module=module, title="Second")
    assert course_outline(course=course)["lesson_count"] == 2

    module.delete()
    assert course_outline(course=course)["modules"] == []

    # writes that bypass signals call the invalidation themselves
    Course.objects.filter(pk=course.pk).update(description="**new**")
    course.refresh_from_db()
    course_card_updated(course_id=course.pk)
    assert "<strong>new</strong>" in course_outline(course=course)["description_html"]


def test_course_page_shows_new_lessons_at_once(client):
    course = CourseFactory()
    module = ModuleFactory(course=course)
    assert "Fresh lesson" not in page(client, course).content.decode()
    LessonFactory(module=module, title="Fresh lesson")
    assert "Fresh lesson" in page(client, course).content.decode()


def test_course_page_query_budget_anonymous(client, django_assert_max_num_queries):
    # given: 10 modules x 10 lessons, instructors, tags, prerequisites and reviews
    course = big_course()

    # then: cold cache (outline built: +2; the call to action's experiment looked up: +1)
    # and warm cache both stay within 11
    with django_assert_max_num_queries(11):
        response = page(client, course)
    assert response.status_code == 200
    assert response.context["outline"]["lesson_count"] == 100
    # warm: the course row only (outline, hero, reviews and rating come from the cache)
    with django_assert_max_num_queries(1):
        assert page(client, course).status_code == 200


def test_course_page_query_count_does_not_grow_with_the_outline(client, student):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, big = big_course(modules=1, lessons=1), big_course()
    for course in (small, big):
        enroll(student, course)
    client.force_login(student)
    counts = []
    for course in (small, big):
        page(client, course)  # warm the outline cache and the user session
        with CaptureQueriesContext(connection) as ctx:
            assert page(client, course).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    assert counts[1] <= 20, counts  # 7 of them are session and user-session tracking


def test_render_markdown_lowers_headings_and_strips_unsafe_html():
    from courses.markdown import render_markdown

    html = str(
        render_markdown("# Top\n\n## Sub\n\n### Deep\n\n<iframe src=x></iframe>", min_heading=3)
    )
    assert "<h3>Top</h3>" in html and "<h3>Sub</h3>" in html and "<h3>Deep</h3>" in html
    assert "iframe" not in html
    assert "<h2>Top</h2>" in str(render_markdown("# Top"))
    assert str(render_markdown("   ")) == ""


def test_course_page_prerequisite_changes_invalidate_the_catalogue_and_page(client):
    course = CourseFactory()
    basics = CourseFactory(title="Basics")
    assert "Basics" not in page(client, course).content.decode()
    basics.required_for.add(course)  # changed from the prerequisite's side
    assert "Basics" in page(client, course).content.decode()


# --- the cached public parts, and the viewers who get their own --------------------------


def test_new_review_shows_at_once_for_cached_visitors(client, student):
    course = CourseFactory()
    enroll(student, course)
    assert "No reviews yet." in page(client, course).content.decode()  # now cached
    student_client = type(client)()
    student_client.force_login(student)
    response = student_client.post(
        reverse("courses:review_save", args=[course.slug]), {"rating": 4, "text": "Clear!"}
    )
    assert response.status_code == 302
    body = page(client, course).content.decode()
    assert "Clear!" in body and "No reviews yet." not in body
    assert "(1 review)" in body


def test_review_author_instructor_and_moderator_get_their_own_review_parts(
    client, student, mentor, moderator
):
    course = CourseFactory(instructors=[mentor])
    enroll(student, course)
    ReviewFactory(course=course, user=student, text="Mine")
    hidden = ReviewFactory(course=course, text="Spam spam", is_hidden=True)
    anonymous = page(client, course).content.decode()  # caches the public parts
    assert "Mine" in anonymous and "Spam spam" not in anonymous
    assert ">You<" not in anonymous and "Save reply" not in anonymous

    client.force_login(student)
    assert ">You<" in page(client, course).content.decode()
    client.force_login(mentor)
    assert "Save reply" in page(client, course).content.decode()
    client.force_login(moderator)
    body = page(client, course).content.decode()
    assert "Spam spam" in body and f"review-{hidden.pk}" in body and "Hide review" in body


def test_enrolled_student_without_review_is_invited_to_write_one(client, student):
    course = CourseFactory()
    enroll(student, course)
    assert "Be the first" not in page(client, course).content.decode()
    client.force_login(student)
    body = page(client, course).content.decode()
    assert "Write a review" in body and "Be the first" in body


def test_review_pages_are_cached_apart(client):
    course = CourseFactory()
    for n in range(12):
        ReviewFactory(course=course, text=f"Review number {n:02d}")
    url = reverse("courses:detail", args=[course.slug])
    first = client.get(url).content.decode()
    second = client.get(url + "?reviews_page=2").content.decode()
    assert "Review number 11" in first and "Review number 11" not in second
    assert "Review number 00" in second and "Page 2 of 2" in second
    assert client.get(url + "?reviews_page=oops").status_code == 200


def test_archived_course_page_stays_open_to_its_students_only(client, student):
    course = CourseFactory(status=Course.Status.ARCHIVED)
    LessonFactory(module=ModuleFactory(course=course))
    enroll(student, course)
    other = UserFactory(roles=("Student",))
    assert page(client, course).status_code == 404
    client.force_login(other)
    assert page(client, course).status_code == 404
    client.force_login(student)
    response = page(client, course)
    assert response.status_code == 200
    body = response.content.decode()
    assert "This course is archived." in body and "Continue learning" in body


def test_cancelled_enrollment_does_not_open_an_archived_course(client, student):
    course = CourseFactory(status=Course.Status.ARCHIVED)
    enroll(student, course, status=Enrollment.Status.CANCELLED)
    client.force_login(student)
    assert page(client, course).status_code == 404
