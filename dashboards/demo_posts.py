"""Demo posts for ``manage.py seed_demo``: in the Python course's group, a pinned welcome from
the mentor, a question from the demo student with a threaded discussion and reactions, a
study tip with a mention, and a bookmark for the demo student.

Idempotent: a post is found again by its group, author and title, a comment by its post,
author and text; reactions and bookmarks are idempotent services.
"""

from typing import Any

from community.selectors.posts import (
    comment_find,
    group_access_get,
    group_post_count,
    post_find,
)
from community.services.groups import course_group_sync
from community.services.posts import (
    bookmark_set,
    comment_create,
    post_create,
    post_pin,
    reaction_set,
)

COURSE_SLUG = "python-basics"


def _post(group: Any, author: Any, title: str, body: str, *, channel_id: Any = None) -> Any:
    found = post_find(group_id=group.pk, author_id=author.pk, title=title)
    if found is not None:
        return found
    access = group_access_get(group_id=group.pk, user=author)
    return post_create(access=access, author=author, title=title, body=body, channel_id=channel_id)


def _comment(post: Any, author: Any, body: str, *, parent: Any = None) -> Any:
    found = comment_find(post_id=post.pk, author_id=author.pk, body=body)
    if found is not None:
        return found
    access = group_access_get(group_id=post.group_id, user=author)
    return comment_create(
        post=post, access=access, author=author, body=body, parent_id=parent.pk if parent else None
    )


def _react(post: Any, user: Any, emoji: str) -> None:
    access = group_access_get(group_id=post.group_id, user=user)
    reaction_set(target=post, user=user, access=access, emoji=emoji)


def seed_posts(*, courses: dict[str, Any], mentor: Any, student: Any, learners: list[Any]) -> int:
    """Seed the demo posts; returns how many posts the course group has."""
    course = courses.get(COURSE_SLUG)
    if course is None or mentor is None or student is None:
        return 0
    group = course_group_sync(course_id=course.pk)
    welcome = _post(
        group,
        mentor,
        "Welcome to Python basics",
        "Introduce yourself below: where you are and what you want to build.\n\n"
        "Office hours are on **Thursdays at 18:00**.",
    )
    post_pin(post=welcome, user=mentor, access=group_access_get(group_id=group.pk, user=mentor))
    question = _post(
        group,
        student,
        "Why does my loop never stop?",
        "I wrote `while x < 10: print(x)` and it runs forever. What am I missing?",
        channel_id=group.channels.filter(slug="homework").values_list("pk", flat=True).first(),
    )
    answer = _comment(question, mentor, "Look at `x`: does anything change it inside the loop?")
    _comment(question, student, "Oh! I never add 1 to it. Thanks!", parent=answer)
    if learners:
        _comment(question, learners[0], "Same mistake here last week 😅")
        _react(question, learners[0], "👍")
    _react(question, mentor, "🎉")
    _react(welcome, student, "❤️")
    handle = "".join((student.name or "").split()).lower() or f"user{student.pk}"
    tip = _post(
        group,
        mentor,
        "Study tip: read the error from the bottom",
        f"The last line of a traceback says what went wrong. @{handle}, try it on lesson 3.",
    )
    bookmark_set(post=tip, user=student)
    return group_post_count(group_id=group.pk)
