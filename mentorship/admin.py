"""Staff run the mentoring programme here: profiles, mentorships, sessions, live classes.

Writes that carry rules (booking, cancelling, ending) go through the site and the API, which
call the services; the admin edits records and shows them in full.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mentorship.models import (
    ActionItem,
    AvailabilityException,
    AvailabilityRule,
    CalendarFeed,
    Goal,
    LearnerPreference,
    LiveClass,
    LiveClassAttendance,
    MentorLanguage,
    MentorProfile,
    MentorSession,
    Mentorship,
    MentorshipRequest,
    Milestone,
    ProgressUpdate,
    SessionNote,
)


class MentorLanguageInline(admin.TabularInline):
    model = MentorLanguage
    extra = 0


class AvailabilityRuleInline(admin.TabularInline):
    model = AvailabilityRule
    extra = 0


class AvailabilityExceptionInline(admin.TabularInline):
    model = AvailabilityException
    extra = 0


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "headline", "timezone", "capacity", "is_accepting", "is_listed")
    list_filter = ("is_accepting", "is_listed", "timezone")
    search_fields = ("user__email", "user__name", "headline")
    autocomplete_fields = ("user",)
    filter_horizontal = ("expertise",)
    inlines = (MentorLanguageInline, AvailabilityRuleInline, AvailabilityExceptionInline)
    list_select_related = ("user",)


@admin.register(LearnerPreference)
class LearnerPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "updated_at")
    search_fields = ("user__email",)
    autocomplete_fields = ("user",)
    filter_horizontal = ("interests",)
    list_select_related = ("user",)


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(admin.ModelAdmin):
    list_display = ("mentee", "mentor", "status", "created_at", "responded_at")
    list_filter = ("status",)
    search_fields = ("mentee__email", "mentor__email")
    raw_id_fields = ("mentee", "mentor", "course", "mentorship")
    list_select_related = ("mentee", "mentor")
    date_hierarchy = "created_at"


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0
    fields = ("title", "status", "due_on")
    show_change_link = True


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ("mentor", "mentee", "status", "started_on", "ended_at")
    list_filter = ("status",)
    search_fields = ("mentor__email", "mentee__email")
    raw_id_fields = ("mentor", "mentee", "course", "ended_by")
    list_select_related = ("mentor", "mentee")
    inlines = (GoalInline,)


class SessionNoteInline(admin.StackedInline):
    model = SessionNote
    extra = 0
    raw_id_fields = ("author",)


@admin.register(MentorSession)
class MentorSessionAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "ends_at", "mentor", "mentee", "status", "rating")
    list_filter = ("status", "meeting_provider")
    search_fields = ("mentor__email", "mentee__email", "ical_uid")
    raw_id_fields = (
        "mentorship",
        "mentor",
        "mentee",
        "booked_by",
        "cancelled_by",
        "rescheduled_from",
        "no_show_marked_by",
    )
    readonly_fields = ("ical_uid", "ical_sequence", "meeting_info", "created_at", "updated_at")
    list_select_related = ("mentor", "mentee")
    date_hierarchy = "starts_at"
    inlines = (SessionNoteInline,)


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "due_on", "done_at")
    list_filter = (("done_at", admin.EmptyFieldListFilter),)
    search_fields = ("title",)
    raw_id_fields = ("mentorship", "session", "owner", "created_by")
    list_select_related = ("owner",)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("title", "mentorship", "status", "due_on")
    list_filter = ("status",)
    search_fields = ("title",)
    raw_id_fields = ("mentorship", "created_by")
    inlines = (MilestoneInline,)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ("mentorship", "author", "percent", "created_at")
    raw_id_fields = ("mentorship", "goal", "author")
    list_select_related = ("author",)


class AttendanceInline(admin.TabularInline):
    model = LiveClassAttendance
    extra = 0
    raw_id_fields = ("user",)
    readonly_fields = ("joined_at", "last_seen_at")


@admin.register(LiveClass)
class LiveClassAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "host", "starts_at", "status", "provider")
    list_filter = ("status", "provider")
    search_fields = ("title", "course__title", "host__email")
    raw_id_fields = ("course", "host")
    # The stream key is the host's secret: staff see that one is set, not its value.
    exclude = ("stream_key",)
    readonly_fields = ("provider", "channel_id", "ingest_url", "playback_url", "chat_room_id")
    list_select_related = ("course", "host")
    date_hierarchy = "starts_at"
    inlines = (AttendanceInline,)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "last_fetched_at")
    search_fields = ("user__email",)
    raw_id_fields = ("user",)
    exclude = ("token",)
    actions = ("revoke",)

    @admin.action(description=_("Revoke the selected feed links"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[CalendarFeed]) -> None:
        count = queryset.count()
        queryset.delete()
        self.message_user(request, _("%(count)d feed links revoked.") % {"count": count})
