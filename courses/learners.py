"""What the courses app asks of the app that knows who is enrolled.

courses sits below enrollments (README, "Architecture") and imports nothing of it, yet the
course page shows the viewer's enrollment and only enrolled students may review a course.
``settings.KALPLA_COURSE_LEARNERS`` names the module that answers (``enrollments.access``, where
the access rule lives), the way settings name an integration's backend.
"""

from importlib import import_module
from typing import Any, Protocol, cast

from django.conf import settings

from courses.models import Course


class ViewerAccess(Protocol):
    """What one user may do in one course (``enrollments.access.CourseAccess``)."""

    @property
    def enrollment(self) -> Any:
        """The live enrollment, None when there is none."""

    @property
    def is_staff(self) -> bool: ...

    @property
    def is_instructor(self) -> bool: ...

    @property
    def is_visible(self) -> bool: ...


class Learners(Protocol):
    def course_access(self, *, user: Any, course: Course, cached: bool = False) -> ViewerAccess: ...

    def course_access_cache_keys(self, *, user_id: int) -> list[str]: ...

    def course_enroll_state(self, *, user: Any, course: Course, context: Any = None) -> str: ...

    def course_is_enrolled(self, *, user: Any, course: Course) -> bool: ...


def learners() -> Learners:
    return cast(Learners, import_module(settings.KALPLA_COURSE_LEARNERS))
