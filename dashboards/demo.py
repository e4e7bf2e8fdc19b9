"""Demo catalogue for ``manage.py seed_demo``: categories, courses, lessons of every kind with
small real media, enrollments with progress for the demo student, and reviews.

Idempotent: rows are found by slug / position and updated, media files are generated once
into default storage under fixed ``demo/`` names and reused by every course. Without ffmpeg
or espeak-ng the media is skipped with a note; the catalogue is seeded anyway.
"""

import logging
import math
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from accounts.models import User
from courses.models import Category, Course, Lesson, Module, Resource, Review, Tag
from courses.services.media import THUMBNAIL_SIZES, thumbnail_names
from courses.services.reviews import course_rating_refresh
from courses.services.search import course_search_document_refresh
from dashboards.demo_analytics_campaigns import seed_analytics_campaigns
from dashboards.demo_analytics_events import seed_analytics_events
from dashboards.demo_analytics_experiments import seed_experiments
from dashboards.demo_analytics_rollups import seed_analytics_rollups
from dashboards.demo_badges import seed_badges
from dashboards.demo_billing import seed_billing
from dashboards.demo_chat import seed_chat
from dashboards.demo_cohorts import COHORT_LEARNERS, seed_cohorts
from dashboards.demo_commerce import seed_orders
from dashboards.demo_groups import seed_groups
from dashboards.demo_imports import seed_enrollment_imports
from dashboards.demo_mentoring import seed_mentoring
from dashboards.demo_plans import seed_plans
from dashboards.demo_posts import seed_posts
from dashboards.demo_quizzes import (
    seed_assignments,
    seed_certificates,
    seed_gradebook,
    seed_quizzes,
)
from enrollments import services as enrollment_services
from enrollments.models import Enrollment
from mediatools.captions import Cue, to_vtt

logger = logging.getLogger(__name__)

MENTOR_EMAIL = "mentor@example.com"
STUDENT_EMAIL = "student@example.com"
MEDIA_DIR = "demo/media"
TOOL_TIMEOUT = 60

SPOKEN_LINES = (
    "Welcome to Kalpla.",
    "In this short lesson you will see how the player works.",
    "Captions follow the voice, and the transcript highlights each line.",
    "Click a line to jump to it, and pick up where you left off next time.",
)
NARRATION_TEXT = (
    "Reading is easier with a voice alongside. This narration was generated from the "
    "text of the lesson, so you can listen while you read or when you are on the move."
)

CATEGORIES = (  # slug, English name, Hindi name, order
    ("programming", "Programming", "प्रोग्रामिंग", 1),
    ("data-science", "Data science", "डेटा साइंस", 2),
    ("design", "Design", "डिज़ाइन", 3),
    ("languages", "Languages", "भाषाएँ", 4),
)
TAGS = ("python", "web", "data", "sql", "git", "design", "ux", "hindi", "beginner-friendly")


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    title: str
    subtitle: str
    category: str
    level: str
    tags: tuple[str, ...]
    colour: tuple[int, int, int]
    modules: tuple[tuple[str, tuple[str, ...]], ...]
    price: Decimal = Decimal("0.00")
    language: str = "en"
    prerequisites: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


COURSES: tuple[CourseSpec, ...] = (
    CourseSpec(
        "python-basics",
        "Python basics",
        "Write your first programs: values, decisions, loops and functions.",
        "programming",
        Course.Level.BEGINNER,
        ("python", "beginner-friendly"),
        (79, 70, 229),
        (
            ("Getting started", ("Welcome to Python", "Installing Python", "Your first program")),
            ("Core ideas", ("Values and variables", "Making decisions", "Practice files")),
            ("Going further", ("Functions", "Loops in depth", "Check your understanding")),
        ),
    ),
    CourseSpec(
        "web-development-with-django",
        "Web development with Django",
        "Build a small web application from models to templates.",
        "programming",
        Course.Level.INTERMEDIATE,
        ("python", "web"),
        (5, 150, 105),
        (
            ("Foundations", ("How the web works", "Projects and apps", "Starter files")),
            ("Building pages", ("Views and URLs", "Templates", "Forms")),
        ),
        prerequisites=("python-basics",),
    ),
    CourseSpec(
        "data-analysis-with-pandas",
        "Data analysis with pandas",
        "Load, clean and explore real data sets.",
        "data-science",
        Course.Level.INTERMEDIATE,
        ("python", "data"),
        (217, 119, 6),
        (
            ("Data frames", ("Meet pandas", "Reading files", "Sample data")),
            ("Exploring", ("Filtering rows", "Grouping and totals", "Plotting basics")),
        ),
    ),
    CourseSpec(
        "sql-for-everyone",
        "SQL for everyone",
        "Ask questions of your data with SELECT, JOIN and GROUP BY.",
        "data-science",
        Course.Level.BEGINNER,
        ("sql", "data", "beginner-friendly"),
        (8, 145, 178),
        (
            ("Querying", ("What is a database", "SELECT and WHERE", "Cheat sheet")),
            ("Combining tables", ("JOINs explained", "Aggregates", "Quiz: queries")),
        ),
    ),
    CourseSpec(
        "git-and-github",
        "Git and GitHub",
        "Track your work and collaborate without fear.",
        "programming",
        Course.Level.BEGINNER,
        ("git", "beginner-friendly"),
        (220, 38, 38),
        (("Everyday Git", ("Why version control", "Commits", "Command reference")),),
    ),
    CourseSpec(
        "ui-design-fundamentals",
        "UI design fundamentals",
        "Layout, colour and type for clear interfaces.",
        "design",
        Course.Level.BEGINNER,
        ("design", "ux"),
        (190, 24, 93),
        (
            ("Seeing design", ("What good UI feels like", "Layout grids", "Templates")),
            ("Colour and type", ("Colour with contrast", "Type scales", "Critique")),
        ),
    ),
    CourseSpec(
        "spoken-hindi-for-beginners",
        "Spoken Hindi for beginners",
        "Greetings, numbers and everyday phrases.",
        "languages",
        Course.Level.BEGINNER,
        ("hindi", "beginner-friendly"),
        (234, 88, 12),
        (("First words", ("Namaste!", "Numbers one to ten", "Phrase list")),),
    ),
    CourseSpec(
        "machine-learning-foundations",
        "Machine learning foundations",
        "Models, training and evaluation from first principles.",
        "data-science",
        Course.Level.ADVANCED,
        ("python", "data"),
        (37, 99, 235),
        (
            ("Learning from data", ("What is a model", "Training and testing", "Notebook")),
            ("Evaluating", ("Metrics that matter", "Overfitting", "Project brief")),
        ),
        price=Decimal("1499.00"),
    ),
    CourseSpec(
        "advanced-typography",
        "Advanced typography",
        "Rhythm, pairing and responsive type systems.",
        "design",
        Course.Level.ADVANCED,
        ("design",),
        (71, 85, 105),
        (("Type systems", ("Vertical rhythm", "Pairing typefaces", "Specimen sheets")),),
        price=Decimal("999.00"),
    ),
)

# The kind of the n-th lesson of a module (cycled): every kind appears in each course.
KIND_CYCLE = (
    (Lesson.Kind.VIDEO, Lesson.Kind.TEXT, Lesson.Kind.FILE),
    (Lesson.Kind.AUDIO, Lesson.Kind.TEXT, Lesson.Kind.FILE),
    (Lesson.Kind.TEXT, Lesson.Kind.VIDEO, Lesson.Kind.QUIZ),
)

LEARNERS = (
    ("kiran.learner@example.com", "Kiran Learner"),
    ("divya.learner@example.com", "Divya Learner"),
    ("omar.learner@example.com", "Omar Learner"),
)
REVIEWS = {
    "python-basics": ((5, "Clear, friendly and well paced."), (4, "Great start; more exercises please.")),
    "git-and-github": ((5, "Finally understand branches!"), (4, "Short and practical.")),
    "sql-for-everyone": ((4, "Good examples of JOINs."),),
    "data-analysis-with-pandas": ((5, "The grouping lesson was excellent."),),
    "ui-design-fundamentals": ((3, "Nice ideas, a bit short."),),
}  # fmt: skip


@dataclass
class DemoMedia:
    video: str = ""
    audio: str = ""
    captions: str = ""
    transcript: str = ""
    poster: str = ""
    narration: str = ""
    duration: int = 0
    pdf: str = ""
    text_file: str = ""
    covers: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def seed_demo(*, stdout: Any) -> None:
    started = timezone.now()
    mentor = User.objects.filter(email=MENTOR_EMAIL).first()
    student = User.objects.filter(email=STUDENT_EMAIL).first()
    media = demo_media()
    categories = _categories()
    tags = {
        slug: Tag.objects.update_or_create(slug=slug, defaults={"name": slug})[0] for slug in TAGS
    }
    courses = {spec.slug: _course(spec, categories, tags, mentor, media) for spec in COURSES}
    if "python-basics" in courses:
        _draft_lesson(courses["python-basics"])
    for spec in COURSES:
        courses[spec.slug].prerequisites.set([courses[s] for s in spec.prerequisites])
    learners = _learners()
    if student is not None:
        _student_progress(student, courses)
    _reviews(courses, learners, student)
    _moderation_examples(courses, learners)
    if student is not None:
        _student_news(courses, student)
    if mentor is not None:
        _mentor_news(courses, mentor)
    _mentor_courses_live(courses)
    quizzes = seed_quizzes(courses=courses, mentor=mentor, student=student, learners=learners)
    seed_assignments(courses=courses, mentor=mentor, student=student, learners=learners)
    seed_gradebook(courses=courses, mentor=mentor, student=student, learners=learners)
    seed_certificates(courses=courses, student=student)
    seed_badges(courses=courses, mentor=mentor, student=student)
    # before the chat: course groups take in the cohort's and the import's students
    seed_cohorts(courses=courses, learners=_learners(COHORT_LEARNERS))
    seed_enrollment_imports(mentor=mentor)
    seed_orders(courses=courses, student=student, learners=learners)
    # purchases and plans enroll their buyers: before the course groups and chat rooms fill
    seed_billing(courses=courses, student=student, learners=learners)
    plans = seed_plans(courses=courses, student=student, learners=learners)
    # the at-risk learners enroll here too: before the course groups and chat rooms fill
    at_risk = seed_analytics_campaigns(courses=courses, mentor=mentor)
    rooms = seed_chat(courses=courses, mentor=mentor, student=student, learners=learners)
    groups = seed_groups(mentor=mentor, student=student, learners=learners)
    posts = seed_posts(courses=courses, mentor=mentor, student=student, learners=learners)
    mentors = seed_mentoring(courses=courses, mentor=mentor, student=student, learners=learners)
    # last: the services above report real events; these are 60 days of history before them
    events = seed_analytics_events(courses=courses, learners=learners, student=student)
    experiments = seed_experiments()  # after the history: its conversions are events too
    _refresh_search(courses.values())
    # last: the rollups read every event the demo wrote above
    rolled = seed_analytics_rollups(courses=courses, student=student, learners=learners)
    for note in media.notes:
        stdout.write(f"  note: {note}")
    seconds = (timezone.now() - started).total_seconds()
    stdout.write(
        f"Courses: {len(courses)} demo courses in {len(categories)} categories, "
        f"{quizzes} quizzes, {rooms} chat rooms and {posts} group posts for the demo student, "
        f"{groups} topic groups, {plans} subscription plans, {mentors} mentors, "
        f"{at_risk} at-risk learners, two campaigns, {experiments} A/B experiments and "
        f"{events} demo learning events ({rolled} rolled up) "
        f"({seconds:.1f} s)."
    )


# --- catalogue ---------------------------------------------------------------------------


def _categories() -> dict[str, Category]:
    return {
        slug: Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_en": name, "name_hi": hindi, "order": order}
        )[0]
        for slug, name, hindi, order in CATEGORIES
    }


def _description(spec: CourseSpec) -> str:
    outline = "\n".join(f"- **{title}**: {', '.join(lessons)}" for title, lessons in spec.modules)
    return (
        f"{spec.subtitle}\n\n## What you will learn\n\n{outline}\n\n"
        "Every lesson has captions or text, and you can resume on any device."
    )


def _course(
    spec: CourseSpec,
    categories: dict[str, Category],
    tags: dict[str, Tag],
    mentor: User | None,
    media: DemoMedia,
) -> Course:
    values = {
        "title": spec.title,
        "subtitle": spec.subtitle,
        "description": _description(spec),
        "level": spec.level,
        "language": spec.language,
        "category": categories[spec.category],
        "price": spec.price,
        "status": Course.Status.PUBLISHED,
        "created_by": mentor,
    }
    course, _created = Course.objects.update_or_create(
        slug=spec.slug,
        defaults=values,
        # Published once: reruns keep the date the catalogue sorts by.
        create_defaults={**values, "published_at": timezone.now()},
    )
    course.tags.set([tags[t] for t in spec.tags])
    if mentor is not None:
        course.instructors.add(mentor)
    cover = media.covers.get(spec.slug)
    if cover and course.cover.name != cover:
        course.cover.name = cover
        course.thumbnails = _thumbnails(course, spec)
        course.save(update_fields=["cover", "thumbnails"])
    total = 0
    for m_index, (module_title, lesson_titles) in enumerate(spec.modules):
        module, _ = Module.objects.update_or_create(
            course=course, order=m_index, defaults={"title": module_title}
        )
        kinds = KIND_CYCLE[m_index % len(KIND_CYCLE)]
        for l_index, title in enumerate(lesson_titles):
            total += _lesson(course, module, l_index, title, kinds[l_index % len(kinds)], media)
    Course.objects.filter(pk=course.pk).update(estimated_duration=total)
    return course


def _lesson(
    course: Course, module: Module, index: int, title: str, kind: str, media: DemoMedia
) -> int:
    first = module.order == 0 and index == 0
    values: dict[str, Any] = {
        "course": course,
        "title": title,
        "kind": kind,
        "is_preview": first or (module.order == 0 and kind == Lesson.Kind.TEXT),
        "is_required": kind != Lesson.Kind.QUIZ,
        "content": "",
        "duration": 240,
        "media": "",
        "captions": "",
        "transcript": "",
        "narration": "",
        "poster": "",
        "media_status": Lesson.MediaStatus.NONE,
    }
    if kind in (Lesson.Kind.VIDEO, Lesson.Kind.AUDIO):
        name = media.video if kind == Lesson.Kind.VIDEO else media.audio
        if name:
            values.update(
                media=name,
                captions=media.captions,
                transcript=media.transcript,
                poster=media.poster if kind == Lesson.Kind.VIDEO else "",
                duration=media.duration,
                media_status=Lesson.MediaStatus.READY,
            )
    if kind == Lesson.Kind.TEXT and module.order == 0 and media.narration:
        values["narration"] = media.narration
    values["content"] = _lesson_text(title, kind, narrated=bool(values["narration"]))
    if course.slug == "python-basics" and module.order == 2 and index == 1:
        values.update(release=Lesson.Release.AFTER_DAYS, release_days=7)
    lesson, created = Lesson.objects.update_or_create(
        module=module,
        order=index,
        defaults=values,
        # Demo lessons are live and known to their students, as migrations leave lessons.
        create_defaults={**values, "announced_at": timezone.now()},
    )
    if created and course.slug == "python-basics" and module.order == 2 and index == 2:
        # A lesson that opens later, to show the release rule; set once so reruns keep it.
        # Announced when the date comes (the beat's announcement sweep), as an author's would be.
        lesson.release = Lesson.Release.ON_DATE
        lesson.release_date = timezone.now() + timedelta(days=30)
        lesson.announced_at = None
        lesson.save(update_fields=["release", "release_date", "announced_at"])
    if kind == Lesson.Kind.FILE:
        _resources(lesson, media)
    return int(values["duration"])


def _lesson_text(title: str, kind: str, *, narrated: bool = False) -> str:
    if kind == Lesson.Kind.TEXT:
        # The tip only where the player shows a narration to listen to.
        tip = "\n\n> Tip: you can listen to the narration above while you read." if narrated else ""
        return (
            f"## {title}\n\nThis lesson explains **{title.lower()}** step by step.\n\n"
            "1. Read the idea.\n2. Try the example.\n3. Mark the lesson complete.\n\n"
            f"```python\nprint('Hello, Kalpla!')\n```{tip}"
        )
    if kind == Lesson.Kind.QUIZ:
        return "A short quiz to check your understanding. It is optional."
    if kind == Lesson.Kind.FILE:
        return "Download the files below and keep them next to you while you practise."
    return "Watch or listen, then read the transcript to review the key points."


def _resources(lesson: Lesson, media: DemoMedia) -> None:
    files = [("Cheat sheet", media.pdf), ("Exercises", media.text_file)]
    for title, name in files:
        if name:
            Resource.objects.update_or_create(lesson=lesson, file=name, defaults={"title": title})


def _thumbnails(course: Course, spec: CourseSpec) -> dict[str, str]:
    """WebP thumbnails in the public storage, named like the authoring pipeline names them."""
    names = thumbnail_names(course=course, cover_name=course.cover.name or "")
    public = storages["public"]
    for label, size in THUMBNAIL_SIZES.items():
        if not public.exists(names[label]):
            out = BytesIO()
            _cover_image(spec.title, spec.colour, size).save(out, format="WEBP", quality=80)
            public.save(names[label], ContentFile(out.getvalue()))
    return dict(names)


# --- people, progress and reviews ---------------------------------------------------------


def _learners(people: tuple[tuple[str, str], ...] = LEARNERS) -> list[User]:
    """Demo students (email, name) who can sign in with the demo password."""
    from allauth.account.models import EmailAddress

    from accounts.demo import DEMO_PASSWORD
    from accounts.roles import Role
    from accounts.services import user_roles_set

    users = []
    for email, name in people:
        user, created = User.objects.get_or_create(email=email, defaults={"name": name})
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)  # every demo account can sign in
            user.save()
        if created:
            user_roles_set(user=user, roles=(Role.STUDENT,))
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users.append(user)
    return users


def _lessons(course: Course) -> list[Lesson]:
    """The lessons students see, in outline order."""
    return list(
        Lesson.objects.visible().filter(course=course).order_by("module__order", "order", "id")
    )


DRAFT_LESSON_TITLE = "Coming soon: decorators"


def _draft_lesson(course: Course) -> None:
    """A lesson the mentor is still writing: a Draft in the outline editor, hidden from
    students until the mentor publishes it (which tells them, once)."""
    module = Module.objects.filter(course=course).order_by("-order").first()
    if module is None:
        return
    Lesson.objects.update_or_create(
        module=module,
        title=DRAFT_LESSON_TITLE,
        defaults={"course": course},
        create_defaults={
            "course": course,
            "kind": Lesson.Kind.TEXT,
            "order": 1000,
            "is_published": False,
            "duration": 300,
            "content": "## Decorators\n\nFunctions that wrap other functions. *Draft.*",
        },
    )


def _student_progress(student: User, courses: dict[str, Course]) -> None:
    """Python basics well under way, Git completed, pandas just started."""
    plan = {"python-basics": 3, "git-and-github": None, "data-analysis-with-pandas": 0}
    for slug, done in plan.items():
        course = courses[slug]
        enrollment = enrollment_services.enrollment_create(user=student, course=course)
        lessons = _lessons(course)
        finished = lessons if done is None else lessons[:done]
        for lesson in finished:
            enrollment_services.lesson_complete(enrollment=enrollment, lesson=lesson)
        if done is not None and len(lessons) > done:
            current = lessons[done]
            enrollment_services.lesson_progress_update(
                enrollment=enrollment, lesson=current, position_seconds=min(3.0, current.duration)
            )
            enrollment_services.enrollment_lesson_open(enrollment=enrollment, lesson=current)


def _reviews(courses: dict[str, Course], learners: list[User], student: User | None) -> None:
    """Reviews by enrolled learners, with the course's cached rating kept in step."""
    for slug, reviews in REVIEWS.items():
        course = courses[slug]
        for (rating, text), user in zip(reviews, learners, strict=False):
            enrollment_services.enrollment_create(user=user, course=course)
            Review.objects.update_or_create(
                course=course, user=user, defaults={"rating": rating, "text": text}
            )
        if student is not None and slug == "git-and-github":
            Review.objects.update_or_create(
                course=course,
                user=student,
                defaults={"rating": 5, "text": "Short, clear and practical. Recommended."},
            )
        course_rating_refresh(course=course)


def _student_news(courses: dict[str, Course], student: User) -> None:
    """The notifications a student of these courses would have had: a new lesson in each
    course in progress, the last one open to everyone (notify() with a dedupe key: once,
    however often the demo is seeded)."""
    from courses.services.announcements import lesson_announce_to

    for slug in ("python-basics", "data-analysis-with-pandas"):
        lessons = [
            lesson
            for lesson in (_lessons(courses[slug]) if slug in courses else [])
            if lesson.release == Lesson.Release.IMMEDIATE
        ]
        if lessons:
            lesson_announce_to(lesson_id=lessons[-1].pk, user_ids=[student.pk])


def _mentor_news(courses: dict[str, Course], mentor: User) -> None:
    """The summary a mentor gets each hour there are new students or reviews (once)."""
    from notifications.services.notify import notify

    course = courses.get("python-basics")
    if course is None:
        return
    notify(
        recipients=[mentor],
        kind="courses.activity",
        context={
            "course_title": course.title,
            "course_slug": course.slug,
            "students": Enrollment.objects.filter(course=course).count(),
            "reviews": Review.objects.filter(course=course, is_hidden=False).count(),
        },
        url=reverse("courses:detail", kwargs={"slug": course.slug}),
        dedupe_key=f"courses.activity:demo:{course.pk}",
    )


def _mentor_courses_live(courses: dict[str, Course]) -> None:
    """The mentor hears that their courses went live (deduplicated: once, however often)."""
    from courses.services.authoring import course_published_notify

    for slug in ("git-and-github", "python-basics"):
        if slug in courses:
            course_published_notify(course_id=courses[slug].pk)


def _moderation_examples(courses: dict[str, Course], learners: list[User]) -> None:
    """Something for the demo moderator's queue: a rude review the automatic check flags,
    and a report from a learner. Safe to run again (one pending item per review and reason)."""
    from courses.services.reviews import review_report, review_screen
    from moderation.analysis import text_analyze
    from moderation.screening import screening_analyze

    if len(learners) < 3:
        return
    slug = next(iter(REVIEWS))
    course = courses[slug]
    rude, reporter = learners[-1], learners[-2]
    enrollment_services.enrollment_create(user=rude, course=course)
    review, _created = Review.objects.update_or_create(
        course=course,
        user=rude,
        defaults={"rating": 1, "text": "This course is stupid garbage and you are all idiots."},
    )
    if not review.is_hidden:  # a moderator already dealt with it in an earlier run
        text_analyze(target=review, text=review.text, field="text")
        # Held, as a new review saying this would be: off the course page until approved.
        review_screen(review=review, analysis=screening_analyze(text=review.text))
    reported = Review.objects.filter(course=course).exclude(user__in=[rude, reporter]).first()
    if reported is not None:
        review_report(review=reported, by=reporter, reason="Looks like an advert, not a review.")
    course_rating_refresh(course=course)


def _refresh_search(courses: Any) -> None:
    for course in courses:
        course_search_document_refresh(course=course)


# --- media, generated once ----------------------------------------------------------------


def demo_media() -> DemoMedia:
    """The demo's files in default storage, generated on the first run only."""
    media = DemoMedia()
    for spec in COURSES:
        media.covers[spec.slug] = _ensure(
            f"demo/covers/{spec.slug}.png", lambda s=spec: _png(_cover_image(s.title, s.colour))
        )
    media.pdf = _ensure(f"{MEDIA_DIR}/cheat-sheet.pdf", _pdf)
    media.text_file = _ensure(
        f"{MEDIA_DIR}/exercises.txt",
        lambda: b"Exercises\n\n1. Change the greeting.\n2. Print your name three times.\n",
    )
    media.transcript = " ".join(SPOKEN_LINES)
    if not (shutil.which("espeak-ng") and shutil.which("ffmpeg")):
        media.notes.append(
            "espeak-ng or ffmpeg is not installed: demo lessons have no audio or video "
            "(apt-get install espeak-ng ffmpeg, then run seed_demo again)."
        )
        return media
    try:
        _ensure_av(media)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        logger.warning("demo media generation failed: %s", exc)
        media.notes.append(f"demo media could not be generated ({exc}); lessons have no media.")
        media.video = media.audio = media.captions = media.poster = media.narration = ""
    return media


def _ensure(name: str, make: Any) -> str:
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(make()))
        if saved != name:
            default_storage.delete(saved)
    return name


def _ensure_av(media: DemoMedia) -> None:
    names = {
        "video": f"{MEDIA_DIR}/welcome.webm",
        "audio": f"{MEDIA_DIR}/welcome.mp3",
        "captions": f"{MEDIA_DIR}/welcome.vtt",
        "poster": f"{MEDIA_DIR}/welcome-poster.jpg",
        "narration": f"{MEDIA_DIR}/narration.mp3",
        "duration": f"{MEDIA_DIR}/welcome.duration",
    }
    if not all(default_storage.exists(n) for n in names.values()):
        with tempfile.TemporaryDirectory(prefix="kalpla-demo-") as tmp:
            _generate_av(Path(tmp), names)
    with default_storage.open(names["duration"], "rb") as handle:
        media.duration = math.ceil(float(handle.read().decode() or 0))
    media.video, media.audio = names["video"], names["audio"]
    media.captions, media.poster, media.narration = (
        names["captions"],
        names["poster"],
        names["narration"],
    )


def _run(*args: str) -> bytes:
    return subprocess.run(list(args), capture_output=True, check=True, timeout=TOOL_TIMEOUT).stdout


def _speak(text: str, out: Path) -> None:
    _run("espeak-ng", "-v", "en-us", "-s", "160", "-w", str(out), text)


def _duration(path: Path) -> float:
    out = _run(
        "ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)
    )
    return float(out.decode().strip() or 0)


def generate_webm(
    out: Path, *, seconds: float, audio: Path | None = None, size: str = "320x240"
) -> Path:
    """A tiny WebM (VP8 test pattern, plus Opus audio when given); used by tests too."""
    video = ["-f", "lavfi", "-i", f"testsrc=duration={seconds:.3f}:size={size}:rate=15"]
    sound = ["-i", str(audio)] if audio else []
    codecs = ["-c:v", "libvpx", "-b:v", "150k", "-deadline", "realtime", "-cpu-used", "8"]
    codecs += ["-c:a", "libopus", "-b:a", "32k", "-shortest"] if audio else ["-an"]
    _run("ffmpeg", "-nostdin", "-y", "-v", "error", *video, *sound, *codecs, str(out))
    return out


def vtt_for_lines(lines: tuple[str, ...] | list[str], seconds: float) -> str:
    """WebVTT with one cue per line, timed in proportion to each line's length."""
    total = sum(len(line) for line in lines) or 1
    cues, start = [], 0.0
    for line in lines:
        end = start + seconds * len(line) / total
        cues.append(Cue(start=round(start, 3), end=round(end, 3), text=line))
        start = end
    return to_vtt(cues)


def _generate_av(tmp: Path, names: dict[str, str]) -> None:
    speech = tmp / "speech.wav"
    _speak(" ".join(SPOKEN_LINES), speech)
    seconds = _duration(speech)
    generate_webm(tmp / "welcome.webm", seconds=math.ceil(seconds), audio=speech)
    _run("ffmpeg", "-nostdin", "-y", "-v", "error", "-i", str(speech), "-vn", "-acodec",
         "libmp3lame", "-b:a", "48k", str(tmp / "welcome.mp3"))  # fmt: skip
    _run("ffmpeg", "-nostdin", "-y", "-v", "error", "-ss", "1", "-i", str(tmp / "welcome.webm"),
         "-frames:v", "1", "-q:v", "4", str(tmp / "poster.jpg"))  # fmt: skip
    narration = tmp / "narration.wav"
    _speak(NARRATION_TEXT, narration)
    _run("ffmpeg", "-nostdin", "-y", "-v", "error", "-i", str(narration), "-vn", "-acodec",
         "libmp3lame", "-b:a", "48k", str(tmp / "narration.mp3"))  # fmt: skip
    files = {
        "video": (tmp / "welcome.webm").read_bytes(),
        "audio": (tmp / "welcome.mp3").read_bytes(),
        "captions": vtt_for_lines(SPOKEN_LINES, seconds).encode(),
        "poster": (tmp / "poster.jpg").read_bytes(),
        "narration": (tmp / "narration.mp3").read_bytes(),
        "duration": f"{seconds:.3f}".encode(),
    }
    for key, data in files.items():
        if default_storage.exists(names[key]):
            default_storage.delete(names[key])
        default_storage.save(names[key], ContentFile(data))


# --- images ------------------------------------------------------------------------------


def _cover_image(
    title: str, colour: tuple[int, int, int], size: tuple[int, int] = (960, 540)
) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, c + 60) for c in colour)
    for i in range(0, width + height, max(8, width // 24)):
        draw.line([(i, 0), (i - height, height)], fill=light, width=max(1, width // 160))
    font = _font(max(12, height // 9))
    words, lines, line = re.split(r"\s+", title), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > width * 0.8 and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    y = height // 2 - len(lines) * font.size * 6 // 10
    for text in lines:
        x = (width - draw.textlength(text, font=font)) / 2
        draw.text((x, y), text, fill="white", font=font)
        y += font.size * 12 // 10
    return image


def _font(size: int) -> Any:
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _png(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _pdf() -> bytes:
    image = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(image)
    draw.text((60, 60), "Kalpla cheat sheet", fill="black", font=_font(28))
    for i, line in enumerate(("print(value)", "if x > 1: ...", "for item in items: ...")):
        draw.text((60, 140 + i * 40), line, fill="black", font=_font(18))
    out = BytesIO()
    image.save(out, format="PDF")
    return out.getvalue()
