"""The choices of courses' models that other apps read or compare against (a course's status,
a lesson's kind, release rule and media status), so they need not import courses.models."""

from courses.models import Course, Lesson

CourseStatus = Course.Status
LessonKind = Lesson.Kind
LessonRelease = Lesson.Release
LessonMediaStatus = Lesson.MediaStatus
