"""Site pages: the catalogue at /courses/ and the course page at /courses/<slug>/."""

from functools import cache, lru_cache, partial
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import signed_in_user
from activity.tracking import ObjectRef
from activity.verbs import Verb
from activity.visitor import track_view
from courses import policies
from courses.filters import CourseCatalogueFilter
from courses.forms import ReplyForm, ReportForm, ReviewForm
from courses.learners import ViewerAccess
from courses.models import Course
from courses.selectors import catalogue as selectors
from courses.selectors.cached import catalogue_page, course_page_parts
from courses.services import reviews as review_services
from kalpla.cache import page_reads_ahead
from kalpla.errors import service_run
from kalpla.templatetags.kalpla_shell import page_shell_fill, page_shell_render

CATALOGUE_PAGE_SIZE = 12
REVIEWS_PAGE_SIZE = 10


def lesson_url(course: Course, lesson_id: int) -> str:
    return reverse("courses:lesson", kwargs={"slug": course.slug, "lesson_id": lesson_id})


@lru_cache(maxsize=1024)
def _lesson_url_prefix(slug: str, urlconf: str | None, prefix: str) -> str:
    url = reverse("courses:lesson", kwargs={"slug": slug, "lesson_id": 0}, urlconf=urlconf)
    return url.removesuffix("0/")


def course_lesson_url_prefix(course: Course) -> str:
    """The course's lesson URLs without the lesson id (the page's hundred links add theirs),
    reversed once per process for each course (it depends on the URLconf and the prefix)."""
    return _lesson_url_prefix(course.slug, get_urlconf(), get_script_prefix())


def _decorate_cards(courses: Any) -> None:
    for course in courses:
        course.price_label = selectors.price_label(course)
        course.thumbnail_url = selectors.course_thumbnail_url(course)
        seconds = getattr(course, "lesson_duration", 0) or course.estimated_duration
        course.duration_label = selectors.duration_words(seconds)


def _language_label(code: str) -> str:
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code


CATALOGUE_CACHED_PARAMS = frozenset(
    {"category", "level", "language", "is_free", "min_rating", "ordering", "page"}
)


def _catalogue_body(
    request: HttpRequest, filterset: CourseCatalogueFilter
) -> tuple[list[int], dict[str, Any]]:
    """The page's main part (filters, result cards, pages), what the frame shows of it, and
    the ids of the courses whose cards it shows."""
    courses = selectors.course_catalogue_filter(
        queryset=selectors.course_catalogue_base(), **filterset.params()
    )
    page = Paginator(courses, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    _decorate_cards(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    categories = list(selectors.category_list())
    params = filterset.params()
    current_category = next((c for c in categories if c.slug == params["category"]), None)
    body = render_to_string(
        "courses/_catalogue_body.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            ),
            "querystring": query.urlencode(),
            "categories": [
                c for c in categories if getattr(c, "course_count", 0) or c == current_category
            ],
            "current_category": current_category,
            "is_filtered": filterset.is_filtered(),
            "search": params["search"],
        },
    )
    part = {
        "body": body,
        "category": (
            {"name": current_category.name, "slug": current_category.slug}
            if current_category
            else None
        ),
    }
    return [course.pk for course in page.object_list], part


def catalogue(request: HttpRequest) -> HttpResponse:
    filterset = CourseCatalogueFilter(request.GET, queryset=selectors.course_catalogue_base())
    track_view(request, verb=Verb.CATALOGUE_VIEWED, object=ObjectRef("catalogue"))
    valid = filterset.is_valid()  # invalid parameters are shown with their errors and ignored
    search = filterset.params()["search"]
    # Browsing (no search, only known and valid parameters) is the same for everyone: cached
    # like the API's pages. Searches are rendered every time.
    cacheable = valid and not search and set(request.GET) <= CATALOGUE_CACHED_PARAMS
    if cacheable:
        variant = f"site|{get_language()}|{sorted(request.GET.lists())}"
        part = catalogue_page(variant=variant, build=lambda: _catalogue_body(request, filterset))
    else:
        _ids, part = _catalogue_body(request, filterset)
    return render(
        request,
        "courses/catalogue.html",
        {"body": part["body"], "current_category": part["category"], "search": search},
    )


def _reviews_page_number(request: HttpRequest) -> int:
    raw = request.GET.get("reviews_page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


COURSE_PAGE = "courses/course_detail.html"


def _public_parts(
    request: HttpRequest,
    context: dict[str, Any],
    *,
    page: int,
    include_hidden: bool,
    syllabus_html: SafeString | None = None,
) -> dict[str, Any]:
    """Hero, about, rating summary and one page of reviews, rendered from ``context``.

    Rendered once for every ordinary visitor (and cached) or per viewer for the course's
    instructors, moderators and the authors of a review (reply/hide forms, "You" badges).
    For every ordinary visitor (``syllabus_html`` given) also the whole page around them as
    a shell (``kalpla_shell``): each request then renders only its viewer parts (top bar,
    enroll card, review form, CSRF tokens).
    """
    course: Course = context["course"]
    form = context.get("review_form")
    if callable(form):  # made on demand (see _course_page)
        form = form()
    context = {**context, "review_form": form}
    reviews = Paginator(
        selectors.course_review_list(
            course=course,
            include_hidden=include_hidden,
            author_id=context["user"].pk if context.get("user") is not None else None,
        ),
        REVIEWS_PAGE_SIZE,
    ).get_page(page)
    context = {
        **context,
        "rating": selectors.course_rating_summary(course=course),
        "reviews": reviews,
        "instructors": selectors.course_instructors(course=course),
        "prerequisites": selectors.course_prerequisites(course=course),
    }
    req = request if context.get("user") is not None else None
    fragments: dict[str, Any] = {
        # the review form's fields, blank or with the viewer's review (a form sent back with
        # errors is rendered with the page instead)
        "review_form": (
            render_to_string("partials/form.html", {"form": form}) if form else SafeString()
        ),
        "hero": render_to_string("courses/_course_hero_text.html", context, req),
        "about": render_to_string("courses/_course_about.html", context, req),
        "review_summary": render_to_string("courses/_review_summary.html", context, req),
        "review_list": render_to_string("courses/_review_list.html", context, req),
    }
    if syllabus_html is not None:
        shared = {"course": course, "fragments": fragments, "syllabus_html": syllabus_html}
        # The shell holds the parts rendered: only what its viewer parts show stays beside it.
        return {
            "review_form": fragments["review_form"],
            "shell": page_shell_render(COURSE_PAGE, shared),
        }
    return fragments


def _course_page(
    request: HttpRequest,
    course: Course,
    *,
    access: ViewerAccess | None = None,
    review_form: ReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    access = access or selectors.viewer_access(user=user, course=course)
    state = selectors.enroll_state(user=user, course=course, access=access)
    enrolled = access.enrollment is not None
    moderator = policies.review_can_hide(user=user)
    # course_access skips the instructor query for staff; staff who teach it reply too
    instructor = access.is_instructor or (
        access.is_staff and policies.course_is_instructor(user=user, course=course)
    )
    can_review = enrolled and course.is_published
    page = _reviews_page_number(request)
    # read together (unless course_detail read them already): the review, the parts every
    # viewer without one shares, the bell
    expected = None if instructor or moderator else f"{_variant(review_form, can_review)}:{page}"
    variants = [expected] if expected else []
    with selectors.course_page_read_ahead(slug=course.slug, user=user, variants=variants):
        return _course_page_render(
            request,
            course,
            access=access,
            state=state,
            review_form=review_form,
            can_review=can_review,
            instructor=instructor,
            moderator=moderator,
            page=page,
            status=status,
        )


def _variant(review_form: ReviewForm | None, can_review: bool) -> str:
    """Which shared parts a viewer without a review of their own sees."""
    return "invite" if review_form or can_review else "plain"


def _course_page_render(
    request: HttpRequest,
    course: Course,
    *,
    access: ViewerAccess,
    state: str,
    review_form: ReviewForm | None,
    can_review: bool,
    instructor: bool,
    moderator: bool,
    page: int,
    status: int,
) -> HttpResponse:
    user = request.user
    lesson_url_prefix = course_lesson_url_prefix(course)
    enrollment = access.enrollment
    my_review = selectors.review_of_user(user=user, course=course)
    # The form's fields come rendered with the parts (blank, or with the viewer's review); a
    # form object is made only for them or when a sent form comes back with errors.
    invite = bool(review_form) or can_review
    if review_form is not None:
        initial = review_form.initial
    else:
        initial = {"rating": my_review.rating, "text": my_review.text} if my_review else {}
    shared = {
        "course": course,
        "language_label": _language_label(course.language),
        "invite": invite,
        # made only when the parts are rendered (seldom for most viewers: they are cached)
        "review_form": lambda: ReviewForm(initial=initial) if invite else None,
        "user": None,
        "is_instructor": False,
        "can_moderate": False,
    }
    personal = instructor or moderator or my_review is not None
    fragments: dict[str, Any] | None
    outline, syllabus_html, fragments = course_page_parts(
        course=course,
        lesson_url_prefix=lesson_url_prefix,
        public=None if personal else f"{'invite' if invite else 'plain'}:{page}",
        build_public=lambda outline, section: _public_parts(
            request,
            {**shared, "outline": outline},
            page=page,
            include_hidden=False,
            syllabus_html=section,
        ),
    )
    if fragments is None:  # this viewer sees their own badges and forms
        fragments = _public_parts(
            request,
            {
                **shared,
                "outline": outline,
                "user": user,
                "is_instructor": instructor,
                "can_moderate": moderator,
                "reply_form": ReplyForm() if instructor else None,
            },
            page=page,
            include_hidden=moderator,
        )
    resume_lesson_id = getattr(enrollment, "last_lesson_id", None) or outline["first_lesson_id"]
    context = {
        "course": course,
        "outline": outline,
        "fragments": fragments,
        # Loaded only when the enroll card shows them (the "locked" state).
        "prerequisites": lambda: selectors.course_prerequisites(course=course),
        "price_label": selectors.price_label(course),
        "thumbnail_url": selectors.course_thumbnail_url(course, width=960),
        "enroll_state": state,
        "enrollment": enrollment,
        # reversed only when the enroll card shows them
        "enroll_url": cache(lambda: reverse("enrollments:enroll", kwargs={"slug": course.slug})),
        "resume_url": f"{lesson_url_prefix}{resume_lesson_id}/" if resume_lesson_id else "",
        "lesson_url_prefix": lesson_url_prefix,
        "syllabus_html": syllabus_html,
        "login_url": cache(
            lambda: f"{reverse('account_login')}?{urlencode({'next': request.path})}"
        ),
        "my_review": my_review,
        "review_form": review_form,  # a sent form with errors, else None
        "review_invite": invite,
        "is_instructor": instructor,
        "can_moderate": moderator,
    }
    context["enroll_card_key"] = _enroll_card_key(context)
    shell = fragments.get("shell")
    if shell is not None:  # an ordinary visitor: the shared page with their parts filled in
        html = page_shell_fill(shell, COURSE_PAGE, context, request)
        return HttpResponse(html, status=status)
    return render(request, COURSE_PAGE, context, status=status)


ENROLL_CARD_MEMO_STATES = ("continue", "completed")
"""Enroll card states rendered once per process for each key (``_enroll_card_key``): the
others hold a form (CSRF), an experiment's variant or the prerequisites."""


def _enroll_card_key(context: dict[str, Any]) -> tuple[Any, ...] | None:
    """Everything the enroll card shows in a memo state (templates/courses/_enroll_card.html,
    kept by ``{% memo_part %}``), or None: rendered for this request."""
    state = context["enroll_state"]
    if state not in ENROLL_CARD_MEMO_STATES:
        return None
    course = context["course"]
    enrollment = context["enrollment"]
    mine: tuple[Any, ...] = ()
    if enrollment is not None:
        cohort = enrollment.cohort if enrollment.cohort_id else None
        mine = (
            enrollment.has_new_lessons,
            enrollment.progress_percent,
            # the start date is shown in the viewer's time zone
            cohort and (cohort.name, cohort.starts_at, timezone.get_current_timezone_name()),
        )
    return (
        state,
        course.pk,
        course.slug,
        course.title,
        course.is_free,
        context["price_label"],
        context["thumbnail_url"],
        context["resume_url"],
        enrollment is not None,
        mine,
    )


def _course_page_variants(request: HttpRequest, *, signed_in: bool) -> list[str]:
    # Which of the shared parts' variants a signed-in viewer sees is known only once the
    # course and their enrollments are, so both are read (only the one used is unpickled).
    page = _reviews_page_number(request)
    kinds = ("invite", "plain") if signed_in else ("plain",)
    return [f"{kind}:{page}" for kind in kinds]


def _course_page_reads(
    request: HttpRequest, user_id: int | None, slug: str
) -> tuple[list[str], list[str]]:
    variants = _course_page_variants(request, signed_in=user_id is not None)
    return selectors.course_page_read_keys(slug=slug, user_id=user_id, variants=variants)


@page_reads_ahead(_course_page_reads)
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user
    # Everything the page reads from the cache, in one round trip (with the session's, when
    # the request read it ahead: ``_course_page_reads``).
    variants = _course_page_variants(request, signed_in=user.is_authenticated)
    with selectors.course_page_read_ahead(slug=slug, user=user, variants=variants):
        course, access = selectors.course_page_get(slug=slug, user=user)
        track_view(request, verb=Verb.COURSE_VIEWED, object=ObjectRef("course", course.pk))
        return _course_page(request, course, access=access)


@require_POST
def review_save(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("courses:detail", args=[slug]))
    user = signed_in_user(request)
    course = selectors.course_detail_get(slug=slug, user=user)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _course_page(request, course, review_form=form, status=400)
    save = partial(review_services.review_create_or_update, user=user, course=course)
    service_run(
        request,
        partial(save, rating=form.cleaned_data["rating"], text=form.cleaned_data["text"]),
        success=lambda review: (
            _(
                "Thank you! Your review was saved. It is held for review: other visitors "
                "will see it once a moderator approves it."
            )
            if review.is_held
            else _("Thank you! Your review was saved.")
        ),
        raises=(),  # "only enrolled students" is a message on the course page
    )
    return redirect(reverse("courses:detail", args=[slug]) + "#reviews")


@login_required
@require_POST
def review_reply(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get(review_id=review_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reply is too long."))
    else:
        by, text = signed_in_user(request), form.cleaned_data["text"]
        reply = partial(review_services.review_reply, review=review, by=by, text=text)
        if not service_run(request, reply, success=_("Your reply was saved.")).ok:
            return redirect(reverse("courses:detail", args=[review.course.slug]) + "#reviews")
    return redirect(reverse("courses:detail", args=[review.course.slug]) + f"#review-{review.pk}")


@login_required
@require_POST
def review_hide(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get(review_id=review_id)
    hidden = request.POST.get("hidden", "true") != "false"
    service_run(
        request,
        partial(
            review_services.review_hide, review=review, by=signed_in_user(request), hidden=hidden
        ),
        success=_("The review is hidden.") if hidden else _("The review is visible again."),
    )
    return redirect(reverse("courses:detail", args=[review.course.slug]) + f"#review-{review.pk}")


@login_required
def review_report(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get(review_id=review_id)
    if review.is_hidden:
        raise Http404("No such review.")
    back = reverse("courses:detail", args=[review.course.slug]) + f"#review-{review.pk}"
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            by, reason = signed_in_user(request), form.cleaned_data["reason"]
            report = partial(review_services.review_report, review=review, by=by, reason=reason)
            done = service_run(
                request,
                report,
                form=form,
                success=_("Thank you. The moderators will look at it."),
                raises=(),
            )
            if done.ok:
                return redirect(back)
        status = 400
    return render(
        request,
        "courses/review_report.html",
        {"review": review, "form": form, "back": back},
        status=status,
    )
