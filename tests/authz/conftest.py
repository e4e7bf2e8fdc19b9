"""The people and objects the authorization matrix requests as: every object is made by the
apps' factories (never demo data), and every token is minted by the service that hands it out.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from accounts.tests.factories import ApiKeyFactory, UserFactory
from analytics.models import Campaign, Segment
from analytics.tests.factories import ExperimentFactory
from analytics.tracking import click_url, open_url
from assessments.badges.signing import issuer_key
from assessments.services.assignments import assignment_ensure, submission_create
from assessments.services.attempts import attempt_start
from assessments.tests.factories import (
    BadgeAwardFactory,
    BadgeClassFactory,
    QuizFactory,
    QuizSlotFactory,
)
from commerce.services.invoices import invoice_issue
from commerce.services.orders import order_create
from commerce.services.subscriptions import subscription_mark_paid
from commerce.tests.factories import OrderFactory
from commerce.tests.factories_subscriptions import PlanFactory, subscribe
from community.services.groups import course_group_sync, group_member_add
from community.services.membership import (
    channel_add,
    invitation_create,
    join_request_create,
    topic_group_create,
)
from community.services.messages import message_send
from community.tests.factories import comment_on, post_in
from courses.file_links import lesson_preview_link
from courses.tests.factories import (
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    ResourceFactory,
    ReviewFactory,
)
from enrollments.access import lesson_file_url
from enrollments.imports.services import enrollment_import_create
from enrollments.tests.factories import CohortFactory, EnrollmentFactory
from files.services import file_upload_start
from mentorship.tests.factories import (
    ActionItemFactory,
    AvailabilityExceptionFactory,
    AvailabilityRuleFactory,
    CalendarFeedFactory,
    GoalFactory,
    LiveClassFactory,
    MentorProfileFactory,
    MentorSessionFactory,
    MentorshipFactory,
    MentorshipRequestFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    SessionNoteFactory,
)
from moderation.tests.factories import ModerationItemFactory
from notifications.services.email import unsubscribe_token
from notifications.tests.factories import DeviceFactory, NotificationFactory, PhoneNumberFactory

# The columns of the policy table, in its order.
ROLES = ("anonymous", "student_a", "student_b", "mentor", "other_mentor", "moderator", "staff")


@dataclass
class World:
    users: dict[str, Any]
    kwargs: dict[str, Any]
    """URL kwargs by name (``slug``, ``lesson_id``...), all pointing at student A's things."""
    tokens: dict[str, str] = field(default_factory=dict)
    """Signed tokens by URL name: each link type carries its own kind of token."""


def _token(url: str) -> str:
    return str(resolve(url.split("?", 1)[0]).kwargs["token"])


@pytest.fixture
def world(db) -> World:
    # given: a published course taught by ``mentor`` with one module, lesson and handout,
    # and another course taught by ``other_mentor``
    student_a = UserFactory(roles=("Student",))
    student_b = UserFactory(roles=("Student",))
    mentor = UserFactory(roles=("Mentor",))
    other_mentor = UserFactory(roles=("Mentor",))
    moderator = UserFactory(roles=("Moderator",))
    staff = UserFactory(roles=("Admin",), is_staff=True, is_superuser=True)
    course = CourseFactory(instructors=[mentor])
    CourseFactory(instructors=[other_mentor])
    module = ModuleFactory(course=course)
    lesson = LessonFactory(module=module)
    resource = ResourceFactory(lesson=lesson)
    # the lesson's poster (the handout's stored file will do): editors preview it by link
    lesson.poster.name = resource.file.name
    lesson.save(update_fields=["poster"])
    # student A's own things, which student B asks for; student A's cohort (started, its one
    # seat taken by them)
    started = timezone.now() - timedelta(days=1)
    cohort = CohortFactory(course=course, capacity=1, starts_at=started)
    enrollment = EnrollmentFactory(user=student_a, course=course, cohort=cohort)
    review = ReviewFactory(course=course, user=student_a, text="Clear and useful.")
    item = ModerationItemFactory(target=review)
    notification = NotificationFactory(recipient=student_a)
    api_key = ApiKeyFactory(user=student_a)
    device = DeviceFactory(user=student_a)
    PhoneNumberFactory(user=student_a)
    # an authenticator app; the security-key pages get its id, which they must not take
    totp = TOTP.activate(student_a, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").instance
    # a quiz lesson in the same course (an essay and a true/false question) and student A's
    # open attempt at it
    quiz = QuizFactory(lesson__module=module)
    essay = QuizSlotFactory(quiz=quiz, question__kind="essay", question__raw={})
    QuizSlotFactory(quiz=quiz, question__bank=essay.question.bank)
    attempt = attempt_start(quiz=quiz, user=student_a)
    # an assignment lesson in the same course and student A's work for it
    assignment_lesson = LessonFactory(module=module, kind="assignment")
    assignment = assignment_ensure(user=mentor, lesson=assignment_lesson)
    submission = submission_create(user=student_a, assignment=assignment, text="My work.")
    # a badge of the course, awarded to student A
    badge = BadgeClassFactory(course=course, trigger="manual")
    award = BadgeAwardFactory(badge=badge, recipient=student_a)
    # the course group's general room (student A and the mentor) and student A's message
    chat_room = course_group_sync(course_id=course.pk).channels.get().room
    chat_message, _created = message_send(room=chat_room, author=student_a, body="Hello")
    # reported: moderators read it among its neighbours
    ModerationItemFactory(target=chat_message)
    # student A's private topic group: the mentor is a member, other_mentor asks to join; and
    # the mentor's invite-only group, to which student A is invited
    group = topic_group_create(user=student_a, name="Study circle", visibility="private")
    group_member_add(group=group, user=mentor)
    channel = channel_add(group=group, user=student_a, name="homework")
    join_request = join_request_create(group=group, user=other_mentor)
    invited_to = topic_group_create(user=mentor, name="Mentors' picks", visibility="invite")
    invitation = invitation_create(group=invited_to, user=mentor, invitee_id=student_a.pk)
    # student A's post in the course group, and their comment on it
    post = post_in(chat_room.channel.group, student_a, "A question")
    comment = comment_on(post, student_a, "More detail")
    # the mentor's enrollment import (queued; its run is not needed here)
    enrollment_import = enrollment_import_create(
        user=mentor, file_name="people.csv", data=b"email,course\nnot-an-email,x\n"
    )
    # a paid course nobody teaches, and student A's pending (manual) order for it
    paid = CourseFactory(slug="matrix-paid", price="499.00")
    order = order_create(user=student_a, course=paid)
    # student A's paid order of another course, and its invoice
    bought = OrderFactory(user=student_a, paid=True)
    invoice = invoice_issue(payment=bought.payments.get())
    # a plan of the course, to which student A subscribes (manual, paid: active)
    plan = PlanFactory(courses=[course])
    subscription = subscription_mark_paid(subscription=subscribe(student_a, plan), by=staff)
    # mentoring: the mentor's profile and weekly hours (a day off too), their mentorship with
    # student A (a session tomorrow with the mentor's private note, an action item, a goal
    # with a milestone, an update); student A's pending request to other_mentor; a live class
    # the mentor hosts for the course; student A's calendar feed
    mentor_profile = MentorProfileFactory(user=mentor)
    MentorProfileFactory(user=other_mentor)
    rule = AvailabilityRuleFactory(mentor=mentor_profile)
    day_off = AvailabilityExceptionFactory(mentor=mentor_profile)
    mentorship = MentorshipFactory(mentor=mentor, mentee=student_a, course=course)
    mentor_session = MentorSessionFactory(mentorship=mentorship)
    note = SessionNoteFactory(session=mentor_session, author=mentor)
    action_item = ActionItemFactory(mentorship=mentorship)
    goal = GoalFactory(mentorship=mentorship)
    milestone = MilestoneFactory(goal=goal)
    progress = ProgressUpdateFactory(mentorship=mentorship, goal=goal)
    mentorship_request = MentorshipRequestFactory(mentee=student_a, mentor=other_mentor)
    live_class = LiveClassFactory(host=mentor, course=course)
    feed = CalendarFeedFactory(user=student_a)
    # a draft A/B experiment (staff only)
    experiment = ExperimentFactory(key="matrix-exp")
    upload = file_upload_start(
        user=student_a, kind="image", filename="a.png", content_type="image/png", size=100
    )
    # a staff segment (Hindi speakers) and a draft in-app campaign to it
    campaign_segment = Segment.objects.create(
        name="Hindi", rules={"match": "all", "rules": [{"type": "language", "language": "hi"}]}
    )
    campaign = Campaign.objects.create(
        name="Hello",
        segment=campaign_segment,
        channels=["in_app"],
        inapp_title="Hello",
        inapp_body="New courses",
    )
    return World(
        users={
            "student_a": student_a,
            "student_b": student_b,
            "mentor": mentor,
            "other_mentor": other_mentor,
            "moderator": moderator,
            "staff": staff,
        },
        kwargs={
            "slug": course.slug,
            "module_id": module.pk,
            "lesson_id": lesson.pk,
            "resource_id": resource.pk,
            "review_id": review.pk,
            "item_id": item.pk,
            "notification_id": notification.pk,
            "key_id": api_key.pk,
            "device_id": device.pk,
            "pk": totp.pk,
            "quiz_lesson_id": quiz.lesson_id,
            "assignment_lesson_id": assignment_lesson.pk,
            "submission_id": submission.pk,
            "room_id": chat_room.pk,
            "course_group_id": chat_room.channel.group_id,
            "message_id": chat_message.pk,
            "group_id": group.pk,
            "channel_id": channel.pk,
            "request_id": join_request.pk,
            "invitation_id": invitation.pk,
            "invited_to_group_id": invited_to.pk,
            "post_group_id": post.group_id,
            "post_id": post.pk,
            "comment_id": comment.pk,
            "paid_slug": paid.slug,
            "order_id": order.pk,
            "user_id": mentor.pk,
            "attempt_id": attempt.pk,
            "import_id": enrollment_import.pk,
            "invoice_id": invoice.pk,
            "attempt_question_id": attempt.questions.first().pk,
            "position": 0,
            "bank_id": essay.question.bank_id,
            "question_id": essay.question_id,
            "slot_id": essay.pk,
            "fmt": "gift",
            "cohort_id": cohort.pk,
            "enrollment_id": enrollment.pk,
            "code": "NOT-A-CODE",
            "uid": award.uid,
            "badge_class_uid": badge.uid,
            "badge_id": badge.pk,
            "award_id": award.pk,
            "kid": issuer_key().thumbprint,
            # a private file's own path: /media/ must never serve it
            "path": resource.file.name,
            # allauth's emailed keys: well-formed but unknown
            "key": "MQ:1u2v3w:not-a-real-key",
            "uidb36": "1",
            "provider_id": "linkedin",
            "plan_slug": plan.slug,
            "subscription_id": subscription.pk,
            "mentor_profile_id": mentor_profile.pk,
            "rule_id": rule.pk,
            "exception_id": day_off.pk,
            "mentorship_id": mentorship.pk,
            "session_id": mentor_session.pk,
            "note_id": note.pk,
            "action_item_id": action_item.pk,
            "goal_id": goal.pk,
            "milestone_id": milestone.pk,
            "update_id": progress.pk,
            "mentorship_request_id": mentorship_request.pk,
            "live_class_id": live_class.pk,
            "feed_token": feed.token,
            "course_id": course.pk,
            "segment_id": campaign_segment.pk,
            "campaign_id": campaign.pk,
            "experiment_key": experiment.key,
        },
        tokens={
            "files:download": _token(lesson_preview_link(lesson=lesson, role="poster")),
            "files:upload": _token(upload.url),
            "courses:lesson_file": _token(
                lesson_file_url(lesson=lesson, role=f"resource:{resource.pk}", user=student_a)
            ),
            "notifications:unsubscribe": unsubscribe_token(
                user=student_a, category="announcements"
            ),
            "analytics:campaign_open": _token(
                urlsplit(open_url(campaign_id=campaign.pk, user_id=student_a.pk)).path
            ),
            "analytics:campaign_click": _token(
                urlsplit(
                    click_url(
                        campaign_id=campaign.pk, user_id=student_a.pk, channel="email", url="/"
                    )
                ).path
            ),
        },
    )


def role_client(world: World, role: str) -> tuple[Client, dict[str, str]]:
    """A client signed in as ``role`` (by session) and the headers the app API needs."""
    # A view's crash is an outcome (500) to report with the others, not an exception.
    client = Client(raise_request_exception=False)
    if role == "anonymous":
        return client, {}
    client.force_login(world.users[role])
    # allauth headless app clients send the session key as their token
    return client, {"X-Session-Token": client.session.session_key or ""}
