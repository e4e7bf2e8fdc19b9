"""Catalogue query parameters, shared by the catalogue page and ``GET /api/v1/courses/``."""

from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from courses.selectors.catalogue import course_catalogue_filter

ORDERING_CHOICES = [
    ("relevance", _("Relevance")),
    ("newest", _("Newest")),
    ("popular", _("Most popular")),
    ("rating", _("Highest rated")),
]
PRICE_CHOICES = [("", _("Any price")), ("true", _("Free")), ("false", _("Paid"))]
RATING_CHOICES = [
    ("", _("Any rating")),
    ("4.5", "4.5+"),
    ("4", "4.0+"),
    ("3.5", "3.5+"),
    ("3", "3.0+"),
]


class CourseCatalogueFilter(django_filters.FilterSet):
    """Validates the parameters, then hands them to ``course_catalogue_filter`` in one go."""

    search = django_filters.CharFilter(
        label=_("Search"),
        max_length=200,
        help_text=_(
            "Words in the title, subtitle, description, tags or lesson titles. Web search "
            'syntax: "exact phrase", -exclude, or.'
        ),
    )
    category = django_filters.CharFilter(
        label=_("Category"), help_text=_("Category slug; includes its subcategories.")
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Course.Level.choices, empty_label=_("Any level")
    )
    language = django_filters.CharFilter(
        label=_("Language"),
        max_length=10,
        widget=forms.Select(choices=[("", _("Any language")), *settings.LANGUAGES]),
        help_text=_("Language code, e.g. en."),
    )
    is_free = django_filters.BooleanFilter(
        label=_("Price"),
        widget=forms.Select(choices=PRICE_CHOICES),
        help_text=_("true: free courses only; false: paid courses only."),
    )
    min_rating = django_filters.NumberFilter(
        label=_("Rating"),
        min_value=0,
        max_value=5,
        widget=forms.Select(choices=RATING_CHOICES),
        help_text=_("Minimum average rating, 0 to 5."),
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=ORDERING_CHOICES,
        empty_label=_("Best match"),
        help_text=_(
            "relevance (default when searching), newest (default otherwise), popular "
            "(most enrollments) or rating."
        ),
    )

    class Meta:
        model = Course
        fields = ("search", "category", "level", "language", "is_free", "min_rating", "ordering")

    @property
    def form(self) -> forms.Form:
        form = super().form
        # "Best match" (the empty choice) already means relevance when searching: the page
        # offers it once. ordering=relevance stays valid for the API.
        widget = form.fields["ordering"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = [choice for choice in widget.choices if choice[0] != "relevance"]
        return form

    def filter_queryset(self, queryset: QuerySet[Course]) -> QuerySet[Course]:
        return course_catalogue_filter(queryset=queryset, **self.params())

    def params(self) -> dict[str, Any]:
        """The valid parameters (invalid ones are dropped), ready for the selector."""
        data = getattr(self.form, "cleaned_data", {}) if self.is_bound else {}
        return {
            "search": data.get("search") or "",
            "category": data.get("category") or "",
            "level": data.get("level") or "",
            "language": data.get("language") or "",
            "is_free": data.get("is_free"),
            "min_rating": data.get("min_rating"),
            "ordering": data.get("ordering") or "",
        }

    def is_filtered(self) -> bool:
        params = self.params()
        return any(value not in ("", None) for key, value in params.items() if key != "ordering")
