"""Model fields staff write once per language (django-modeltranslation adds ``<field>_<lang>``
columns and makes ``<field>`` read the active language, falling back to English)."""

from modeltranslation.translator import TranslationOptions, register

from courses.models import Category


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name",)
