"""The course page's cached parts (the course, the student's enrollments and review, the
shared sections) never mix viewers, languages or versions, and keep the page cheap."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.models import Course
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory, ReviewFactory
from courses.views import catalogue as catalogue_views
from enrollments.models import Enrollment
from kalpla.templatetags.kalpla_shell import page_shell_render

pytestmark = pytest.mark.django_db


def page(client, course, **headers):
    return client.get(reverse("courses:detail", args=[course.slug]), **headers)


def enrolled_and_seen(client, user) -> Course:
    """A course ``user`` is enrolled in, signed in with ``client``, its page seen once."""
    course = course_with_lessons()
    Enrollment.objects.create(user=user, course=course)
    client.force_login(user)
    page(client, course)
    return course


def course_with_lessons(*, prerequisites: int = 0) -> Course:
    course = CourseFactory(instructors=[UserFactory(roles=("Mentor",))])
    course.prerequisites.set(CourseFactory.create_batch(prerequisites))
    module = ModuleFactory(course=course)
    for n in range(3):
        LessonFactory(module=module, order=n, is_preview=n == 0)
    ReviewFactory(course=course)
    return course


def test_enrolled_students_warm_course_page_reads_only_their_user_row(
    client, student, django_assert_max_num_queries
):
    course = course_with_lessons(prerequisites=2)
    Enrollment.objects.create(user=student, course=course)
    client.force_login(student)
    page(client, course)  # warms the course, the outline and the student's parts
    with django_assert_max_num_queries(1):
        response = page(client, course)
    assert response.status_code == 200
    assert "Continue learning" in response.content.decode()


def test_cached_course_page_keeps_each_viewer_their_own_parts(client):
    course = course_with_lessons()
    enrolled, other = UserFactory(name="Asha Enrolled"), UserFactory(name="Ravi Other")
    Enrollment.objects.create(user=enrolled, course=course)
    for _round in range(2):  # the second round is served from the cache
        client.force_login(enrolled)
        mine = page(client, course).content.decode()
        assert "Continue learning" in mine and "Write a review" in mine and "Asha" in mine
        client.force_login(other)
        theirs = page(client, course).content.decode()
        assert "Enroll for free" in theirs and "Ravi" in theirs
        assert "Write a review" not in theirs and "Asha" not in theirs
        client.logout()
        anonymous = page(client, course).content.decode()
        assert "Sign in to enroll" in anonymous and "Ravi" not in anonymous


def test_enrolling_and_reviewing_show_at_once_on_the_cached_page(client, student):
    course = course_with_lessons()
    client.force_login(student)
    assert "Enroll for free" in page(client, course).content.decode()
    Enrollment.objects.create(user=student, course=course)
    assert "Write a review" in page(client, course).content.decode()
    ReviewFactory(course=course, user=student, rating=4, text="Clear and kind")
    body = page(client, course).content.decode()
    assert "Edit your review" in body and "Clear and kind" in body


def test_a_slug_taken_over_by_another_course_shows_that_courses_own_parts(client, student):
    """The page's entries are kept by slug: another course that takes the slug of a renamed
    one must not show the old one's parts (the student's review of it above all)."""
    old = course_with_lessons()
    Enrollment.objects.create(user=student, course=old)
    ReviewFactory(course=old, user=student, rating=2, text="Kept under the old slug")
    client.force_login(student)
    slug = old.slug
    assert "Kept under the old slug" in page(client, old).content.decode()
    old.slug = f"{slug}-renamed"
    old.save()
    new = course_with_lessons()
    Course.objects.filter(pk=new.pk).update(slug=slug)  # a row write no signal sees
    new.refresh_from_db()
    Enrollment.objects.create(user=student, course=new)
    body = page(client, new).content.decode()
    assert new.title in body and old.title not in body
    assert "Kept under the old slug" not in body and "Write a review" in body


def test_unpublishing_retires_the_cached_course_at_once(client):
    course = course_with_lessons()
    assert page(client, course).status_code == 200
    course.status = Course.Status.DRAFT
    course.save()
    assert page(client, course).status_code == 404


def test_a_new_instructor_gets_the_instructors_page_at_once(client):
    course = course_with_lessons()
    mentor = UserFactory(roles=("Mentor",))
    client.force_login(mentor)
    assert page(client, course).context["is_instructor"] is False
    course.instructors.add(mentor)
    assert page(client, course).context["is_instructor"] is True


def test_languages_keep_their_own_cached_page(client):
    course = course_with_lessons()
    for _round in range(2):
        english = page(client, course, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        hindi = page(client, course, HTTP_ACCEPT_LANGUAGE="hi").content.decode()
        assert "Course content" in english and "कोर्स की सामग्री" not in english
        assert "कोर्स की सामग्री" in hindi and "Course content" not in hindi


def test_students_warm_dashboard_reads_only_their_user_row(
    client, student, django_assert_max_num_queries
):
    Enrollment.objects.create(user=student, course=course_with_lessons())
    client.force_login(student)
    client.get("/")
    with django_assert_max_num_queries(1):
        assert client.get("/").status_code == 200


def test_shared_page_shell_fills_in_each_viewers_own_parts(client, settings, monkeypatch):
    """Ordinary viewers share one rendered page shell; their name, menu, messages, enroll
    card, review form, CSRF token and query string are theirs on every request."""
    shells = []

    def render(*args, **kwargs):
        shells.append(page_shell_render(*args, **kwargs))
        return shells[-1]

    monkeypatch.setattr(catalogue_views, "page_shell_render", render)
    course = course_with_lessons()
    enrolled, other = UserFactory(name="Asha Enrolled"), UserFactory(name="Ravi Other")
    Enrollment.objects.create(user=enrolled, course=course)
    url = reverse("courses:detail", args=[course.slug])
    pages = {}
    for _round in range(2):  # the second round is served from the shell
        for user in (enrolled, other, None):
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.get(url, {"search": "<i>q</i>"})
            body = response.content.decode()
            token = client.cookies[settings.CSRF_COOKIE_NAME].value if user else None
            pages[user and user.name] = body
            assert "&lt;i&gt;q&lt;/i&gt;" in body and "<i>q</i>" not in body
            if user is not None:
                assert body.count('name="csrfmiddlewaretoken"') == 3
                assert response.context[-1]["user"] == user  # what the parts were rendered with
                assert token
    asha, ravi, anonymous = pages["Asha Enrolled"], pages["Ravi Other"], pages[None]
    assert "Asha" in asha and "Continue learning" in asha and "Write a review" in asha
    assert "Ravi" in ravi and "Enroll for free" in ravi and "Asha" not in ravi
    assert "Write a review" not in ravi and "Sign out" in ravi
    assert "Sign in to enroll" in anonymous and "Sign out" not in anonymous
    assert "Ravi" not in anonymous and "Asha" not in anonymous
    assert len(shells) == 2  # one for the invited student, one for everybody else
    for text in ("Asha", "Ravi", "Sign out", "Sign in", "csrfmiddlewaretoken", "q&lt;", "Enroll"):
        assert not any(text.encode() in piece for shell in shells for piece in shell[::2])


def test_messages_show_once_on_the_shared_page_shell(client, student):
    course = course_with_lessons()
    Enrollment.objects.create(user=student, course=course)
    client.force_login(student)
    page(client, course)  # the shell is cached
    response = client.post(
        reverse("courses:review_save", args=[course.slug]), {"rating": 5, "text": "Lovely"}
    )
    assert response.status_code == 302
    body = page(client, course).content.decode()
    assert "Thank you! Your review was saved." in body
    assert "Thank you! Your review was saved." not in page(client, course).content.decode()


def test_a_review_sent_back_with_errors_keeps_its_text_on_the_shared_shell(client, student):
    course = course_with_lessons()
    Enrollment.objects.create(user=student, course=course)
    client.force_login(student)
    page(client, course)
    url = reverse("courses:review_save", args=[course.slug])
    response = client.post(url, {"rating": 9, "text": "Half-written thoughts"})
    assert response.status_code == 400
    assert "Half-written thoughts" in response.content.decode()


def test_enrolled_students_warm_course_page_reads_the_cache_in_one_round_trip(
    client, student, round_trips
):
    course = course_with_lessons(prerequisites=2)
    Enrollment.objects.create(user=student, course=course)
    client.force_login(student)
    page(client, course)  # warms the course, the outline and the student's parts
    page(client, course)
    round_trips.clear()
    response = page(client, course)
    assert response.status_code == 200
    assert b"Continue learning" in response.content and b"Write a review" in response.content
    # the session with the signed-in user, the course, the student's enrollments and review,
    # the page's shared parts and the bell's count, together (PageReadAheadMiddleware)
    assert len(round_trips) == 1


def test_a_session_new_to_the_process_reads_the_session_then_the_page(client, student, round_trips):
    from accounts import middleware

    course = enrolled_and_seen(client, student)
    middleware._SESSION_USERS.clear()  # as in a process that has not served this session yet
    round_trips.clear()
    assert "Continue learning" in page(client, course).content.decode()
    assert len(round_trips) == 2  # which user's entries to read is known after the session
    round_trips.clear()
    page(client, course)
    assert len(round_trips) == 1


def test_a_wrong_guess_of_the_sessions_user_shows_the_page_of_the_user_it_names(
    client, round_trips
):
    """The entries read with the session are the user it named on its last request here;
    if it names someone else now, theirs are read but never shown."""
    from accounts import middleware

    course = course_with_lessons()
    enrolled, other = UserFactory(name="Asha Enrolled"), UserFactory(name="Ravi Other")
    Enrollment.objects.create(user=enrolled, course=course)
    client.force_login(enrolled)
    assert "Continue learning" in page(client, course).content.decode()
    client.force_login(other)
    page(client, course)  # warms the other's entries too
    round_trips.clear()
    page(client, course)
    guessed_right = len(round_trips)
    session_key = client.session.session_key
    middleware._SESSION_USERS[session_key] = (enrolled.pk, "")  # the guess: the enrolled one
    round_trips.clear()
    theirs = page(client, course).content.decode()
    assert "Enroll for free" in theirs and "Ravi" in theirs
    assert "Continue learning" not in theirs and "Asha" not in theirs
    # the right user's entries, read once the session named them
    assert len(round_trips) == guessed_right + 1


def test_the_entries_read_with_the_session_are_in_the_users_language(client, round_trips):
    """A user who reads the site in Hindi has the page's parts kept in Hindi: the keys read
    with the session name the language the user's pages are shown in."""
    course = enrolled_and_seen(client, UserFactory(language="hi"))
    page(client, course)
    round_trips.clear()
    response = page(client, course, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response.headers["Content-Language"] == "hi"
    assert len(round_trips) == 1


def test_the_enroll_card_kept_per_process_shows_each_student_their_own(client, monkeypatch):
    """Enrolled students' enroll cards are rendered once per process for what they show
    (``{% memo_part %}``): each student still sees their own state, progress and cohort."""
    from django.utils import timezone

    from enrollments.tests.factories import CohortFactory

    keys = []
    real = catalogue_views._enroll_card_key
    monkeypatch.setattr(
        catalogue_views, "_enroll_card_key", lambda context: keys.append(real(context)) or keys[-1]
    )
    course = course_with_lessons()
    cohort = CohortFactory(course=course, name="Spring cohort", starts_at=timezone.now())
    plain, grouped, done, late = UserFactory.create_batch(4)
    Enrollment.objects.create(user=plain, course=course)
    Enrollment.objects.create(user=grouped, course=course, cohort=cohort)
    completed = Enrollment.Status.COMPLETED
    Enrollment.objects.create(user=done, course=course, status=completed, progress_percent=100)
    Enrollment.objects.create(user=late, course=course, status=completed, progress_percent=60)
    pages: dict[str, str] = {}
    for _round in range(2):  # the second round uses the kept cards
        for name, user in (("plain", plain), ("grouped", grouped), ("done", done), ("late", late)):
            client.force_login(user)
            body = page(client, course).content.decode()
            card = body[body.index('<aside class="course-hero__card') :]
            card = card[: card.index("</aside>")]
            assert pages.setdefault(name, card) == card  # kept, it is the card it was
    assert "Continue learning" in pages["plain"] and "My cohort" not in pages["plain"]
    assert (
        "Continue learning" in pages["grouped"] and "My cohort: Spring cohort" in pages["grouped"]
    )
    assert "Completed" in pages["done"] and "New lessons since" not in pages["done"]
    assert "New lessons since you finished" in pages["late"] and "60%" in pages["late"]
    assert "Review the lessons" in pages["late"]
    assert len(set(keys)) == 4  # one kept card each, none shared by mistake
    client.logout()
    anonymous = page(client, course).content.decode()
    assert "Sign in to enroll" in anonymous and keys[-1] is None  # not kept: an experiment


def test_the_kept_course_holds_its_relations_as_rows_and_the_page_reads_them(client, student):
    from courses.selectors import catalogue as selectors
    from courses.tests.factories import TagFactory

    course = course_with_lessons(prerequisites=1)
    course.tags.add(TagFactory(name="kept-tag"))
    mentor = course.instructors.get()
    selectors.course_page_get(slug=course.slug, user=student)  # builds and keeps it
    kept, _access = selectors.course_page_get(slug=course.slug, user=student)
    assert {name: type(rows) for name, rows in kept._prefetched_objects_cache.items()} == {
        "instructors": list,
        "tags": list,
        "prerequisites": list,
    }
    shown = page(client, course).content.decode()  # read back from the cache
    assert mentor.display_name in shown and "kept-tag" in shown
    client.force_login(mentor)
    assert page(client, course).context["is_instructor"] is True
    client.force_login(student)  # not enrolled, the prerequisite not completed
    locked = page(client, course).content.decode()
    assert "Complete the prerequisites first:" in locked
    assert course.prerequisites.get().title in locked
