"""seed_demo's catalogue: idempotent, every lesson kind, media when the tools exist."""

import shutil
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from assessments.models import (
    Attempt,
    BadgeAward,
    BadgeClass,
    Certificate,
    GradeChange,
    Question,
    QuestionBank,
    Quiz,
    QuizSlot,
    Submission,
)
from assessments.selectors import grading_queue
from commerce.models import Coupon, Invoice, Order, Payment, Refund
from community.models import (
    Bookmark,
    Channel,
    Comment,
    Group,
    GroupMembership,
    Invitation,
    JoinRequest,
    Message,
    Post,
    PostReaction,
    Room,
    RoomMember,
)
from courses.models import Category, Course, Lesson, Module, Resource, Review
from enrollments.models import Cohort, Enrollment, LessonProgress, WaitlistEntry
from jobs.models import ProcessingJob
from moderation.models import ModerationItem

pytestmark = pytest.mark.django_db

MODELS = (
    Category, Course, Module, Lesson, Resource, Review, Enrollment, LessonProgress, ModerationItem,
    QuestionBank, Question, Quiz, QuizSlot, Attempt, GradeChange, Submission, Certificate,
    BadgeClass, BadgeAward,
    Group, GroupMembership, Channel, Room, RoomMember, Message, JoinRequest, Invitation,
    Post, Comment, PostReaction, Bookmark, Cohort, WaitlistEntry,
    Coupon, Order, Payment, Refund, Invoice,
)  # fmt: skip


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _ratings() -> list[tuple]:
    return list(
        Course.objects.order_by("slug").values_list(
            "slug", "enrollment_count", "rating_average", "rating_count"
        )
    )


def test_seed_demo_twice_gives_the_same_catalogue():
    # given a first run
    _seed()
    counts, ratings = _counts(), _ratings()
    # when it runs again
    _seed()
    # then nothing is added or changed
    assert _counts() == counts
    assert _ratings() == ratings


def test_seed_demo_gives_the_moderator_a_flagged_and_a_reported_review():
    _seed()
    pending = ModerationItem.objects.filter(status="pending", content_type__model="review")
    assert sorted(pending.values_list("reason", flat=True)) == ["reported", "toxic"]
    reported = pending.get(reason="reported")
    assert "Looks like an advert" in reported.detail
    # a moderator hides the rude one; seeding again does not flag it anew
    toxic = pending.get(reason="toxic")
    Review.objects.filter(pk=int(toxic.object_id)).update(is_hidden=True)
    toxic.status = "rejected"
    toxic.save()
    _seed()
    assert pending.filter(reason="toxic").count() == 0


def test_seed_demo_student_has_news_once(django_user_model):
    from notifications.models import Notification

    student = django_user_model.objects.create_user(email="student@example.com", password="x")
    _seed()
    _seed()
    titles = list(Notification.objects.filter(recipient=student).values_list("kind", flat=True))
    # news of new lessons, the released grade of the demo assignment, the two badges, the
    # invitation to the mentor's group, the paid demo order, and their plan's start (its free
    # week; the first paid month that follows it is no new start): once each
    assert sorted(titles) == [
        "assessments.badge_awarded", "assessments.badge_awarded", "assessments.grade_released",
        "commerce.order_paid", "commerce.subscription_started",
        "community.invited", "courses.updated", "courses.updated",
    ]  # fmt: skip


def test_seed_demo_purchases_coupons_invoices_and_a_refund():
    _seed()
    student_orders = Order.objects.filter(user__email="student@example.com")
    order = student_orders.get(items__kind="course")  # (and their plan's first period)
    assert (order.status, order.coupon.code) == ("paid", "WELCOME10")
    assert Invoice.objects.filter(payment__order=order, kind="invoice").exists()
    assert Order.objects.filter(status="refunded").count() == 1
    assert Invoice.objects.filter(kind="credit_note").count() == 1
    assert set(Coupon.objects.values_list("code", flat=True)) == {
        "WELCOME10", "SUMMER25", "TYPE500", "FREEML",
    }  # fmt: skip


def test_seed_demo_catalogue_content():
    _seed()
    published = Course.objects.filter(status=Course.Status.PUBLISHED)
    assert Category.objects.count() >= 3
    assert published.count() >= 8
    assert published.exclude(price=0).count() == 2
    assert set(Lesson.objects.values_list("kind", flat=True)) == set(Lesson.Kind.values)
    assert Lesson.objects.filter(is_preview=True).exists()
    assert not published.filter(instructors=None).exists()
    assert set(published.values_list("instructors__email", flat=True)) == {"mentor@example.com"}
    student = Enrollment.objects.filter(user__email="student@example.com")
    # three free courses, Advanced typography bought (dashboards/demo_billing.py) and Machine
    # learning foundations through their plan (dashboards/demo_plans.py)
    assert student.count() == 5
    assert student.filter(source="paid", grant_reference__startswith="order:").count() == 1
    assert student.filter(source="plan", grant_reference__startswith="pass:").count() == 1
    assert student.filter(status=Enrollment.Status.COMPLETED).count() == 1
    assert student.filter(progress_percent__gt=0, status="active").exists()
    for course in Course.objects.filter(rating_count__gt=0):
        # held and hidden reviews are left out of the rating
        reviews = Review.objects.filter(course=course, is_held=False, is_hidden=False)
        assert course.rating_count == reviews.count()
        mean = sum(r.rating for r in reviews) / reviews.count()
        assert abs(float(course.rating_average) - mean) < 0.01
        assert (
            course.enrollment_count
            == Enrollment.objects.filter(course=course, status__in=("active", "completed")).count()
        )


def test_seed_demo_has_one_draft_lesson_and_every_other_lesson_live():
    _seed()
    drafts = Lesson.objects.exclude(pk__in=Lesson.objects.visible())
    assert list(drafts.values_list("course__slug", "is_published")) == [("python-basics", False)]
    # every live lesson is known to its students, but the one that opens on a date to come:
    # the announcement sweep tells them when it opens
    unannounced = Lesson.objects.visible().filter(announced_at__isnull=True)
    assert list(unannounced.values_list("release", flat=True)) == [Lesson.Release.ON_DATE]
    _seed()  # a second run keeps the one draft
    assert Lesson.objects.filter(is_published=False).count() == 1


def test_seed_demo_student_is_told_only_of_lessons_open_to_them():
    from notifications.models import Notification

    _seed()
    lesson_ids = [
        n.data["lesson_id"]
        for n in Notification.objects.filter(
            recipient__email="student@example.com", kind="courses.updated"
        )
    ]
    assert lesson_ids
    assert set(Lesson.objects.filter(pk__in=lesson_ids).values_list("release", flat=True)) == {
        Lesson.Release.IMMEDIATE
    }


def test_seed_demo_mentor_has_each_notice_once():
    from notifications.models import Notification

    _seed()
    _seed()
    notes = Notification.objects.filter(recipient__email="mentor@example.com")
    assert sorted(notes.values_list("kind", flat=True)) == [
        "courses.activity",
        "courses.published",
        "courses.published",
    ]


def test_seed_demo_generates_real_media():
    from kalpla.testing.tools import require_tool

    require_tool("ffmpeg")
    require_tool("espeak-ng")
    _seed()
    video = Lesson.objects.filter(kind=Lesson.Kind.VIDEO).exclude(media="").first()
    assert video is not None
    assert video.media.name.endswith(".webm")
    assert video.captions.name.endswith(".vtt")
    assert video.duration > 0
    with default_storage.open(video.media.name, "rb") as handle:
        assert handle.read(4) == b"\x1aE\xdf\xa3"  # EBML: a real WebM
    with default_storage.open(video.captions.name, "rb") as handle:
        assert handle.read().startswith(b"WEBVTT")
    assert Lesson.objects.filter(kind=Lesson.Kind.TEXT).exclude(narration="").exists()
    assert Lesson.objects.filter(kind=Lesson.Kind.AUDIO).exclude(media="").exists()
    assert Course.objects.exclude(cover="").count() == Course.objects.count()


def test_seed_demo_without_media_tools_still_seeds(monkeypatch):
    from dashboards import demo

    real_which = shutil.which
    monkeypatch.setattr(
        demo.shutil,
        "which",
        lambda name: None if name in ("ffmpeg", "espeak-ng") else real_which(name),
    )
    monkeypatch.setattr(demo, "MEDIA_DIR", "demo/no-tools")

    output = _seed()

    assert "not installed" in output
    assert Course.objects.count() >= 8
    assert not Lesson.objects.filter(kind=Lesson.Kind.VIDEO).exclude(media="").exists()


def test_seed_demo_quizzes_every_kind_a_graded_attempt_and_answers_to_grade(django_user_model):
    _seed()
    quiz = Quiz.objects.get(lesson__title="Quiz: values and decisions")
    kinds = set(quiz.slots.values_list("question__kind", flat=True))
    assert kinds == {
        "single_choice", "multiple_choice", "true_false", "short_answer", "numeric", "matching",
        "ordering", "essay",
    }  # fmt: skip
    mine = Attempt.objects.get(quiz=quiz, student__email="student@example.com")
    assert (mine.state, str(mine.score)) == ("graded", "7.30")
    mentor = django_user_model.objects.get(email="mentor@example.com")
    assert grading_queue(user=mentor).count() == 2
    work = Submission.objects.get(student__email="student@example.com")
    assert (str(work.final_score), work.released_at is not None) == ("18.00", True)
    assert Submission.objects.filter(released_at__isnull=True, days_late=2).count() == 1
    # the demo student completed Git and GitHub: a certificate, its PDF made by a job
    certificate = Certificate.objects.get(student__email="student@example.com")
    assert certificate.course.slug == "git-and-github"
    assert ProcessingJob.objects.filter(kind="assessments.certificate_pdf").count() == 1
    # ... and its badge (the certificate its evidence), and one the mentor awarded by hand
    awards = BadgeAward.objects.filter(recipient__email="student@example.com")
    earned = awards.get(badge__trigger="course_passed")
    assert earned.badge.course.slug == "git-and-github" and earned.badge.image
    assert earned.evidence_url.endswith(f"/certificates/{certificate.code}/")
    assert awards.get(badge__trigger="manual").awarded_by.email == "mentor@example.com"


def test_seed_demo_chat_has_a_course_group_and_a_student_mentor_conversation(django_user_model):
    _seed()
    student = django_user_model.objects.get(email="student@example.com")
    mentor = django_user_model.objects.get(email="mentor@example.com")
    group = Group.objects.get(course__slug="python-basics")
    assert set(group.channels.values_list("slug", flat=True)) == {"general", "homework"}
    assert Message.objects.filter(room__channel__group=group).count() >= 3
    dm = Room.objects.get(kind="direct", direct_key__isnull=False, members__user=student)
    assert set(dm.members.values_list("user_id", flat=True)) == {student.pk, mentor.pk}
    assert dm.messages.count() == 2
    # a thread with an edited answer and reactions, a tombstone, and a group conversation
    answer = Message.objects.get(client_id="demo-welcome-2")
    assert answer.parent.client_id == "demo-welcome-1" and answer.edits.count() == 1
    assert answer.reactions.get().emoji == "🙏"
    assert Message.objects.get(client_id="demo-welcome-4").is_deleted
    trio = Room.objects.get(kind="direct", direct_key__isnull=True, members__user=student)
    assert trio.members.count() == 3 and trio.messages.count() == 2
    # a second run adds nothing
    counts = (Message.objects.count(), Room.objects.count(), answer.edits.count())
    _seed()
    assert (Message.objects.count(), Room.objects.count(), answer.edits.count()) == counts


def test_seed_demo_moderation_has_a_held_message_a_report_and_an_audit_row():
    from community.models import ModerationAction, Report

    _seed()
    rude = Review.objects.get(text__contains="you are all idiots")
    assert rude.is_held  # off the course page until a moderator approves it
    held = Message.objects.get(client_id="demo-mod-held")
    assert held.status == "held"
    queued = ModerationItem.objects.filter(content_type__model="message", status="pending")
    assert {"toxic", "pii", "reported"} <= set(queued.values_list("reason", flat=True))
    assert Report.objects.filter(reason="spam").count() == 1
    # the review reported from its course page is kept as a report too
    assert Report.objects.filter(content_type__model="review").count() == 1
    [row] = ModerationAction.objects.all()
    assert row.action == "warn" and row.actor.email == "moderator@example.com"
    _seed()
    assert (Report.objects.count(), ModerationAction.objects.count()) == (2, 1)


def test_seed_demo_groups_public_private_request_and_invitation(django_user_model):
    _seed()
    student = django_user_model.objects.get(email="student@example.com")
    buddies = Group.objects.get(name="Study buddies")
    assert buddies.visibility == "public" and buddies.memberships.count() >= 2
    request = JoinRequest.objects.get(user=student, status="pending")
    assert request.group.visibility == "private"
    invitation = Invitation.objects.get(user=student, status="pending")
    assert invitation.group.visibility == "invite" and not invitation.is_expired


def test_seed_demo_posts_in_the_course_group(django_user_model):
    _seed()
    student = django_user_model.objects.get(email="student@example.com")
    group = Group.objects.get(course__slug="python-basics")
    posts = Post.objects.filter(group=group)
    assert posts.count() >= 3 and posts.filter(pinned_at__isnull=False).count() == 1
    assert Comment.objects.filter(post__group=group, parent__isnull=False).exists()
    assert PostReaction.objects.filter(post__group=group).exists()
    assert Bookmark.objects.filter(user=student, post__group=group).count() == 1


def test_seed_demo_runs_a_course_in_cohorts_one_full_with_a_waitlist():
    _seed()
    course = Course.objects.get(slug="ui-design-fundamentals")
    assert course.requires_cohort
    spring, summer = Cohort.objects.filter(course=course).order_by("starts_at")
    assert spring.capacity == Enrollment.objects.filter(cohort=spring).count() == 3
    assert WaitlistEntry.objects.filter(cohort=spring, status="waiting").count() == 2
    assert summer.capacity > Enrollment.objects.filter(cohort=summer).count()
